//! Meridian's browser UI. It never runs a query itself: every SQL statement and
//! every file goes to the engine worker through [`engine_client::EngineClient`].

pub mod app;
pub mod chart_runner;
pub mod clipboard;
pub mod components;
pub mod dashboard_state;
pub mod download;
pub mod editor_bridge;
pub mod embed_bridge;
pub mod engine_client;
pub mod fetch;
pub mod format;
pub mod idb;
pub mod kept_files;
pub mod page_mode;
pub mod publish;
pub mod saved;
pub mod storage;
pub mod workbench;

pub use app::App;
