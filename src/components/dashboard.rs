//! The dashboard: the analysis's widgets in their grid with its parameters on
//! top, read-only. Changing a parameter redraws the widgets whose steps use
//! it; brushing a time chart filters the others (see `dashboard_state`).

use leptos::prelude::*;
use meridian_model::Theme;

use crate::app::EngineHandle;
use crate::components::params_bar::ParamsBar;
use crate::components::widget_card::WidgetCard;
use crate::dashboard_state::DashboardState;
use crate::workbench::Workbench;

#[component]
pub fn Dashboard(
    /// Show only this widget (an embedded widget).
    #[prop(default = None)]
    only: Option<usize>,
    /// Whether the parameter controls are on top.
    #[prop(default = true)]
    show_params: bool,
    /// Overrides every widget's theme (embedding).
    #[prop(default = None)]
    theme: Option<Theme>,
) -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let client = expect_context::<EngineHandle>();
    let state = DashboardState::use_or_provide();
    let widgets = Memo::new(move |_| bench.analysis.with(|a| a.widgets.clone()));
    // A new engine holds no filter: give it the brush again.
    let restarts = client.with_value(|c| c.state.restarts);
    Effect::new(move |previous: Option<()>| {
        restarts.track();
        if previous.is_some() && state.brush.get_untracked().is_some() {
            state.send_filter(client);
        }
    });
    // Another set of widgets (another analysis) starts unbrushed.
    Effect::new(move |previous: Option<()>| {
        widgets.track();
        if previous.is_some() {
            state.settled.set(Default::default());
            state.set_brush(client, None);
        }
    });
    let cards = move || {
        widgets
            .get()
            .into_iter()
            .enumerate()
            .filter(|(index, _)| only.is_none_or(|o| o == *index))
            .map(|(index, widget)| view! { <WidgetCard index widget theme /> })
            .collect_view()
    };
    let missing = move || {
        only.filter(|o| *o >= widgets.with(Vec::len)).map(|o| {
            format!(
                "This analysis has {} widgets; there is no widget {}.",
                widgets.with(Vec::len),
                o + 1
            )
        })
    };
    view! {
        <section class="dashboard" aria-label="Dashboard" data-widgets-drawn=move || state.drawn.get()
            class:single-widget=only.is_some()>
            <Show when=move || show_params>
                <ParamsBar editable=false />
            </Show>
            <FilterChip />
            <Show when=move || widgets.with(Vec::is_empty)>
                <p class="muted">"No widgets yet: make a chart of a step (Chart, above its result) and it appears here."</p>
            </Show>
            {move || missing().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            <div class="dashboard-grid">{cards}</div>
        </section>
    }
}

/// The brushed range, with a way to clear it.
#[component]
fn FilterChip() -> impl IntoView {
    let client = expect_context::<EngineHandle>();
    let state = expect_context::<DashboardState>();
    let label = move || {
        state.brush.get().map(|brush| {
            let text = format!(
                "Cross-filter: {} from {} to {}",
                brush.column,
                meridian_chart::format::full_time(brush.range.start_ms),
                meridian_chart::format::full_time(brush.range.end_ms)
            );
            (text, brush.range)
        })
    };
    view! {
        {move || label().map(|(text, range)| view! {
            <div class="filter-chip" role="status" aria-label="Cross-filter"
                data-from-ms=range.start_ms data-to-ms=range.end_ms>
                <span>{text}</span>
                <button on:click=move |_| state.set_brush(client, None)>"Clear filter"</button>
            </div>
        })}
        {move || state.problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
    }
}
