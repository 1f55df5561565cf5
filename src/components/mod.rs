//! The views. Each wires signals to the engine client; logic lives in plain types.

pub mod chart_editor;
pub mod chart_export;
pub mod chart_panel;
pub mod dataset_list;
pub mod engine_badge;
pub mod load_list;
pub mod query_panel;
pub mod results_grid;
pub mod sources;
