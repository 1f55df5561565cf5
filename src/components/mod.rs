//! The views. Each wires signals to the engine client; logic lives in plain types.

pub mod analysis_bar;
pub mod chart_editor;
pub mod chart_export;
pub mod chart_panel;
pub mod dashboard;
pub mod dataset_list;
pub mod embed_panel;
pub mod engine_badge;
pub mod load_list;
pub mod params_bar;
pub mod query_panel;
pub mod results_grid;
pub mod sources;
pub mod steps_bar;
pub mod toggle_tabs;
pub mod viewer;
pub mod widget_card;
