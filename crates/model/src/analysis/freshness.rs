//! Which step results are still good: each step's result is keyed by a hash of
//! its SQL, the values bound to its placeholders and the keys of its inputs, so
//! editing one step changes its key and the keys of everything that uses it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Analysis, AnalysisError, StepInputs};

/// The cache key of one step's result.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StepKey(pub String);

/// SHA-256 of `bytes` as lower-case hex: how an uploaded file is recognised again.
pub fn content_sha256(bytes: &[u8]) -> String {
    let mut hasher = ContentHasher::default();
    hasher.update(bytes);
    hasher.finish()
}

/// [`content_sha256`] of a file read piece by piece, for files too large to hold.
#[derive(Clone, Debug, Default)]
pub struct ContentHasher(Sha256);

impl ContentHasher {
    pub fn update(&mut self, piece: &[u8]) {
        self.0.update(piece);
    }

    pub fn finish(self) -> String {
        self.0
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl Analysis {
    /// Every step's key, in step order.
    pub fn step_keys(&self, inputs: &[StepInputs]) -> Vec<StepKey> {
        let mut keys: Vec<StepKey> = Vec::with_capacity(self.steps.len());
        for (step, step_inputs) in self.steps.iter().zip(inputs) {
            let mut hash = Sha256::new();
            let mut field = |label: &str, value: &str| {
                // Lengths keep ("ab", "c") and ("a", "bc") apart.
                hash.update(format!("{label}:{}:", value.len()));
                hash.update(value);
            };
            field("step", "meridian-step-v1");
            field("sql", &step.sql);
            for (placeholder, value) in &step_inputs.bindings {
                field("param", placeholder);
                field("value", &value.canonical());
            }
            for &input in &step_inputs.steps {
                field("input", &self.steps[input].name);
                field("key", &keys[input].0);
            }
            for &source in &step_inputs.sources {
                field("source", self.sources[source].table());
                field("data", &self.sources[source].identity());
            }
            let digest = hash.finalize();
            let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
            keys.push(StepKey(hex));
        }
        keys
    }
}

/// The steps to run so that `target` (or every step, when `None`) is fresh,
/// in run order: those whose key differs from the one their last result had.
/// `fresh` maps step names to the key of the result the engine holds.
pub fn steps_to_run(
    analysis: &Analysis,
    fresh: &BTreeMap<String, StepKey>,
    target: Option<usize>,
) -> Result<Vec<usize>, AnalysisError> {
    let inputs = analysis.step_inputs()?;
    let keys = analysis.step_keys(&inputs);
    let wanted = match target {
        Some(target) if target < analysis.steps.len() => analysis.ancestors(&inputs, target),
        Some(_) => Vec::new(),
        None => (0..analysis.steps.len()).collect(),
    };
    Ok(wanted
        .into_iter()
        .filter(|&i| fresh.get(&analysis.steps[i].name) != Some(&keys[i]))
        .collect())
}
