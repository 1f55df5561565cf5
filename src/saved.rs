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

/// Every kept analysis, most recently changed first. Unreadable records are skipped.
pub async fn list() -> Result<Vec<SavedAnalysis>, String> {
    let mut records: Vec<SavedAnalysis> = idb::all(idb::ANALYSES)
        .await?
        .iter()
        .filter_map(|text| match SavedAnalysis::from_json(text) {
            Ok(record) => Some(record),
            Err(reason) => {
                web_sys::console::warn_1(&format!("skipped a saved analysis: {reason}").into());
                None
            }
        })
        .collect();
    records.sort_by(|a, b| b.updated_ms.total_cmp(&a.updated_ms));
    Ok(records)
}

pub async fn load(id: &str) -> Result<Option<SavedAnalysis>, String> {
    match idb::get(idb::ANALYSES, id).await? {
        Some(text) => SavedAnalysis::from_json(&text).map(Some),
        None => Ok(None),
    }
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
