//! The SQL editor, the Run and Cancel buttons, the outcome, and the results.

use leptos::html::Div;
use leptos::prelude::*;
use meridian_model::{ErrorKind, UserError};

use crate::app::{EngineHandle, RunRequest};
use crate::components::chart_panel::ChartPanel;
use crate::components::results_grid::ResultsGrid;
use crate::editor_bridge::{self, EditorCallbacks, EditorHandle};
use crate::engine_client::{EngineState, QueryAnswer};
use crate::{format, storage};

const FIRST_SQL: &str = "SELECT city, count(*) AS payments, round(sum(amount), 2) AS total\nFROM transactions\nGROUP BY city\nORDER BY payments DESC";

/// Where the last query stands.
#[derive(Clone, Debug)]
enum Outcome {
    Idle,
    Running,
    Done(QueryAnswer),
    Failed(UserError),
}

#[component]
pub fn QueryPanel() -> impl IntoView {
    let client = expect_context::<EngineHandle>();
    let state = expect_context::<EngineState>();
    let run_request = expect_context::<RunRequest>();
    let sql = RwSignal::new(storage::load_sql().unwrap_or_else(|| FIRST_SQL.to_string()));
    let outcome = RwSignal::new(Outcome::Idle);
    let editor = StoredValue::new_local(None::<EditorHandle>);
    let editor_error = RwSignal::new(None::<String>);
    let host = NodeRef::<Div>::new();
    // The SQL behind the result on screen, which the chart panel aggregates.
    let ran_sql = RwSignal::new(None::<String>);
    let show_chart = RwSignal::new(
        storage::load_chart().is_some_and(|s| s.kind != meridian_model::ChartKind::Table),
    );

    let run = move || {
        if matches!(outcome.get_untracked(), Outcome::Running) {
            return;
        }
        let text = sql.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        editor.with_value(|e| {
            if let Some(e) = e {
                e.clear_error();
            }
        });
        outcome.set(Outcome::Running);
        let answer = client.with_value(|c| c.query(text.clone()));
        leptos::task::spawn_local(async move {
            let result = answer.await.unwrap_or_else(|_| {
                Err(UserError::new(
                    ErrorKind::Internal,
                    "The engine dropped the query (this is a bug in Meridian).",
                ))
            });
            match result {
                Ok(answer) => {
                    ran_sql.set(Some(text.clone()));
                    outcome.set(Outcome::Done(answer));
                }
                Err(error) => {
                    if let Some(span) = error.span {
                        let (from, to) = span.to_offsets(&text);
                        editor.with_value(|e| {
                            if let Some(e) = e {
                                e.set_error(from as u32, to as u32, &error.message);
                            }
                        });
                    }
                    outcome.set(Outcome::Failed(error));
                }
            }
        });
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
            on_change: Box::new(move |text: String| {
                storage::save_sql(&text);
                sql.set(text);
            }),
            on_run: Box::new(run),
            on_cancel: Box::new(cancel),
        };
        match editor_bridge::create(&element, &sql.get_untracked(), callbacks) {
            Ok(handle) => editor.set_value(Some(handle)),
            Err(message) => {
                editor_error.set(Some(format!("The SQL editor could not start: {message}")))
            }
        }
    });

    // Table and column names complete as datasets come and go.
    Effect::new(move |_| {
        let schema = state.datasets.with(|d| editor_bridge::schema_object(d));
        editor.with_value(|e| {
            if let Some(e) = e {
                e.set_schema(&schema);
            }
        });
    });

    // A preview from the dataset list replaces the SQL and runs it.
    Effect::new(move |_| {
        if let Some(text) = run_request.0.get() {
            run_request.0.set(None);
            editor.with_value(|e| {
                if let Some(e) = e {
                    e.set_doc(&text);
                }
            });
            storage::save_sql(&text);
            sql.set(text);
            run();
        }
    });

    let status = move || match outcome.get() {
        Outcome::Idle => "Ctrl+Enter runs the query".to_string(),
        Outcome::Running => "Running…".to_string(),
        Outcome::Done(answer) => format!(
            "{} rows in {}",
            format::thousands(answer.table.row_count() as u64),
            format::millis(answer.elapsed_ms)
        ),
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
                <div class="view-tabs" role="tablist" aria-label="Result view">
                    <button role="tab" aria-selected=move || (!show_chart.get()).to_string()
                        on:click=move |_| show_chart.set(false)>"Table"</button>
                    <button role="tab" aria-selected=move || show_chart.get().to_string()
                        on:click=move |_| show_chart.set(true)>"Chart"</button>
                </div>
            </Show>
            <Show when=move || show_chart.get() && has_result() fallback=move || view! { <ResultsGrid table=table /> }>
                <ChartPanel base_sql=ran_sql.into() schema=schema />
            </Show>
        </section>
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
