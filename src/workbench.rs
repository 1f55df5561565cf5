//! The open analysis and what the engine holds of it: which step is on
//! screen, which step results are fresh, what is running, whether it is saved.
//! The analysis logic itself (dependencies, keys) lives in the model crate.

use std::collections::BTreeMap;
use std::time::Duration;

use leptos::prelude::*;
use meridian_model::{
    Analysis, ChartSpec, DatasetInfo, ErrorKind, Scope, Source, Step, StepCall, StepInputs,
    StepKey, UserError,
};

use crate::app::EngineHandle;
use crate::engine_client::QueryAnswer;
use crate::saved::{self, SavedAnalysis};

/// The first step of a new analysis.
pub const FIRST_SQL: &str = "SELECT city, count(*) AS payments, round(sum(amount), 2) AS total\nFROM transactions\nGROUP BY city\nORDER BY payments DESC";

const AUTOSAVE_DELAY: Duration = Duration::from_millis(400);

/// Where the step on screen stands.
#[derive(Clone, Debug)]
pub enum Outcome {
    Idle,
    Running,
    Done(QueryAnswer),
    Failed(UserError),
}

/// A step's state as the step bar shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepStatus {
    /// The engine holds the result of the step as it is written now.
    Fresh,
    /// Never run, or changed (itself, an input or a parameter) since it ran.
    Stale,
    Running,
}

impl StepStatus {
    pub fn label(self) -> &'static str {
        match self {
            StepStatus::Fresh => "fresh",
            StepStatus::Stale => "stale",
            StepStatus::Running => "running",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum SaveState {
    Saved,
    Saving,
    Failed(String),
}

/// The open analysis, shared through context.
#[derive(Clone, Copy)]
pub struct Workbench {
    pub id: RwSignal<String>,
    pub analysis: RwSignal<Analysis>,
    /// Index of the step on screen.
    pub selected: RwSignal<usize>,
    /// The key of each step result the engine holds, by step name.
    pub fresh: RwSignal<BTreeMap<String, StepKey>>,
    pub running: RwSignal<Option<String>>,
    /// The outcome of the step on screen.
    pub outcome: RwSignal<Outcome>,
    pub save_state: RwSignal<SaveState>,
    /// False until the analysis has been read from storage or a link.
    pub loaded: RwSignal<bool>,
    /// A sentence about the analysis itself (a link that did not open, a missing file).
    pub notice: RwSignal<Option<String>>,
    /// Bumped when the step on screen's SQL is replaced from outside the editor.
    pub doc_version: RwSignal<u64>,
}

/// A new analysis over the bundled samples, with one step.
pub fn starter_analysis(sql: Option<String>) -> Analysis {
    let mut analysis = Analysis::new("Untitled analysis");
    analysis.steps.push(Step {
        name: "step_1".into(),
        sql: sql.unwrap_or_else(|| FIRST_SQL.to_string()),
        note: String::new(),
    });
    analysis
}

impl Workbench {
    pub fn new() -> Self {
        Self {
            id: RwSignal::new(String::new()),
            analysis: RwSignal::new(starter_analysis(None)),
            selected: RwSignal::new(0),
            fresh: RwSignal::new(BTreeMap::new()),
            running: RwSignal::new(None),
            outcome: RwSignal::new(Outcome::Idle),
            save_state: RwSignal::new(SaveState::Saved),
            loaded: RwSignal::new(false),
            notice: RwSignal::new(None),
            doc_version: RwSignal::new(0),
        }
    }

    /// Shows `record`, replacing the open analysis.
    pub fn open(&self, record: SavedAnalysis) {
        saved::set_current_id(&record.id);
        self.id.set(record.id);
        self.analysis.set(record.analysis);
        self.selected.set(0);
        self.outcome.set(Outcome::Idle);
        self.save_state.set(SaveState::Saved);
        self.doc_version.update(|v| *v += 1);
        self.loaded.set(true);
    }

    /// Each step's status, in step order.
    pub fn statuses(&self) -> Vec<StepStatus> {
        let running = self.running.get();
        let fresh = self.fresh.get();
        self.analysis.with(|analysis| {
            let keys = analysis
                .step_inputs()
                .map(|inputs| analysis.step_keys(&inputs))
                .unwrap_or_default();
            analysis
                .steps
                .iter()
                .enumerate()
                .map(|(i, step)| {
                    if running.as_deref() == Some(step.name.as_str()) {
                        StepStatus::Running
                    } else if keys
                        .get(i)
                        .is_some_and(|k| fresh.get(&step.name) == Some(k))
                    {
                        StepStatus::Fresh
                    } else {
                        StepStatus::Stale
                    }
                })
                .collect()
        })
    }

    /// The step on screen (not tracked: read it in handlers, not in views).
    pub fn selected_step(&self) -> Option<Step> {
        let index = self.selected.get_untracked();
        self.analysis
            .with_untracked(|a| a.steps.get(index).cloned())
    }

    /// Adds a step running `sql` and puts it on screen.
    pub fn add_step(&self, sql: String) {
        let mut index = 0;
        self.analysis.update(|a| index = a.add_step(sql));
        self.selected.set(index);
    }

    /// Replaces the SQL of the step on screen (typing in the editor).
    pub fn set_selected_sql(&self, sql: String) {
        let index = self.selected.get_untracked();
        let changed = self
            .analysis
            .with_untracked(|a| a.steps.get(index).is_some_and(|s| s.sql != sql));
        if changed {
            self.analysis.update(|a| a.steps[index].sql = sql);
        }
    }

    /// The chart widget of the step on screen, if it has one.
    pub fn chart_of(&self, step: &str) -> Option<ChartSpec> {
        self.analysis.with_untracked(|a| {
            a.widgets
                .iter()
                .find(|w| w.step == step)
                .and_then(|w| w.chart.clone())
        })
    }

    /// Keeps `spec` as the chart of `step`, creating its widget on first use.
    pub fn set_chart(&self, step: &str, spec: ChartSpec) {
        if self.chart_of(step).as_ref() == Some(&spec) {
            return;
        }
        self.analysis.update(|a| {
            if let Some(widget) = a.widgets.iter_mut().find(|w| w.step == step) {
                widget.chart = Some(spec);
            } else {
                let places: Vec<_> = a.widgets.iter().map(|w| w.place).collect();
                a.widgets.push(meridian_model::Widget {
                    step: step.to_string(),
                    title: None,
                    chart: Some(spec),
                    place: meridian_model::GridPlace::next_free(&places),
                });
            }
        });
    }

    /// Runs the step at `target` and whatever stale steps it needs, in order.
    /// Only the target's rows travel back to the page.
    pub fn run(&self, client: EngineHandle, target: usize) {
        if self.running.get_untracked().is_some() {
            return;
        }
        let analysis = self.analysis.get_untracked();
        let inputs = match analysis.step_inputs() {
            Ok(inputs) => inputs,
            Err(error) => {
                let message = crate::format::sentence(&error.to_string());
                self.outcome
                    .set(Outcome::Failed(UserError::new(ErrorKind::Sql, message)));
                return;
            }
        };
        let keys = analysis.step_keys(&inputs);
        let fresh = self.fresh.get_untracked();
        let order: Vec<usize> = analysis
            .ancestors(&inputs, target)
            .into_iter()
            .filter(|&i| i == target || fresh.get(&analysis.steps[i].name) != Some(&keys[i]))
            .collect();
        self.outcome.set(Outcome::Running);
        let this = *self;
        leptos::task::spawn_local(async move {
            for index in order {
                let name = analysis.steps[index].name.clone();
                this.running.set(Some(name.clone()));
                let rows = index == target;
                match run_one(client, &analysis, &inputs, &keys, index, rows, Scope::Whole).await {
                    Ok(answer) => {
                        this.fresh
                            .update(|f| _ = f.insert(name, keys[index].clone()));
                        if rows {
                            this.outcome.set(Outcome::Done(answer));
                        }
                    }
                    Err(error) => {
                        this.fresh.update(|f| _ = f.remove(&name));
                        this.outcome.set(Outcome::Failed(error));
                        break;
                    }
                }
            }
            this.running.set(None);
        });
    }

    /// Makes step `name` and the stale steps it needs fresh, without sending
    /// rows to the page: a dashboard's charts read the result in the engine.
    pub async fn ensure_fresh(&self, client: EngineHandle, name: &str) -> Result<(), UserError> {
        self.ensure_fresh_in(client, name, Scope::Whole).await
    }

    /// [`Workbench::ensure_fresh`] over the tables of `scope`. Cross-filtered
    /// results are not tracked here: the engine answers a step whose key it
    /// holds in that scope without running it, and drops them all when the
    /// filter changes.
    pub async fn ensure_fresh_in(
        &self,
        client: EngineHandle,
        name: &str,
        scope: Scope,
    ) -> Result<(), UserError> {
        let analysis = self.analysis.get_untracked();
        let inputs = analysis
            .step_inputs()
            .map_err(|e| UserError::new(ErrorKind::Sql, crate::format::sentence(&e.to_string())))?;
        let Some(target) = analysis.step_index(name) else {
            return Err(UserError::new(
                ErrorKind::Sql,
                format!("This widget shows step '{name}', which the analysis no longer has."),
            ));
        };
        let keys = analysis.step_keys(&inputs);
        for index in analysis.ancestors(&inputs, target) {
            let step = &analysis.steps[index];
            if scope == Scope::CrossFiltered {
                run_one(client, &analysis, &inputs, &keys, index, false, scope).await?;
                continue;
            }
            let fresh = self
                .fresh
                .with_untracked(|f| f.get(&step.name) == Some(&keys[index]));
            if !fresh {
                run_one(client, &analysis, &inputs, &keys, index, false, scope).await?;
                self.fresh
                    .update(|f| _ = f.insert(step.name.clone(), keys[index].clone()));
            }
        }
        Ok(())
    }

    /// The key step `name` has as the analysis stands (tracked), if it is valid.
    pub fn key_of(&self, name: &str) -> Option<StepKey> {
        self.analysis.with(|a| {
            let inputs = a.step_inputs().ok()?;
            let index = a.step_index(name)?;
            a.step_keys(&inputs).get(index).cloned()
        })
    }

    /// Drops, in the engine and here, the results of steps the open analysis
    /// no longer has (deleted, renamed, another analysis opened). A step that
    /// comes back under an old name with the same SQL must not pass as fresh.
    pub fn forget_dropped_steps(&self, client: EngineHandle) {
        let keep: Vec<String> = self
            .analysis
            .with_untracked(|a| a.steps.iter().map(|s| s.name.clone()).collect());
        self.fresh
            .update(|fresh| fresh.retain(|name, _| keep.contains(name)));
        client.with_value(|c| c.retain_steps(keep));
    }

    /// A new worker holds no step results: forget them all on each restart.
    pub fn forget_results_on_restart(&self, restarts: RwSignal<u64>) {
        let fresh = self.fresh;
        Effect::new(move |_| {
            if restarts.get() > 0 {
                fresh.set(Default::default());
            }
        });
    }

    /// Saves the open analysis a moment after it stops changing.
    pub fn autosave(&self) {
        let this = *self;
        let pending = StoredValue::new(0u64);
        Effect::new(move |_| {
            let analysis = this.analysis.get();
            if !this.loaded.get() {
                return;
            }
            pending.update_value(|n| *n += 1);
            let mine = pending.get_value();
            this.save_state.set(SaveState::Saving);
            set_timeout(
                move || {
                    if pending.get_value() != mine {
                        return;
                    }
                    let record = SavedAnalysis {
                        id: this.id.get_untracked(),
                        updated_ms: js_sys::Date::now(),
                        analysis,
                    };
                    leptos::task::spawn_local(async move {
                        let state = match saved::save(&record).await {
                            Ok(()) => SaveState::Saved,
                            Err(message) => SaveState::Failed(message),
                        };
                        if pending.get_value() == mine {
                            this.save_state.set(state);
                        }
                    });
                },
                AUTOSAVE_DELAY,
            );
        });
    }

    /// Keeps the analysis's sources in step with the loaded datasets; sources
    /// not loaded (yet) stay listed so a shared analysis still names them.
    pub fn track_sources(&self, datasets: RwSignal<Vec<DatasetInfo>>) {
        let this = *self;
        Effect::new(move |_| {
            // Also when another analysis opens.
            this.id.track();
            let mut sources: Vec<Source> =
                datasets.with(|d| d.iter().map(Source::of_dataset).collect());
            let old = this.analysis.with_untracked(|a| a.sources.clone());
            let changed = sources
                .iter()
                .find_map(|now| old.iter().find_map(|before| before.changed_upload(now)));
            if let Some(message) = changed {
                this.notice.set(Some(message));
            }
            for source in &old {
                if !sources.iter().any(|s| s.table() == source.table()) {
                    sources.push(source.clone());
                }
            }
            if old != sources {
                this.analysis.update(|a| a.sources = sources);
            }
        });
    }
}

impl Default for Workbench {
    fn default() -> Self {
        Self::new()
    }
}

/// Runs step `index` in the engine, sending its rows back when `rows`. An error
/// in a step other than the one asked for (`rows` false) names that step and
/// drops its SQL position, which belongs to another step's text.
async fn run_one(
    client: EngineHandle,
    analysis: &Analysis,
    inputs: &[StepInputs],
    keys: &[StepKey],
    index: usize,
    rows: bool,
    scope: Scope,
) -> Result<QueryAnswer, UserError> {
    let step = &analysis.steps[index];
    let answer = client.with_value(|c| {
        c.run_step(StepCall {
            name: step.name.clone(),
            sql: step.sql.clone(),
            bindings: inputs[index].bindings.clone(),
            key: keys[index].clone(),
            send_rows: rows,
            scope,
        })
    });
    let result = answer.await.unwrap_or_else(|_| {
        Err(UserError::new(
            ErrorKind::Internal,
            "The engine dropped the step (this is a bug in Meridian).",
        ))
    });
    result.map_err(|mut error| {
        if !rows {
            error.message = format!("Step '{}' failed: {}", step.name, error.message);
            error.span = None;
        }
        error
    })
}
