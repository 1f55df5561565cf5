//! What a dashboard shares between its widgets: the brushed time range (the
//! cross-filter) and which widgets are drawn. Embedding reads both.

use std::collections::BTreeMap;

use leptos::prelude::*;
use meridian_model::{CrossFilter, Scope, TimeRange, UserError};

use crate::app::EngineHandle;
use crate::engine_client::Reply;

/// A time range brushed on one widget's chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Brush {
    /// Index of the brushed widget in the analysis.
    pub widget: usize,
    /// The chart's time column; tables with a column of this name are filtered.
    pub column: String,
    pub range: TimeRange,
}

/// How the cross-filter touches one widget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CardFilter {
    /// No filter, or this is the brushed widget: the whole tables.
    Whole,
    /// The engine is taking the new filter; wait.
    Pending,
    /// Reads the filtered tables.
    Filtered,
    /// Reads no table with the brushed column, so the filter cannot apply.
    NotAffected { column: String },
}

impl CardFilter {
    pub fn scope(&self) -> Scope {
        match self {
            CardFilter::Filtered => Scope::CrossFiltered,
            _ => Scope::Whole,
        }
    }
}

/// A dashboard's shared state, in context for its cards and the embed bridge.
#[derive(Clone, Copy)]
pub struct DashboardState {
    pub brush: RwSignal<Option<Brush>>,
    /// The tables the engine filters for the current brush; `None` while it sets it.
    pub filtered_tables: RwSignal<Option<Vec<String>>>,
    /// A sentence when the engine could not take the filter.
    pub problem: RwSignal<Option<String>>,
    /// Whether each widget on show is drawn (or failed) with the current values.
    pub settled: RwSignal<BTreeMap<usize, bool>>,
    /// Widgets drawn so far; tests and embedders wait on it.
    pub drawn: RwSignal<u64>,
}

impl DashboardState {
    pub fn new() -> Self {
        Self {
            brush: RwSignal::new(None),
            filtered_tables: RwSignal::new(None),
            problem: RwSignal::new(None),
            settled: RwSignal::new(BTreeMap::new()),
            drawn: RwSignal::new(0),
        }
    }

    /// The dashboard's state from context, provided on first use.
    pub fn use_or_provide() -> Self {
        use_context::<Self>().unwrap_or_else(|| {
            let state = Self::new();
            provide_context(state);
            state
        })
    }

    /// Brushes a range (or clears it) and hands the filter to the engine. The
    /// worker takes requests in order, so queries sent after it see it.
    pub fn set_brush(&self, client: EngineHandle, brush: Option<Brush>) {
        if self.brush.get_untracked() == brush {
            return;
        }
        self.brush.set(brush);
        self.send_filter(client);
    }

    /// Sends the current brush to the engine (again, after a restart).
    pub fn send_filter(&self, client: EngineHandle) {
        let brush = self.brush.get_untracked();
        self.problem.set(None);
        let filter = brush.as_ref().map(|b| CrossFilter {
            column: b.column.clone(),
            from_ms: b.range.start_ms,
            to_ms: b.range.end_ms,
        });
        if filter.is_none() {
            self.filtered_tables.set(Some(Vec::new()));
        } else {
            self.filtered_tables.set(None);
        }
        let answer = client.with_value(|c| c.set_cross_filter(filter));
        let this = *self;
        leptos::task::spawn_local(async move {
            let outcome = answer.await.unwrap_or_else(|_| {
                Err(UserError::new(
                    meridian_model::ErrorKind::EngineCrashed,
                    "The engine restarted before it took the filter.",
                ))
            });
            // A later brush has taken over, or the dashboard is gone.
            if this.brush.try_get_untracked() != Some(brush) {
                return;
            }
            match outcome {
                Ok(Reply::Tables(tables)) => this.filtered_tables.set(Some(tables)),
                Ok(Reply::File { .. }) => {}
                Err(error) => {
                    this.problem.set(Some(error.to_sentence()));
                    this.filtered_tables.set(Some(Vec::new()));
                }
            }
        });
    }

    /// How the filter touches widget `index`, which reads `sources` (tracked).
    pub fn card_filter(&self, index: usize, sources: &[String]) -> CardFilter {
        let Some(brush) = self.brush.get() else {
            return CardFilter::Whole;
        };
        if brush.widget == index {
            return CardFilter::Whole;
        }
        match self.filtered_tables.get() {
            None => CardFilter::Pending,
            Some(tables) if sources.iter().any(|s| tables.contains(s)) => CardFilter::Filtered,
            Some(_) => CardFilter::NotAffected {
                column: brush.column,
            },
        }
    }

    /// Marks widget `index` as drawn with the current values, or as working on it.
    pub fn settle(&self, index: usize, settled: bool) {
        if self
            .settled
            .with_untracked(|s| s.get(&index) != Some(&settled))
        {
            self.settled.update(|s| _ = s.insert(index, settled));
        }
    }
}

impl Default for DashboardState {
    fn default() -> Self {
        Self::new()
    }
}
