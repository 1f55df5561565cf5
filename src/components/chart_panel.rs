//! The chart panel: a chart of the current result, suggested from its columns,
//! aggregated by the engine and drawn on a canvas with plotters. Dragging on a
//! time chart zooms (finer buckets); dragging or scrolling on a map pans and
//! zooms (the bins held are redrawn at every frame of a drag, and the engine
//! recomputes them for the visible box when it ends); maps over time play back.

use std::sync::Arc;
use std::time::Duration;

use arrow_schema::SchemaRef;
use leptos::html::{Canvas, Div};
use leptos::prelude::*;
use meridian_chart::{
    ChartData, ChartFrame, DrawOptions, check_columns, geo, hover, suggest::suggest,
};
use meridian_model::{ChartKind, ChartSpec, GeoBox, UserError};
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

use crate::app::EngineHandle;
use crate::chart_runner::{ChartResult, make_chart};
use crate::components::chart_editor::ChartEditor;
use crate::components::chart_export::ChartExport;
use crate::format;

const CHART_HEIGHT_PX: u32 = 420;
const PLAYBACK_STEP: Duration = Duration::from_millis(800);

#[derive(Clone, Debug)]
enum ChartState {
    Idle,
    Running,
    Ready(Arc<ChartResult>),
    Failed(UserError),
}

/// Milliseconds from the page's clock, with the fractions a frame time needs.
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Whether the spec is a chart of this result (every column it names is there).
fn fits(spec: &ChartSpec, schema: &SchemaRef) -> bool {
    spec.kind != ChartKind::Table && check_columns(spec, schema).is_ok()
}

/// Draws on the canvas, sized to its box; returns where the plot landed.
pub(crate) fn paint(
    canvas: &HtmlCanvasElement,
    spec: &ChartSpec,
    data: &ChartData,
    options: DrawOptions,
) -> Result<ChartFrame, String> {
    let width = canvas.client_width().max(320) as u32;
    let height = match canvas.client_height() {
        0 => CHART_HEIGHT_PX,
        measured => measured.max(200) as u32,
    };
    canvas.set_width(width);
    canvas.set_height(height);
    let backend =
        CanvasBackend::with_canvas_object(canvas.clone()).ok_or("the canvas has no 2D context")?;
    let root = backend.into_drawing_area();
    meridian_chart::draw(&root, spec, data, options).map_err(|e| e.to_string())
}

/// The style of the band over a time chart between pixels `x0` and `x1`
/// (either order), the plot's height; hidden when there is none.
pub(crate) fn selection_band(span: Option<(f64, f64)>, frame: &ChartFrame) -> String {
    let Some((x0, x1)) = span else {
        return "display:none".to_string();
    };
    let (_, top, _, bottom) = frame.plot_px;
    format!(
        "left:{}px;width:{}px;top:{top}px;height:{}px",
        x0.min(x1),
        (x1 - x0).abs().max(1.0),
        bottom - top
    )
}

#[component]
pub fn ChartPanel(
    base_sql: Signal<Option<String>>,
    schema: Signal<Option<SchemaRef>>,
    /// The chart, owned by the caller (it is part of the analysis).
    spec: RwSignal<ChartSpec>,
) -> impl IntoView {
    let client = expect_context::<EngineHandle>();
    let state = RwSignal::new(ChartState::Idle);
    let frame = RwSignal::new(ChartFrame::default());
    let play_frame = RwSignal::new(0usize);
    let playing = RwSignal::new(false);
    let hover_text = RwSignal::new(None::<(String, f64, f64)>);
    let drag = RwSignal::new(None::<(f64, f64, f64, f64)>);
    // Where the plot was when a drag began: a panned map is measured from it.
    let drag_frame = StoredValue::new(None::<ChartFrame>);
    // The map box of the next live frame while a map is dragged, drawn at the
    // next animation frame (several mouse moves between frames draw once).
    let live_view = StoredValue::new(None::<GeoBox>);
    let frame_pending = StoredValue::new(false);
    let draw_ms = RwSignal::new(0.0);
    let generation = StoredValue::new(0u64);
    // Charts finished so far; tests and embedders wait on it (`data-charts-drawn`).
    let finished = RwSignal::new(0u64);
    let canvas = NodeRef::<Canvas>::new();
    let host = NodeRef::<Div>::new();
    let columns = Signal::derive(move || {
        schema
            .get()
            .map(|s| s.fields().iter().map(|f| f.name().clone()).collect())
            .unwrap_or_default()
    });

    // A new result keeps the chart when its columns still fit, else gets a suggestion.
    Effect::new(move |_| {
        if let Some(schema) = schema.get()
            && !spec.with_untracked(|s| fits(s, &schema))
        {
            let theme = spec.with_untracked(|s| s.theme);
            let mut suggested = suggest(schema.as_ref());
            suggested.theme = theme;
            spec.set(suggested);
        }
    });

    // Any change of spec or result runs the chart's queries again.
    Effect::new(move |_| {
        let current = spec.get();
        let Some(sql) = base_sql.get() else { return };
        if schema.with(|s| s.as_ref().is_none_or(|s| !fits(&current, s)))
            && current.kind != ChartKind::Table
        {
            return;
        }
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        state.set(ChartState::Running);
        playing.set(false);
        let client = client.get_value();
        leptos::task::spawn_local(async move {
            let outcome = make_chart(client, current, sql).await;
            // The view may be gone by now (another tab, another analysis).
            if generation.try_get_value() != Some(mine) {
                return;
            }
            match outcome {
                Ok(result) => {
                    live_view.set_value(None);
                    play_frame.set(0);
                    state.set(ChartState::Ready(Arc::new(result)));
                    finished.update(|n| *n += 1);
                }
                Err(error) => state.set(ChartState::Failed(error)),
            }
        });
    });

    // Draw whenever there is new data or another playback frame.
    let redraw = move || {
        let ChartState::Ready(result) = state.get_untracked() else {
            return;
        };
        let Some(canvas) = canvas.get_untracked() else {
            return;
        };
        let started = now_ms();
        let options = DrawOptions {
            frame: spec
                .with_untracked(|s| s.playback)
                .then(|| play_frame.get_untracked()),
            view: live_view.get_value(),
        };
        match spec.with_untracked(|s| paint(&canvas, s, &result.data, options)) {
            Ok(drawn) => frame.set(drawn),
            Err(message) => state.set(ChartState::Failed(UserError::new(
                meridian_model::ErrorKind::Internal,
                message,
            ))),
        }
        draw_ms.set(now_ms() - started);
    };
    Effect::new(move |_| {
        state.track();
        play_frame.track();
        redraw();
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| redraw());
    on_cleanup(move || resize.remove());

    // Playback steps through the frames, then stops on the last one.
    let frames = move || match state.get() {
        ChartState::Ready(result) => match &result.data {
            ChartData::DensityMap { frames, .. } => frames.clone(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let timer = StoredValue::new(None::<IntervalHandle>);
    Effect::new(move |_| {
        if let Some(handle) = timer.get_value() {
            handle.clear();
            timer.set_value(None);
        }
        if playing.get() {
            let count = frames().len();
            let handle = set_interval_with_handle(
                move || {
                    let next = play_frame.get_untracked() + 1;
                    if next >= count {
                        playing.set(false);
                    } else {
                        play_frame.set(next);
                    }
                },
                PLAYBACK_STEP,
            );
            timer.set_value(handle.ok());
        }
    });

    let offset = |ev: &web_sys::MouseEvent| (ev.offset_x() as f64, ev.offset_y() as f64);
    let pan_live = move |to: (f64, f64)| {
        let (Some((x0, y0, _, _)), Some(start)) = (drag.get_untracked(), drag_frame.get_value())
        else {
            return;
        };
        let Some(view) = start.panned_view((x0, y0), to) else {
            return;
        };
        live_view.set_value(Some(view));
        if !frame_pending.get_value() {
            frame_pending.set_value(true);
            request_animation_frame(move || {
                frame_pending.set_value(false);
                // The drag may have ended (and new bins arrived) since this was asked.
                if drag.get_untracked().is_some() {
                    redraw();
                }
            });
        }
    };
    let on_move = move |ev: web_sys::MouseEvent| {
        let (x, y) = offset(&ev);
        if let Some((x0, y0, _, _)) = drag.get_untracked() {
            drag.set(Some((x0, y0, x, y)));
            if spec.with_untracked(|s| s.kind.is_map()) {
                hover_text.set(None);
                pan_live((x, y));
                return;
            }
        }
        let text = match state.get_untracked() {
            ChartState::Ready(result) => spec.with_untracked(|s| {
                let chosen = s.playback.then(|| play_frame.get_untracked());
                hover::describe(s, &result.data, &frame.get_untracked(), x, y, chosen)
            }),
            _ => None,
        };
        hover_text.set(text.map(|t| (t, x, y)));
    };
    let on_down = move |ev: web_sys::MouseEvent| {
        let (x, y) = offset(&ev);
        let drawn = frame.get_untracked();
        if drawn.data_at(x, y).is_some() {
            drag_frame.set_value(Some(drawn));
            drag.set(Some((x, y, x, y)));
        }
    };
    // A drag ends when the button is let go or the pointer leaves the chart.
    let finish_drag = move || {
        let Some((x0, y0, x1, y1)) = drag.get_untracked() else {
            return;
        };
        drag.set(None);
        let drawn = drag_frame
            .get_value()
            .unwrap_or_else(|| frame.get_untracked());
        drag_frame.set_value(None);
        let kind = spec.with_untracked(|s| s.kind);
        let moved = (x1 - x0).abs() + (y1 - y0).abs() > 4.0;
        if kind.is_time_series() && (x1 - x0).abs() > 4.0 {
            if let Some(range) = drawn.time_range_between(x0, x1) {
                spec.update(|s| {
                    s.time_range = Some(range);
                    s.time_bucket = None;
                });
            }
        } else if kind.is_map()
            && moved
            && let Some(view) = drawn.panned_view((x0, y0), (x1, y1))
        {
            // The held bins stay drawn where the map was let go until the new ones come.
            live_view.set_value(Some(view));
            redraw();
            spec.update(|s| s.map_view = Some(view));
            return;
        }
        if live_view.get_value().is_some() {
            live_view.set_value(None);
            redraw();
        }
    };
    let zoom_map = move |factor: f64, around: Option<(f64, f64)>| {
        let drawn = frame.get_untracked();
        let Some(view) = drawn.view else { return };
        let center = around.unwrap_or_else(|| geo::center_of(&view));
        spec.update(|s| s.map_view = Some(geo::zoom_box(&view, center, factor)));
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        if !spec.with_untracked(|s| s.kind.is_map()) {
            return;
        }
        ev.prevent_default();
        let at = frame
            .get_untracked()
            .data_at(ev.offset_x() as f64, ev.offset_y() as f64);
        zoom_map(if ev.delta_y() < 0.0 { 0.5 } else { 2.0 }, at);
    };

    let status = move || match state.get() {
        ChartState::Idle => "Run a query to chart its result.".to_string(),
        ChartState::Running => "Making the chart…".to_string(),
        ChartState::Failed(_) => "The chart could not be made.".to_string(),
        ChartState::Ready(result) => {
            let detail = match &result.data {
                ChartData::TimeSeries {
                    bucket,
                    buckets,
                    series,
                } => format!(
                    "{} buckets of {} · {} series",
                    buckets.len(),
                    bucket.label(),
                    series.len()
                ),
                ChartData::DensityMap {
                    cell_deg, cells, ..
                } => format!(
                    "{} cells of {}°",
                    format::thousands(cells.len() as u64),
                    cell_deg
                ),
                ChartData::PointMap { points, .. } => {
                    format!("{} points", format::thousands(points.len() as u64))
                }
                _ => String::new(),
            };
            format!(
                "{detail} · engine {} · drawn in {}",
                format::millis(result.engine_ms),
                format::millis(draw_ms.get())
            )
        }
    };
    let error = move || match state.get() {
        ChartState::Failed(error) => Some(error.message),
        _ => None,
    };
    let selection_style = move || {
        let span = match drag.get() {
            Some((x0, _, x1, _)) if spec.with(|s| s.kind.is_time_series()) => Some((x0, x1)),
            _ => None,
        };
        selection_band(span, &frame.get())
    };
    let tooltip = move || {
        hover_text.get().map(|(text, x, y)| view! {
        <div class="chart-tooltip" role="tooltip" style=format!("left:{}px;top:{}px", x + 14.0, y + 14.0)>{text}</div>
    })
    };
    let is_map = move || spec.with(|s| s.kind.is_map());
    let zoomed_in_time = move || spec.with(|s| s.time_range.is_some());
    let frame_label = move || {
        let all = frames();
        all.get(play_frame.get()).map(|start| {
            format!(
                "Frame {} of {}: {}",
                play_frame.get() + 1,
                all.len(),
                meridian_chart::format::full_time(*start)
            )
        })
    };
    let data_for_export = Signal::derive(move || match state.get() {
        ChartState::Ready(result) => Some(result),
        _ => None,
    });

    view! {
        <section class="chart-panel" aria-label="Chart" data-charts-drawn=move || finished.get()
            data-draw-ms=move || format!("{:.2}", draw_ms.get())>
            <ChartEditor spec=spec columns=columns />
            <div class="chart-toolbar">
                <span class="chart-status" aria-label="Chart status" aria-live="polite">{status}</span>
                <Show when=zoomed_in_time>
                    <button on:click=move |_| spec.update(|s| s.time_range = None)>"Reset zoom"</button>
                </Show>
                <Show when=is_map>
                    <button aria-label="Zoom in" on:click=move |_| zoom_map(0.5, None)>"+"</button>
                    <button aria-label="Zoom out" on:click=move |_| zoom_map(2.0, None)>"−"</button>
                    <button on:click=move |_| spec.update(|s| s.map_view = None)>"Fit data"</button>
                </Show>
                <ChartExport spec=spec.into() result=data_for_export canvas=canvas frame=play_frame.into() />
            </div>
            {move || error().map(|message| view! { <p class="query-error" role="alert">{message}</p> })}
            <div class="chart-host" node_ref=host>
                <canvas
                    class="chart-canvas"
                    aria-label="Chart drawing"
                    node_ref=canvas
                    data-plot-left=move || frame.get().plot_px.0
                    data-plot-top=move || frame.get().plot_px.1
                    data-plot-right=move || frame.get().plot_px.2
                    data-plot-bottom=move || frame.get().plot_px.3
                    on:mousemove=on_move
                    on:mousedown=on_down
                    on:mouseup=move |_| finish_drag()
                    on:mouseleave=move |_| { hover_text.set(None); finish_drag(); }
                    on:wheel=on_wheel
                ></canvas>
                <div class="chart-selection" style=selection_style></div>
                {tooltip}
            </div>
            <Show when=move || !frames().is_empty() && spec.with(|s| s.playback)>
                <div class="playback" role="group" aria-label="Playback">
                    <button aria-label=move || if playing.get() { "Pause" } else { "Play" }
                        on:click=move |_| {
                            if !playing.get_untracked() && play_frame.get_untracked() + 1 >= frames().len() {
                                play_frame.set(0);
                            }
                            playing.update(|p| *p = !*p);
                        }>
                        {move || if playing.get() { "Pause" } else { "Play" }}
                    </button>
                    <input type="range" min="0" aria-label="Playback frame"
                        max=move || frames().len().saturating_sub(1)
                        prop:value=move || play_frame.get()
                        on:input=move |ev| {
                            if let Ok(value) = event_target_value(&ev).parse::<usize>() {
                                playing.set(false);
                                play_frame.set(value);
                            }
                        } />
                    <span class="playback-label" aria-label="Playback time">{frame_label}</span>
                </div>
            </Show>
        </section>
    }
}
