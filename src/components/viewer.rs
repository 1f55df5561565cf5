//! A read-only page: an embedded widget or dashboard, or a published
//! dashboard. No app chrome, nothing saved in the reader's browser.

use leptos::prelude::*;
use meridian_model::embed::EmbedTarget;
use meridian_model::{Analysis, Source, Theme};

use crate::app::{EngineHandle, absolute_url, load_missing_sources, load_samples, provide_engine};
use crate::components::dashboard::Dashboard;
use crate::components::engine_badge::EngineNotice;
use crate::dashboard_state::DashboardState;
use crate::page_mode::{AnalysisFrom, ViewerPage};
use crate::workbench::Workbench;

#[component]
pub fn Viewer(viewer: ViewerPage) -> impl IntoView {
    let (engine, bench) = provide_engine();
    bench.forget_results_on_restart(engine.state.restarts);
    let client = expect_context::<EngineHandle>();
    let dashboard = DashboardState::use_or_provide();
    let problem = RwSignal::new(None::<String>);
    let ready = RwSignal::new(false);
    let options = viewer.options.clone();
    let only = match options.target {
        EmbedTarget::Widget(index) => Some(index),
        EmbedTarget::Dashboard => None,
    };
    let widgets_on_show = Signal::derive(move || {
        let count = bench.analysis.with(|a| a.widgets.len());
        if only.is_some() { count.min(1) } else { count }
    });
    crate::embed_bridge::install(
        options.clone(),
        bench,
        client,
        dashboard,
        ready,
        widgets_on_show,
    );

    let open = move |analysis: Analysis| {
        open_in_viewer(bench, client, analysis);
        ready.set(true);
    };
    match viewer.from.clone() {
        AnalysisFrom::Fragment(fragment) => match meridian_model::share::decode_fragment(&fragment)
        {
            Ok(analysis) => open(analysis),
            Err(error) => problem.set(Some(format!(
                "The analysis in this address could not be opened: {error}."
            ))),
        },
        AnalysisFrom::File(path) => leptos::task::spawn_local(async move {
            match crate::fetch::fetch_text(&absolute_url(&path)).await {
                Ok(text) => match Analysis::from_json(&text) {
                    Ok(analysis) => open(analysis),
                    Err(error) => problem.set(Some(format!(
                        "The published analysis ({path}) could not be read: {error}."
                    ))),
                },
                Err(reason) => problem.set(Some(format!(
                    "The published analysis ({path}) could not be loaded: {reason}."
                ))),
            }
        }),
    }

    let theme = options.theme;
    let dark = theme == Some(Theme::Dark);
    let show_params = viewer.published || only.is_none();
    let title = move || bench.analysis.with(|a| a.title.clone());
    let published = viewer.published;
    view! {
        <div class="viewer" class:theme-dark=dark class:published=published
            class:single=only.is_some()>
            <Show when=move || published>
                <header class="viewer-head">
                    <h1>{title}</h1>
                    <span class="muted">"A published Meridian dashboard"</span>
                </header>
            </Show>
            <EngineNotice />
            {move || bench.notice.get().map(|n| view! { <p class="field-error" role="alert">{n}</p> })}
            {move || problem.get().map(|p| view! { <p class="page-error" role="alert">{p}</p> })}
            <Show when=move || ready.get()>
                <Dashboard only show_params theme />
            </Show>
        </div>
    }
}

/// Shows `analysis` without saving it, and loads the data it reads.
fn open_in_viewer(bench: Workbench, client: EngineHandle, analysis: Analysis) {
    let needs_samples = analysis
        .sources
        .iter()
        .any(|s| matches!(s, Source::Sample { .. }));
    bench.analysis.set(analysis);
    if needs_samples {
        client.with_value(load_samples);
    }
    load_missing_sources(
        bench,
        client,
        "Only the analysis's author has them here; a dashboard published as a folder carries its data.",
    );
}
