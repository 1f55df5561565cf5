//! Share links: a whole analysis (never its data) in a URL fragment.
//!
//! The fragment is `#a1.<payload>`: `a1` names this envelope (compact JSON,
//! raw DEFLATE, URL-safe base64 without padding); the analysis inside carries
//! its own `version`. A later envelope gets a new prefix and this one keeps
//! decoding. Fragments never reach a server, so the analysis stays in the browser.

use std::io::{Read, Write};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;

use crate::analysis::{Analysis, AnalysisError};

/// The fragment prefix of envelope version 1.
pub const LINK_PREFIX_V1: &str = "a1.";

/// The longest link Meridian offers; longer analyses are offered as a file.
/// Chat tools, mail clients and some proxies cut links beyond about 2,000 characters.
pub const MAX_LINK_CHARS: usize = 2000;

/// The most a shared analysis may inflate to, so a hostile link cannot exhaust memory.
const MAX_ANALYSIS_BYTES: u64 = 4 * 1024 * 1024;

/// Why a share link could not be opened.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ShareError {
    /// The fragment does not start with a known envelope prefix.
    #[error("this link does not hold a Meridian analysis (it should start with #{LINK_PREFIX_V1})")]
    UnknownEnvelope,
    /// The payload was cut or altered (often by a chat tool shortening the link).
    #[error("this link is damaged, perhaps cut short when it was copied: {0}")]
    Damaged(String),
    /// The payload inflates to more than any analysis needs.
    #[error("this link holds more than {} MB, more than any analysis needs", MAX_ANALYSIS_BYTES / 1024 / 1024)]
    TooLarge,
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
}

/// The fragment (without `#`) that carries `analysis`.
pub fn encode_fragment(analysis: &Analysis) -> String {
    let json = analysis.to_compact_json();
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(json.as_bytes());
    let compressed = encoder.finish().unwrap_or_default();
    format!("{LINK_PREFIX_V1}{}", URL_SAFE_NO_PAD.encode(compressed))
}

/// The analysis a fragment carries; `#` in front is accepted.
pub fn decode_fragment(fragment: &str) -> Result<Analysis, ShareError> {
    let fragment = fragment.trim().trim_start_matches('#');
    let Some(payload) = fragment.strip_prefix(LINK_PREFIX_V1) else {
        return Err(ShareError::UnknownEnvelope);
    };
    let compressed = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(damaged)?;
    let mut json = String::new();
    DeflateDecoder::new(compressed.as_slice())
        .take(MAX_ANALYSIS_BYTES + 1)
        .read_to_string(&mut json)
        .map_err(damaged)?;
    if json.len() as u64 > MAX_ANALYSIS_BYTES {
        return Err(ShareError::TooLarge);
    }
    Ok(Analysis::from_json(&json)?)
}

/// The decoder's own words, without their full stop (the sentence goes on).
fn damaged(error: impl std::fmt::Display) -> ShareError {
    ShareError::Damaged(error.to_string().trim_end_matches('.').to_string())
}

/// A link to `analysis` under `page_url` (the app's address; a fragment in it
/// is dropped), or, when it would be longer than [`MAX_LINK_CHARS`], its length.
pub fn share_link(page_url: &str, analysis: &Analysis) -> Result<String, usize> {
    let base = page_url.split('#').next().unwrap_or(page_url);
    let link = format!("{base}#{}", encode_fragment(analysis));
    if link.len() <= MAX_LINK_CHARS {
        Ok(link)
    } else {
        Err(link.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fragment_opens_as_the_same_analysis() {
        let mut analysis = Analysis::new("Round trip: ünïcode & 'quotes'");
        analysis.steps.push(crate::analysis::Step {
            name: "s".into(),
            sql: "SELECT 1".into(),
            note: "why".into(),
        });
        let fragment = encode_fragment(&analysis);
        assert!(fragment.starts_with("a1."));
        assert!(
            fragment[3..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(decode_fragment(&format!("#{fragment}")), Ok(analysis));
    }

    #[test]
    fn damaged_and_foreign_links_say_what_is_wrong() {
        assert_eq!(decode_fragment("#/home"), Err(ShareError::UnknownEnvelope));
        let fragment = encode_fragment(&Analysis::new("cut"));
        let cut = &fragment[..fragment.len() / 2];
        let error = decode_fragment(cut).err().map(|e| e.to_string());
        assert!(
            error
                .as_deref()
                .is_some_and(|e| e.starts_with("this link is damaged")),
            "{error:?}"
        );
    }

    #[test]
    fn a_bomb_is_refused() {
        let huge = " ".repeat(MAX_ANALYSIS_BYTES as usize + 10);
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
        let _ = encoder.write_all(huge.as_bytes());
        let payload = URL_SAFE_NO_PAD.encode(encoder.finish().unwrap_or_default());
        assert_eq!(
            decode_fragment(&format!("a1.{payload}")),
            Err(ShareError::TooLarge)
        );
    }
}
