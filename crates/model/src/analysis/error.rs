//! Why an analysis cannot be read or run as it stands.

/// Problems with an analysis. All are the author's (or the file's) to fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    /// The text is not an analysis (bad JSON, a missing field).
    #[error("this is not a Meridian analysis: {0}")]
    Malformed(String),
    /// Written by a newer Meridian than this one.
    #[error("this analysis is version {found}; this Meridian reads versions up to {supported}")]
    TooNew { found: u32, supported: u32 },
    /// A step's name is not a valid table name.
    #[error("step {position}: {reason}")]
    BadStepName { position: usize, reason: String },
    /// Two steps, or a step and a source, share a name.
    #[error("the name '{0}' is used twice; steps and tables need names of their own")]
    DuplicateName(String),
    /// A step uses a step that comes after it (or itself).
    #[error("step '{step}' uses '{later}', which comes after it; move '{later}' above it")]
    ForwardReference { step: String, later: String },
    /// A step uses a placeholder no parameter fills.
    #[error("step '{step}' uses ${placeholder}, which no parameter fills{hint}")]
    UnknownPlaceholder {
        step: String,
        placeholder: String,
        /// ", did you mean $x?" or a list of what exists, ready to append.
        hint: String,
    },
    /// A parameter's name is unusable or taken.
    #[error("parameter '{name}': {reason}")]
    BadParameter { name: String, reason: String },
    /// A widget shows a step that does not exist.
    #[error("a widget shows step '{0}', which this analysis does not have")]
    UnknownWidgetStep(String),
}
