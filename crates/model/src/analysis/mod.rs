//! An analysis: the sources, ordered steps, parameters and widgets an analyst
//! saves, shares and publishes.
//!
//! It is a wire format (an explicit `version`, named fields, defaults for every
//! field added later), and it carries the logic that needs no engine: which
//! step uses which, which results are still fresh, what a widget depends on.

mod error;
mod freshness;
mod lineage;
mod param;
mod parts;
mod sql_words;

use serde::{Deserialize, Serialize};

pub use error::AnalysisError;
pub use freshness::{ContentHasher, StepKey, content_sha256, steps_to_run};
pub use lineage::{Lineage, StepInputs, validate_step_name};
pub use param::{BoundValue, ParamValue, Parameter, ms_of_utc_date, utc_date_of_ms};
pub use parts::{GRID_COLUMNS, GridPlace, Source, Step, Widget};
pub use sql_words::SqlWords;

/// The analysis version this build writes. Older versions keep decoding.
pub const ANALYSIS_VERSION: u32 = 1;

/// Everything that makes up one analysis, without its data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub version: u32,
    pub title: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
    #[serde(default)]
    pub steps: Vec<Step>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<Parameter>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub widgets: Vec<Widget>,
}

impl Default for Analysis {
    fn default() -> Self {
        Self::new("Untitled analysis")
    }
}

impl Analysis {
    pub fn new(title: &str) -> Self {
        Self {
            version: ANALYSIS_VERSION,
            title: title.to_string(),
            sources: Vec::new(),
            steps: Vec::new(),
            parameters: Vec::new(),
            widgets: Vec::new(),
        }
    }

    /// Reads an analysis of this or any earlier version.
    pub fn from_json(text: &str) -> Result<Self, AnalysisError> {
        let found = crate::version_of(text).map_err(|e| AnalysisError::Malformed(e.to_string()))?;
        if found > ANALYSIS_VERSION {
            return Err(AnalysisError::TooNew {
                found,
                supported: ANALYSIS_VERSION,
            });
        }
        // Version 1 is the first; later versions add a migration step here.
        let mut analysis: Analysis =
            serde_json::from_str(text).map_err(|e| AnalysisError::Malformed(e.to_string()))?;
        analysis.version = ANALYSIS_VERSION;
        Ok(analysis)
    }

    /// Pretty JSON, as a `.meridian.json` file holds it.
    pub fn to_json(&self) -> String {
        // Only strings, numbers and enums: serialising cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Compact JSON, as share links carry it.
    pub fn to_compact_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The file name the analysis downloads as: its title in lower case, words
    /// joined by `-`, then `.meridian.json`.
    pub fn file_name(&self) -> String {
        let words: Vec<String> = self
            .title
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let stem = if words.is_empty() {
            "analysis".to_string()
        } else {
            words.join("-")
        };
        format!("{stem}.meridian.json")
    }

    /// The SHA-256 of every uploaded file the analysis reads (kept copies are named by it).
    pub fn upload_hashes(&self) -> impl Iterator<Item = &str> {
        self.sources.iter().filter_map(|source| match source {
            Source::Upload { sha256, .. } if !sha256.is_empty() => Some(sha256.as_str()),
            _ => None,
        })
    }

    pub fn step(&self, name: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.name == name)
    }

    pub fn step_index(&self, name: &str) -> Option<usize> {
        self.steps.iter().position(|s| s.name == name)
    }

    /// A step name not used yet, `step_1`, `step_2`, …
    pub fn next_step_name(&self) -> String {
        (1..)
            .map(|n| format!("step_{n}"))
            .find(|name| !self.name_taken(name))
            .unwrap_or_else(|| "step".to_string())
    }

    /// Appends a step running `sql` under the next free name; its index.
    pub fn add_step(&mut self, sql: String) -> usize {
        let name = self.next_step_name();
        self.steps.push(Step {
            name,
            sql,
            note: String::new(),
        });
        self.steps.len() - 1
    }

    /// Whether a step or a source table already has `name`.
    pub fn name_taken(&self, name: &str) -> bool {
        self.steps.iter().any(|s| s.name.eq_ignore_ascii_case(name))
            || self
                .sources
                .iter()
                .any(|s| s.table().eq_ignore_ascii_case(name))
    }

    /// Renames a step and every widget that shows it. Later steps' SQL is the
    /// author's and is left as written.
    pub fn rename_step(&mut self, from: &str, to: &str) {
        for step in &mut self.steps {
            if step.name == from {
                step.name = to.to_string();
            }
        }
        for widget in &mut self.widgets {
            if widget.step == from {
                widget.step = to.to_string();
            }
        }
    }

    /// Checks names, placeholders and widgets; the first problem as an error.
    pub fn validate(&self) -> Result<(), AnalysisError> {
        self.step_inputs().map(|_| ())
    }
}

#[cfg(test)]
mod tests;
