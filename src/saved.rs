//! Analyses kept in the browser (IndexedDB), and which one is open (localStorage).

use meridian_model::Analysis;
use serde::{Deserialize, Serialize};

use crate::idb;

const CURRENT_KEY: &str = "meridian.current-analysis.v1";

/// The most one saved analysis may take; an analysis is SQL and specs, never data.
pub const MAX_SAVED_BYTES: usize = 2 * 1024 * 1024;

/// One analysis as it is kept, with its id and when it last changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedAnalysis {
    pub id: String,
    /// Milliseconds since 1970, UTC.
    pub updated_ms: f64,
    pub analysis: Analysis,
}

impl SavedAnalysis {
    pub fn new(analysis: Analysis) -> Self {
        Self {
            id: new_id(),
            updated_ms: js_sys::Date::now(),
            analysis,
        }
    }

    /// Reads a kept record; an analysis from a newer Meridian is refused by its version.
    fn from_json(text: &str) -> Result<Self, String> {
        #[derive(Deserialize)]
        struct Raw {
            id: String,
            updated_ms: f64,
            analysis: serde_json::Value,
        }
        let raw: Raw = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let analysis = Analysis::from_json(&raw.analysis.to_string()).map_err(|e| e.to_string())?;
        Ok(Self {
            id: raw.id,
            updated_ms: raw.updated_ms,
            analysis,
        })
    }
}

fn new_id() -> String {
    let random = (js_sys::Math::random() * 1e12) as u64;
    format!("a{:x}{random:x}", js_sys::Date::now() as u64)
}

/// What the browser keeps: the analyses it can read, most recently changed
/// first, and why the others cannot be read (written by a newer Meridian, say).
#[derive(Clone, Debug, Default)]
pub struct Kept {
    pub records: Vec<SavedAnalysis>,
    pub unreadable: Vec<String>,
}

/// Every kept analysis.
pub async fn list() -> Result<Kept, String> {
    let mut kept = Kept::default();
    for text in idb::all(idb::ANALYSES).await? {
        match SavedAnalysis::from_json(&text) {
            Ok(record) => kept.records.push(record),
            Err(reason) => kept.unreadable.push(reason.to_string()),
        }
    }
    kept.records
        .sort_by(|a, b| b.updated_ms.total_cmp(&a.updated_ms));
    Ok(kept)
}

/// A kept analysis looked up by id.
pub enum Loaded {
    Found(SavedAnalysis),
    /// Kept, but not readable by this Meridian; the reason.
    Unreadable(String),
    Missing,
}

/// The analysis kept under `id`; the error is the storage's.
pub async fn load(id: &str) -> Result<Loaded, String> {
    Ok(match idb::get(idb::ANALYSES, id).await? {
        Some(text) => match SavedAnalysis::from_json(&text) {
            Ok(record) => Loaded::Found(record),
            Err(reason) => Loaded::Unreadable(reason),
        },
        None => Loaded::Missing,
    })
}

/// Keeps `record`; a full or refusing storage is reported as a sentence, never ignored.
pub async fn save(record: &SavedAnalysis) -> Result<(), String> {
    let text = serde_json::to_string(record).map_err(|e| e.to_string())?;
    if text.len() > MAX_SAVED_BYTES {
        return Err(format!(
            "This analysis takes {} KB, more than the {} KB Meridian keeps per analysis; shorten notes or remove steps.",
            text.len() / 1024,
            MAX_SAVED_BYTES / 1024
        ));
    }
    idb::put(idb::ANALYSES, &record.id, &text)
        .await
        .map_err(|reason| {
            if reason.contains("QuotaExceeded") {
                "The browser's storage for this site is full, so this analysis was not saved. Delete analyses you no longer need, or download this one as a file.".to_string()
            } else {
                format!("The analysis could not be saved: {reason}")
            }
        })
}

pub async fn remove(id: &str) -> Result<(), String> {
    idb::delete(idb::ANALYSES, id).await
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The analysis open when the page was last left.
pub fn current_id() -> Option<String> {
    local_storage()?.get_item(CURRENT_KEY).ok().flatten()
}

pub fn set_current_id(id: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(CURRENT_KEY, id);
    }
}
