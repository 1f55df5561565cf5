//! The `meridian` command's parts, as a library so tests can call them in-process.

pub mod args;
pub mod chart;
pub mod commands;
mod output;
