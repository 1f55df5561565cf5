//! The page: data sources and datasets on the left, the query on the right.

use leptos::prelude::*;
use meridian_model::{DatasetFormat, DatasetSource};
use wasm_bindgen::prelude::*;

use crate::components::{
    dataset_list::DatasetList,
    engine_badge::{EngineBadge, EngineNotice},
    load_list::LoadList,
    query_panel::QueryPanel,
    sources::DataSources,
};
use crate::engine_client::EngineClient;

/// The shared handle on the engine, reachable from every component.
pub type EngineHandle = StoredValue<EngineClient, LocalStorage>;

/// SQL another component asks the query panel to show and run (a dataset preview).
#[derive(Clone, Copy)]
pub struct RunRequest(pub RwSignal<Option<String>>);

/// The samples shipped in `public/samples`, loaded on first open.
pub const SAMPLES: [(&str, &str); 2] = [
    ("transactions", "samples/transactions.parquet"),
    ("telemetry", "samples/telemetry.parquet"),
];

/// Loads the bundled samples under their names (or the next free ones).
pub fn load_samples(client: &EngineClient) {
    for (name, path) in SAMPLES {
        let url = absolute_url(path);
        let taken = client.taken_names();
        let name = meridian_model::unique_table_name(name, taken.iter().map(String::as_str));
        client.register(
            name,
            DatasetFormat::Parquet,
            DatasetSource::Sample { url },
            JsValue::UNDEFINED,
        );
    }
}

/// Resolves a path against the page's base URL, as the worker needs absolute URLs.
pub fn absolute_url(path: &str) -> String {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .unwrap_or_default();
    web_sys::Url::new_with_base(path, &base)
        .map(|u| u.href())
        .unwrap_or_else(|_| path.to_string())
}

#[component]
pub fn App() -> impl IntoView {
    let client = EngineClient::start();
    provide_context(client.state);
    provide_context(EngineHandle::new_local(client.clone()));
    provide_context(RunRequest(RwSignal::new(None)));
    load_samples(&client);
    install_debug_hook(client);

    view! {
        <div class="app">
            <header class="topbar">
                <h1 class="brand">"Meridian"</h1>
                <span class="tagline">"SQL over your files, in your browser"</span>
                <EngineBadge />
            </header>
            <EngineNotice />
            <div class="body">
                <aside class="sidebar">
                    <DataSources />
                    <LoadList />
                    <DatasetList />
                </aside>
                <main class="workspace">
                    <QueryPanel />
                </main>
            </div>
        </div>
    }
}

/// `window.meridianDebug.crashEngine()` makes the engine panic, so end-to-end
/// tests (and curious engineers) can watch the app recover.
fn install_debug_hook(client: EngineClient) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let crash = Closure::<dyn Fn()>::new(move || client.crash_for_testing());
    let debug = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&debug, &"crashEngine".into(), crash.as_ref());
    let _ = js_sys::Reflect::set(&window, &"meridianDebug".into(), &debug);
    crash.forget();
}
