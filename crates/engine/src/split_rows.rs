//! How a split query's rows fall between its engines: the rows each engine
//! reads a part of, and the rows every engine reads whole (the build side of
//! a join, built in each engine: see `split_joins`).
//!
//! Splitting pays for the divided rows only. Measured in the browser on TPC-H
//! at scale factor 1, joins whose build sides hold 1.65 million rows of
//! orders and customers beside 6 million of divided lineitem ran no faster in
//! two workers than in one (Q5, Q10) or slower (Q3, 0.7x): both engines
//! build the same large hash tables at once, then merge. A join of 10 million
//! telemetry rows to stores gained 1.5x, though each engine folds 5 million
//! transactions into those stores: a scan aggregated into few groups is cheap
//! beside a hash table of every row, so rows beneath an aggregate in a build
//! side are not counted. The worker weighs the two counts.

use std::sync::Arc;

use datafusion::datasource::source::DataSourceExec;
use datafusion::physical_plan::aggregates::AggregateExec;
use datafusion::physical_plan::statistics::{StatisticsArgs, StatisticsContext};
use datafusion::physical_plan::{ExecutionPlan, ExecutionPlanProperties};

/// The rows a split query's shares read, by how they are read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ShareRows {
    /// Rows of sources each engine reads a part of.
    pub divided: u64,
    /// Rows of sources every engine reads whole into a join's hash table
    /// (not through an aggregate).
    pub repeated: u64,
}

/// The rows beneath `shares`, each share's sources counted once per share;
/// `None` when a source cannot tell its rows (a CSV file read as it is).
pub(crate) fn share_rows(shares: &[Arc<dyn ExecutionPlan>], engines: usize) -> Option<ShareRows> {
    let mut rows = ShareRows::default();
    for share in shares {
        // The share is itself an aggregate, over the rows it divides.
        for child in share.children() {
            add_sources(child, engines, false, &mut rows)?;
        }
    }
    Some(rows)
}

/// Adds the rows of the sources beneath `node`; those of a source read whole
/// only when no aggregate stands between it and the share (`aggregated`).
fn add_sources(
    node: &Arc<dyn ExecutionPlan>,
    engines: usize,
    aggregated: bool,
    rows: &mut ShareRows,
) -> Option<()> {
    if node.is::<DataSourceExec>() {
        let statistics = StatisticsContext::new()
            .compute(node.as_ref(), &StatisticsArgs::new())
            .ok()?;
        let count = *statistics.num_rows.get_value()? as u64;
        if node.output_partitioning().partition_count() == engines {
            rows.divided += count;
        } else if !aggregated {
            rows.repeated += count;
        }
        return Some(());
    }
    let aggregated = aggregated || node.is::<AggregateExec>();
    for child in node.children() {
        add_sources(child, engines, aggregated, rows)?;
    }
    Some(())
}
