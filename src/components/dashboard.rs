//! The dashboard: the analysis's widgets in their grid with its parameters on
//! top, read-only. Changing a parameter redraws the widgets whose steps use it.

use std::sync::Arc;

use leptos::html::Canvas;
use leptos::prelude::*;
use meridian_model::{ChartKind, ChartSpec, UserError, Widget};

use crate::app::EngineHandle;
use crate::chart_runner::{ChartResult, make_chart};
use crate::components::chart_panel::paint;
use crate::components::params_bar::ParamsBar;
use crate::workbench::Workbench;

#[derive(Clone, Debug)]
enum CardState {
    Loading,
    Ready(Arc<ChartResult>),
    Failed(UserError),
}

#[component]
pub fn Dashboard() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let widgets = Memo::new(move |_| bench.analysis.with(|a| a.widgets.clone()));
    // Widgets drawn so far; tests and embedders wait on it (`data-widgets-drawn`).
    let drawn = RwSignal::new(0u64);
    let cards = move || {
        widgets
            .get()
            .into_iter()
            .map(|widget| view! { <WidgetCard widget drawn /> })
            .collect_view()
    };
    view! {
        <section class="dashboard" aria-label="Dashboard" data-widgets-drawn=move || drawn.get()>
            <ParamsBar editable=false />
            <Show when=move || widgets.with(Vec::is_empty)>
                <p class="muted">"No widgets yet: make a chart of a step (Chart, above its result) and it appears here."</p>
            </Show>
            <div class="dashboard-grid">{cards}</div>
        </section>
    }
}

#[component]
fn WidgetCard(widget: Widget, drawn: RwSignal<u64>) -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let client = expect_context::<EngineHandle>();
    let state = RwSignal::new(CardState::Loading);
    let canvas = NodeRef::<Canvas>::new();
    let spec = widget
        .chart
        .clone()
        .unwrap_or_else(|| ChartSpec::new(ChartKind::Table));
    let step = widget.step.clone();
    let key = Memo::new({
        let step = step.clone();
        move |_| bench.key_of(&step)
    });
    let generation = StoredValue::new(0u64);

    // The step's key changes with its SQL, its inputs and its parameters.
    Effect::new({
        let (spec, step) = (spec.clone(), step.clone());
        move |_| {
            // Read, not `track()`: a memo recomputes only when read.
            let _ = key.get();
            generation.update_value(|g| *g += 1);
            let mine = generation.get_value();
            state.set(CardState::Loading);
            let (spec, step) = (spec.clone(), step.clone());
            leptos::task::spawn_local(async move {
                let outcome = match bench.ensure_fresh(client, &step).await {
                    Ok(()) => {
                        let base_sql = format!("SELECT * FROM \"{step}\"");
                        make_chart(client.get_value(), spec, base_sql).await
                    }
                    Err(error) => Err(error),
                };
                if generation.get_value() != mine {
                    return;
                }
                state.set(match outcome {
                    Ok(result) => CardState::Ready(Arc::new(result)),
                    Err(error) => CardState::Failed(error),
                });
            });
        }
    });
    Effect::new({
        let spec = spec.clone();
        move |_| {
            let CardState::Ready(result) = state.get() else {
                return;
            };
            let Some(canvas) = canvas.get() else {
                return;
            };
            match paint(&canvas, &spec, &result.data, None) {
                Ok(_) => drawn.update(|n| *n += 1),
                Err(message) => state.set(CardState::Failed(UserError::new(
                    meridian_model::ErrorKind::Internal,
                    message,
                ))),
            }
        }
    });

    let place = widget.place;
    let style = format!(
        "grid-column: {} / span {}; grid-row: {} / span {};",
        place.x + 1,
        place.w.max(1),
        place.y + 1,
        place.h.max(1)
    );
    let title = widget.title();
    let error = move || match state.get() {
        CardState::Failed(error) => Some(error.message),
        _ => None,
    };
    let loading = move || matches!(state.get(), CardState::Loading);
    view! {
        <article class="widget" style=style aria-label=format!("Widget {title}")>
            <h3>{title.clone()}</h3>
            <Show when=loading>
                <p class="muted" role="status">"Loading…"</p>
            </Show>
            {move || error().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
            <canvas class="widget-canvas" node_ref=canvas aria-label=format!("Chart of {}", widget.step)></canvas>
        </article>
    }
}
