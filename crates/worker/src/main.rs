//! The engine worker: receives requests from the UI thread, runs them one at a
//! time against one [`Engine`], and posts the answers back.
//!
//! Only this binary links DataFusion; the UI stays small. A panic here posts
//! `Crashed` and traps, and the UI replaces the whole worker.

#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(target_arch = "wasm32")]
mod file_store;
#[cfg(target_arch = "wasm32")]
mod handle;
#[cfg(target_arch = "wasm32")]
mod helper;
#[cfg(target_arch = "wasm32")]
mod http_store;
#[cfg(target_arch = "wasm32")]
mod read;
#[cfg(target_arch = "wasm32")]
mod read_only_store;

#[cfg(target_arch = "wasm32")]
fn main() {
    browser::start();
}

/// The worker exists only in the browser; natively there is nothing to run.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("meridian-worker runs inside a browser Web Worker; build it for wasm32.");
}
