//! One widget of a dashboard: its step made fresh, its chart made and drawn.
//! Dragging across a time chart brushes a range that filters the other widgets.

use std::sync::Arc;

use leptos::html::Canvas;
use leptos::prelude::*;
use meridian_chart::{ChartFrame, DrawOptions};
use meridian_model::{ChartKind, ChartSpec, Theme, UserError, Widget};

use crate::app::EngineHandle;
use crate::chart_runner::{ChartResult, make_chart_in};
use crate::components::chart_panel::{paint, selection_band};
use crate::dashboard_state::{Brush, CardFilter, DashboardState};
use crate::workbench::Workbench;

#[derive(Clone, Debug)]
enum CardState {
    Loading,
    Ready(Arc<ChartResult>),
    Failed(UserError),
}

/// A drag shorter than this (pixels) is a click: it clears the brush.
const MIN_BRUSH_PX: f64 = 4.0;

#[component]
pub fn WidgetCard(
    /// The widget's position among the analysis's widgets.
    index: usize,
    widget: Widget,
    /// Overrides the widget's own theme (embedding).
    theme: Option<Theme>,
) -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let client = expect_context::<EngineHandle>();
    let dashboard = expect_context::<DashboardState>();
    let state = RwSignal::new(CardState::Loading);
    let canvas = NodeRef::<Canvas>::new();
    let frame = RwSignal::new(ChartFrame::default());
    let drag = RwSignal::new(None::<(f64, f64)>);
    let mut spec = widget
        .chart
        .clone()
        .unwrap_or_else(|| ChartSpec::new(ChartKind::Table));
    if let Some(theme) = theme {
        spec.theme = theme;
    }
    let step = widget.step.clone();
    let key = Memo::new({
        let step = step.clone();
        move |_| bench.key_of(&step)
    });
    let sources = Memo::new({
        let widget = widget.clone();
        move |_| {
            bench
                .analysis
                .with(|a| a.lineage(&widget).map(|l| l.sources).unwrap_or_default())
        }
    });
    let filter = Memo::new(move |_| sources.with(|s| dashboard.card_filter(index, s)));
    let generation = StoredValue::new(0u64);

    // The step's key changes with its SQL, its inputs and its parameters; the
    // filter with the brush on another widget.
    Effect::new({
        let (spec, step) = (spec.clone(), step.clone());
        move |_| {
            // Read, not `track()`: a memo recomputes only when read.
            let _ = key.get();
            let filter = filter.get();
            generation.update_value(|g| *g += 1);
            let mine = generation.get_value();
            state.set(CardState::Loading);
            dashboard.settle(index, false);
            if filter == CardFilter::Pending {
                return;
            }
            let scope = filter.scope();
            let (spec, step) = (spec.clone(), step.clone());
            leptos::task::spawn_local(async move {
                let outcome = match bench.ensure_fresh_in(client, &step, scope).await {
                    Ok(()) => {
                        let base_sql = format!("SELECT * FROM \"{step}\"");
                        make_chart_in(client.get_value(), scope, spec, base_sql).await
                    }
                    Err(error) => Err(error),
                };
                // The view may be gone by now (another tab, another analysis).
                if generation.try_get_value() != Some(mine) {
                    return;
                }
                match outcome {
                    Ok(result) => state.set(CardState::Ready(Arc::new(result))),
                    Err(error) => {
                        state.set(CardState::Failed(error));
                        dashboard.settle(index, true);
                    }
                }
            });
        }
    });
    let redraw = {
        let spec = spec.clone();
        move || {
            let CardState::Ready(result) = state.get_untracked() else {
                return;
            };
            let Some(canvas) = canvas.get_untracked() else {
                return;
            };
            match paint(&canvas, &spec, &result.data, DrawOptions::default()) {
                Ok(drawn) => {
                    frame.set(drawn);
                    dashboard.drawn.update(|n| *n += 1);
                    dashboard.settle(index, true);
                }
                Err(message) => state.set(CardState::Failed(UserError::new(
                    meridian_model::ErrorKind::Internal,
                    message,
                ))),
            }
        }
    };
    Effect::new({
        let redraw = redraw.clone();
        move |_| {
            state.track();
            redraw();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| redraw());
    on_cleanup(move || resize.remove());

    // Brushing: only time charts, and only along x.
    let brushable = spec.kind.is_time_series();
    let column = spec.x.clone().unwrap_or_default();
    let on_down = move |ev: web_sys::MouseEvent| {
        let x = ev.offset_x() as f64;
        if brushable
            && frame
                .get_untracked()
                .data_at(x, ev.offset_y() as f64)
                .is_some()
        {
            drag.set(Some((x, x)));
        }
    };
    let on_move = move |ev: web_sys::MouseEvent| {
        if let Some((x0, _)) = drag.get_untracked() {
            drag.set(Some((x0, ev.offset_x() as f64)));
        }
    };
    let on_up = move |_: web_sys::MouseEvent| {
        let Some((x0, x1)) = drag.get_untracked() else {
            return;
        };
        drag.set(None);
        let brush = if (x1 - x0).abs() < MIN_BRUSH_PX {
            None
        } else {
            frame
                .get_untracked()
                .time_range_between(x0, x1)
                .map(|range| Brush {
                    widget: index,
                    column: column.clone(),
                    range,
                })
        };
        dashboard.set_brush(client, brush);
    };
    let band_style = move || {
        let drawn = frame.get();
        let span = match (drag.get(), dashboard.brush.get()) {
            (Some(span), _) => Some(span),
            (None, Some(brush)) if brush.widget == index => Some((
                drawn.pixel_of(brush.range.start_ms as f64, 0.0).0,
                drawn.pixel_of(brush.range.end_ms as f64, 0.0).0,
            )),
            _ => None,
        };
        selection_band(span, &drawn)
    };

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
    let summary = move || match state.get() {
        CardState::Ready(result) => result.data.summary(),
        _ => String::new(),
    };
    let filter_note = move || match filter.get() {
        CardFilter::Filtered => dashboard.brush.get().map(|b| {
            format!(
                "Filtered to {} {} – {}",
                b.column,
                meridian_chart::format::full_time(b.range.start_ms),
                meridian_chart::format::full_time(b.range.end_ms)
            )
        }),
        CardFilter::NotAffected { column } => Some(format!(
            "Not filtered: it reads no table with a column {column}"
        )),
        _ => None,
    };
    let step_label = format!("Chart of {}", widget.step);
    view! {
        <article class="widget" style=style aria-label=format!("Widget {title}")
            class:brushable=brushable>
            <h3>{title.clone()}</h3>
            {move || filter_note().map(|note| view! { <p class="widget-filter">{note}</p> })}
            <Show when=loading>
                <p class="muted" role="status">"Loading…"</p>
            </Show>
            {move || error().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
            <div class="widget-host">
                <canvas class="widget-canvas" node_ref=canvas
                    aria-label=move || format!("{step_label}: {}", summary())
                    data-summary=summary
                    data-plot-left=move || frame.get().plot_px.0
                    data-plot-top=move || frame.get().plot_px.1
                    data-plot-right=move || frame.get().plot_px.2
                    data-plot-bottom=move || frame.get().plot_px.3
                    on:mousedown=on_down
                    on:mousemove=on_move
                    on:mouseup=on_up
                    on:mouseleave=move |_| drag.set(None)
                ></canvas>
                <div class="chart-selection" style=band_style></div>
            </div>
        </article>
    }
}
