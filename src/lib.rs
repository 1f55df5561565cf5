//! Meridian's browser UI. It never runs a query itself: every SQL statement and
//! every file goes to the engine worker through [`engine_client::EngineClient`].

pub mod app;
pub mod chart_runner;
pub mod components;
pub mod download;
pub mod editor_bridge;
pub mod engine_client;
pub mod format;
pub mod idb;
pub mod saved;
pub mod storage;
pub mod workbench;

pub use app::App;
