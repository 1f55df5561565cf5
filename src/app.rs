//! The page: data sources and datasets on the left; the analysis (parameters,
//! steps, the step on screen) on the right.

use leptos::prelude::*;
use meridian_model::{DatasetFormat, DatasetSource};
use wasm_bindgen::prelude::*;

use crate::components::viewer::Viewer;
use crate::components::{
    analysis_bar::{AnalysisBar, AnalysisNotice, open_as_new},
    dashboard::Dashboard,
    dataset_list::DatasetList,
    engine_badge::{EngineBadge, EngineNotice},
    load_list::LoadList,
    params_bar::ParamsBar,
    query_panel::QueryPanel,
    sources::DataSources,
    steps_bar::StepsBar,
    toggle_tabs::ToggleTabs,
};
use crate::engine_client::EngineClient;
use crate::page_mode::PageMode;
use crate::saved::{self, SavedAnalysis};
use crate::workbench::{Workbench, starter_analysis};

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

/// Starts the engine worker and puts it, and a workbench, in context.
pub fn provide_engine() -> (EngineClient, Workbench) {
    let client = EngineClient::start();
    provide_context(client.state);
    provide_context(EngineHandle::new_local(client.clone()));
    provide_context(RunRequest(RwSignal::new(None)));
    install_debug_hook(client.clone());
    let bench = Workbench::new();
    provide_context(bench);
    (client, bench)
}

/// The page the address asks for: the workbench, or a read-only viewer
/// (an embedded widget or dashboard, a published dashboard).
#[component]
pub fn App() -> impl IntoView {
    match PageMode::of_page() {
        PageMode::Workbench => view! { <WorkbenchPage /> }.into_any(),
        PageMode::Viewer(viewer) => view! { <Viewer viewer /> }.into_any(),
        PageMode::Invalid(message) => {
            view! { <p class="page-error" role="alert">{message}</p> }.into_any()
        }
    }
}

#[component]
fn WorkbenchPage() -> impl IntoView {
    let (client, bench) = provide_engine();
    load_samples(&client);
    let handle = expect_context::<EngineHandle>();
    bench.autosave();
    bench.track_sources(client.state.datasets);
    bench.forget_results_on_restart(client.state.restarts);
    open_first_analysis(bench, handle);
    forget_unused_uploads(handle);
    let on_hash = window_event_listener(leptos::ev::hashchange, move |_| {
        if let Some(fragment) = shared_fragment() {
            open_shared(bench, handle, &fragment);
        }
    });
    on_cleanup(move || on_hash.remove());

    let dashboard = RwSignal::new(dashboard_requested());
    view! {
        <div class="app" class:dashboard-mode=move || dashboard.get()>
            <header class="topbar">
                <h1 class="brand">"Meridian"</h1>
                <AnalysisBar />
                <EngineBadge />
            </header>
            <EngineNotice />
            <AnalysisNotice />
            <div class="body">
                <aside class="sidebar">
                    <DataSources />
                    <LoadList />
                    <DatasetList />
                </aside>
                <main class="workspace">
                    <ToggleTabs label="Analysis view" first="Steps" second="Dashboard"
                        chosen_second=dashboard class="mode-tabs" />
                    <Show when=move || dashboard.get() fallback=|| view! {
                        <ParamsBar />
                        <StepsBar />
                        <QueryPanel />
                    }>
                        <Dashboard />
                    </Show>
                </main>
            </div>
        </div>
    }
}

/// Whether the address asks for the dashboard (`?view=dashboard`), as dashboard links do.
fn dashboard_requested() -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|search| search.contains("view=dashboard"))
}

/// The share-link fragment of the page's address, if it has one.
fn shared_fragment() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.starts_with(&format!("#{}", meridian_model::share::LINK_PREFIX_V1))
        .then_some(hash)
}

/// Opens the analysis in a share link as a new saved analysis, and takes the
/// link out of the address bar so a reload does not open a second copy.
fn open_shared(bench: Workbench, client: EngineHandle, fragment: &str) {
    match meridian_model::share::decode_fragment(fragment) {
        Ok(analysis) => {
            open_as_new(bench, client, analysis);
            load_missing_sources(bench, client, ADD_THE_FILES);
        }
        Err(error) => bench.notice.set(Some(format!(
            "The shared analysis could not be opened: {error}."
        ))),
    }
    if let Some(window) = web_sys::window()
        && let Ok(history) = window.history()
    {
        let clean = crate::components::analysis_bar::page_url();
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&clean));
    }
}

/// Opens the shared analysis in the address, else the one open last time, else a new one.
fn open_first_analysis(bench: Workbench, client: EngineHandle) {
    if let Some(fragment) = shared_fragment() {
        open_shared(bench, client, &fragment);
        return;
    }
    leptos::task::spawn_local(async move {
        let last = match saved::current_id() {
            Some(id) => saved::load(&id).await,
            None => Ok(saved::Loaded::Missing),
        };
        match last {
            Ok(saved::Loaded::Found(record)) => {
                bench.open(record);
                load_missing_sources(bench, client, ADD_THE_FILES);
            }
            Ok(saved::Loaded::Unreadable(reason)) => {
                bench.open(SavedAnalysis::new(starter_analysis(None)));
                bench.notice.set(Some(format!(
                    "The analysis open last time could not be read ({reason}); it stays saved, and a new analysis is open."
                )));
            }
            Ok(saved::Loaded::Missing) => {
                // Earlier versions kept one query (and its chart) in localStorage.
                let mut analysis = starter_analysis(crate::storage::legacy_sql());
                if let Some(chart) = crate::storage::legacy_chart()
                    && chart.kind != meridian_model::ChartKind::Table
                {
                    analysis.widgets.push(meridian_model::Widget {
                        step: "step_1".into(),
                        title: None,
                        chart: Some(chart),
                        place: meridian_model::GridPlace::next_free(&[]),
                    });
                }
                bench.open(SavedAnalysis::new(analysis));
            }
            Err(reason) => {
                bench.open(SavedAnalysis::new(starter_analysis(None)));
                bench.notice.set(Some(format!(
                    "Analyses cannot be kept in this browser ({reason}); download them as files to keep them."
                )));
            }
        }
    });
}

/// What the workbench tells a reader about files an analysis needs.
const ADD_THE_FILES: &str = "Add them with Open files or by dropping them here.";

/// Loads the URL sources an opened analysis reads, the uploaded files this
/// browser kept (by hash), and names the files it still needs, followed by
/// `remedy` (what the reader can do about them on this page).
pub fn load_missing_sources(bench: Workbench, client: EngineHandle, remedy: &'static str) {
    let sources = bench.analysis.with_untracked(|a| a.sources.clone());
    let mut uploads = Vec::new();
    client.with_value(|c| {
        let taken = c.taken_names();
        for source in sources {
            if taken.iter().any(|t| t == source.table()) {
                continue;
            }
            match source {
                meridian_model::Source::Url { table, url, format } => c.register(
                    table,
                    format,
                    // Published folders name their data relative to the page.
                    DatasetSource::Url {
                        url: absolute_url(&url),
                    },
                    JsValue::UNDEFINED,
                ),
                upload @ meridian_model::Source::Upload { .. } => uploads.push(upload),
                meridian_model::Source::Sample { .. } => {}
            }
        }
    });
    if uploads.is_empty() {
        return;
    }
    leptos::task::spawn_local(async move {
        let mut needed_files = Vec::new();
        for upload in uploads {
            let meridian_model::Source::Upload {
                table,
                file_name,
                size_bytes,
                sha256,
                format,
            } = upload
            else {
                continue;
            };
            let kept = match sha256.is_empty() {
                true => None,
                false => crate::kept_files::find(&sha256).await,
            };
            match kept {
                Some(file) => client.with_value(|c| {
                    c.register(
                        table,
                        format,
                        DatasetSource::File { file_name },
                        file.into(),
                    )
                }),
                None => needed_files.push(format!(
                    "{file_name} ({}) as table {table}",
                    crate::format::bytes(size_bytes)
                )),
            }
        }
        if !needed_files.is_empty() {
            bench.notice.set(Some(format!(
                "This analysis reads files that are not loaded: {}. {remedy}",
                needed_files.join(", ")
            )));
        }
    });
}

/// Removes kept uploads that no saved analysis reads any more.
fn forget_unused_uploads(client: EngineHandle) {
    leptos::task::spawn_local(async move {
        // An analysis that cannot be read may still need its files.
        let Ok(saved) = saved::list().await else {
            return;
        };
        if !saved.unreadable.is_empty() {
            return;
        }
        let mut needed: std::collections::BTreeSet<String> = saved
            .records
            .iter()
            .flat_map(|record| record.analysis.upload_hashes().map(String::from))
            .collect();
        // Files loaded since start-up are not saved yet.
        client.with_value(|c| {
            c.state.datasets.with_untracked(|datasets| {
                needed.extend(datasets.iter().filter_map(|d| d.content_sha256.clone()))
            })
        });
        if let Err(reason) = crate::kept_files::forget_all_but(&needed).await {
            web_sys::console::warn_1(&format!("kept uploads were not tidied: {reason}").into());
        }
    });
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
