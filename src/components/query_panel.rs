//! The step on screen: its SQL editor, Run and Cancel, the outcome, and the
//! result as a table or a chart.

use leptos::html::Div;
use leptos::prelude::*;
use meridian_model::{ChartKind, ChartSpec, ErrorKind, UserError};

use crate::app::{EngineHandle, RunRequest};
use crate::components::chart_panel::ChartPanel;
use crate::components::results_grid::ResultsGrid;
use crate::components::toggle_tabs::ToggleTabs;
use crate::editor_bridge::{self, EditorCallbacks, EditorHandle};
use crate::engine_client::EngineState;
use crate::format;
use crate::workbench::{Outcome, StepStatus, Workbench};

#[component]
pub fn QueryPanel() -> impl IntoView {
    let client = expect_context::<EngineHandle>();
    let state = expect_context::<EngineState>();
    let run_request = expect_context::<RunRequest>();
    let bench = expect_context::<Workbench>();
    let outcome = bench.outcome;
    let editor = StoredValue::new_local(None::<EditorHandle>);
    let editor_error = RwSignal::new(None::<String>);
    let host = NodeRef::<Div>::new();
    let show_chart = RwSignal::new(false);

    let run = move || {
        if matches!(outcome.get_untracked(), Outcome::Running) {
            return;
        }
        let empty = bench
            .selected_step()
            .is_none_or(|step| step.sql.trim().is_empty());
        if empty {
            return;
        }
        editor.with_value(|e| {
            if let Some(e) = e {
                e.clear_error();
            }
        });
        bench.run(client, bench.selected.get_untracked());
    };
    let cancel = move || {
        if matches!(outcome.get_untracked(), Outcome::Running) {
            client.with_value(|c| c.cancel());
        }
    };

    // Create the editor once its host element exists.
    Effect::new(move |_| {
        let Some(element) = host.get() else {
            return;
        };
        if editor.with_value(Option::is_some) {
            return;
        }
        let callbacks = EditorCallbacks {
            on_change: Box::new(move |text: String| bench.set_selected_sql(text)),
            on_run: Box::new(run),
            on_cancel: Box::new(cancel),
        };
        let doc = bench.selected_step().map(|s| s.sql).unwrap_or_default();
        match editor_bridge::create(&element, &doc, callbacks) {
            Ok(handle) => editor.set_value(Some(handle)),
            Err(message) => {
                editor_error.set(Some(format!("The SQL editor could not start: {message}")))
            }
        }
    });

    // Another step (or another analysis) on screen: its SQL in the editor, and its
    // result at once when the engine still holds it.
    Effect::new(move |_| {
        bench.doc_version.track();
        let index = bench.selected.get();
        untrack(move || show_step(bench, client, editor, show_chart, index));
    });

    // An error with a place in the SQL is marked in the editor.
    Effect::new(move |_| {
        if let Outcome::Failed(error) = outcome.get()
            && let Some(span) = error.span
        {
            let text = bench.selected_step().map(|s| s.sql).unwrap_or_default();
            let (from, to) = span.to_offsets(&text);
            editor.with_value(|e| {
                if let Some(e) = e {
                    e.set_error(from as u32, to as u32, &error.message);
                }
            });
        }
    });

    // Table, step and column names complete as datasets and steps come and go.
    Effect::new(move |_| {
        let steps: Vec<(String, Vec<String>)> = bench.analysis.with(|a| {
            a.steps
                .iter()
                .map(|s| (s.name.clone(), Vec::new()))
                .collect()
        });
        let schema = state
            .datasets
            .with(|d| editor_bridge::schema_object(d, &steps));
        editor.with_value(|e| {
            if let Some(e) = e {
                e.set_schema(&schema);
            }
        });
    });

    // A preview from the dataset list runs as a new step, so the step on
    // screen keeps what the analyst wrote.
    Effect::new(move |_| {
        if let Some(text) = run_request.0.get() {
            run_request.0.set(None);
            bench.add_step(text.clone());
            editor.with_value(|e| {
                if let Some(e) = e {
                    e.set_doc(&text);
                }
            });
            run();
        }
    });

    let status = move || match outcome.get() {
        Outcome::Idle => "Ctrl+Enter runs this step".to_string(),
        Outcome::Running => match bench.running.get() {
            Some(step) => format!("Running {step}…"),
            None => "Running…".to_string(),
        },
        Outcome::Done(answer) => {
            let shown = answer.table.row_count() as u64;
            format!(
                "{} rows in {}{}{}",
                format::thousands(answer.row_count),
                format::millis(answer.elapsed_ms),
                if answer.cached {
                    " (kept from the last run)"
                } else {
                    ""
                },
                if shown < answer.row_count {
                    format!(
                        " · the grid shows the first {}; charts and later steps use them all",
                        format::thousands(shown)
                    )
                } else {
                    String::new()
                }
            )
        }
        Outcome::Failed(error) if error.kind == ErrorKind::Cancelled => "Cancelled".to_string(),
        Outcome::Failed(_) => "Failed".to_string(),
    };
    let running = move || matches!(outcome.get(), Outcome::Running);
    let error = move || match outcome.get() {
        Outcome::Failed(error) if error.kind != ErrorKind::Cancelled => Some(error),
        _ => None,
    };
    let table = Signal::derive(move || match outcome.get() {
        Outcome::Done(answer) => Some(answer.table),
        _ => None,
    });
    let schema = Signal::derive(move || match outcome.get() {
        Outcome::Done(answer) => Some(answer.table.schema().clone()),
        _ => None,
    });
    let has_result = move || matches!(outcome.get(), Outcome::Done(_));

    // The chart reads the step's result where the engine keeps it, by name.
    let chart = move || {
        let step = bench.selected_step()?;
        let base_sql = Signal::derive({
            let name = step.name.clone();
            move || has_result().then(|| format!("SELECT * FROM \"{name}\""))
        });
        let initial = bench
            .chart_of(&step.name)
            .unwrap_or_else(|| ChartSpec::new(ChartKind::Table));
        let spec = RwSignal::new(initial);
        let name = step.name.clone();
        Effect::new(move |_| {
            let current = spec.get();
            if current.kind != ChartKind::Table || bench.chart_of(&name).is_some() {
                bench.set_chart(&name, current);
            }
        });
        Some(view! { <ChartPanel base_sql=base_sql schema=schema spec=spec /> })
    };
    let chart_key = move || {
        bench.doc_version.track();
        bench.selected.get()
    };

    view! {
        <section class="query">
            <div class="editor-host" aria-label="SQL editor" node_ref=host></div>
            <Show when=move || editor_error.with(Option::is_some)>
                <p class="field-error" role="alert">{move || editor_error.get().unwrap_or_default()}</p>
            </Show>
            <div class="toolbar">
                <button class="primary" title="Run (Ctrl+Enter)" disabled=running on:click=move |_| run()>
                    "Run"
                </button>
                <button title="Cancel (Esc)" disabled=move || !running() on:click=move |_| cancel()>
                    "Cancel"
                </button>
                <span class="query-status" aria-label="Query status" aria-live="polite">{status}</span>
            </div>
            {move || error().map(|error| view! { <QueryError error=error /> })}
            <Show when=has_result>
                <ToggleTabs label="Result view" first="Table" second="Chart" chosen_second=show_chart />
            </Show>
            <Show when=move || show_chart.get() && has_result() fallback=move || view! { <ResultsGrid table=table /> }>
                {move || { chart_key(); untrack(chart) }}
            </Show>
        </section>
    }
}

/// Puts step `index` on screen: its SQL in the editor, its chart tab, and its
/// result at once when the engine still holds it.
fn show_step(
    bench: Workbench,
    client: EngineHandle,
    editor: StoredValue<Option<EditorHandle>, LocalStorage>,
    show_chart: RwSignal<bool>,
    index: usize,
) {
    let Some(step) = bench.analysis.with(|a| a.steps.get(index).cloned()) else {
        return;
    };
    editor.with_value(|e| {
        if let Some(e) = e
            && e.doc() != step.sql
        {
            e.set_doc(&step.sql);
            e.clear_error();
        }
    });
    show_chart.set(
        bench
            .chart_of(&step.name)
            .is_some_and(|c| c.kind != ChartKind::Table),
    );
    bench.outcome.set(Outcome::Idle);
    if bench.statuses().get(index).copied() == Some(StepStatus::Fresh) {
        bench.run(client, index);
    }
}

#[component]
fn QueryError(error: UserError) -> impl IntoView {
    let position = error
        .span
        .map(|span| format!("line {}, column {}", span.start.line, span.start.column));
    view! {
        <div class="query-error" role="alert" aria-label="Query error">
            <p class="message">{error.message.clone()}</p>
            {position.map(|p| view! { <p class="position">"At " {p}</p> })}
            {error.hint.clone().map(|h| view! { <p class="hint">{h}</p> })}
        </div>
    }
}
