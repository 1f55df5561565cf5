//! Answering one query with several engines, one per core.
//!
//! A browser worker has one thread. To use a second core, a second worker
//! holds the same tables, and a query's scan and partial aggregation are
//! split between them: each engine plans the query alike with one partition
//! per engine (a Parquet file by ranges of row groups, a table held in memory
//! by halves of its batches), runs its own partition of every *share* (a
//! partial aggregate with no exchange of rows beneath it), and the first
//! engine merges the partial aggregates and finishes the plan. Only partial
//! aggregates travel between engines, so what crosses is small. A hash join
//! beneath a share builds its table whole in each engine and divides only its
//! probe side (`split_joins`). Plans without
//! a partial aggregate (a window over every row, a plain selection) are not
//! split: their rows would have to cross whole.
//!
//! The engines plan independently, so each share's plan is compared (its
//! `fingerprint`) before another engine's answer is used.
//!
//! A wasm worker has no Tokio runtime, so nothing here may spawn a task:
//! DataFusion's exchanges of rows between partitions (`RepartitionExec`, a
//! `CoalescePartitionsExec` of several partitions) do. Shares hold none, and
//! above them every engine's partial aggregates are merged in one partition,
//! where the exchanges that remain are dropped; a plan that would still need
//! one is not split.

use std::collections::BTreeSet;
use std::sync::Arc;

use datafusion::arrow::array::RecordBatch;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::datasource::memory::MemorySourceConfig;
use datafusion::error::DataFusionError;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::logical_expr::LogicalPlan;
use datafusion::physical_plan::aggregates::{AggregateExec, AggregateMode};
use datafusion::physical_plan::analyze::AnalyzeExec;
use datafusion::physical_plan::buffer::BufferExec;
use datafusion::physical_plan::coalesce_partitions::CoalescePartitionsExec;
use datafusion::physical_plan::repartition::RepartitionExec;
use datafusion::physical_plan::{
    ExecutionPlan, ExecutionPlanProperties, displayable, execute_stream,
    replace_children_if_necessary,
};
use futures::TryStreamExt;
use meridian_model::BoundValue;

use crate::split_rows::ShareRows;
use crate::{Engine, EngineError};

/// A query planned to be answered by `engines` engines together.
pub struct SplitQuery {
    /// The whole plan, with one partition per engine.
    plan: Arc<dyn ExecutionPlan>,
    /// The partial aggregates each engine runs a partition of.
    shares: Vec<Arc<dyn ExecutionPlan>>,
    engines: usize,
    tables: BTreeSet<String>,
    rows_scanned: Option<u64>,
    share_rows: Option<ShareRows>,
    fingerprint: String,
    task: Arc<TaskContext>,
}

/// One engine's part of a split query: for each share, the batches of its partition.
pub type SharePart = Vec<Vec<RecordBatch>>;

impl Engine {
    /// Plans `sql` over the tables as loaded, with one partition per engine
    /// and `bindings` for its placeholders (as a step binds them). `None` when
    /// the plan has nothing worth splitting, or is not a query.
    pub async fn plan_split(
        &self,
        sql: &str,
        bindings: &[(String, BoundValue)],
        engines: usize,
    ) -> Result<Option<SplitQuery>, EngineError> {
        if engines < 2 {
            return Ok(None);
        }
        let mut state = self.context.state();
        let options = state.config_mut().options_mut();
        options.execution.target_partitions = engines;
        // A round-robin exchange would spawn tasks; tables too small to be
        // split by ranges or batches stay in one partition instead.
        options.optimizer.enable_round_robin_repartition = false;
        // Each engine runs only its own partition: one that found its siblings
        // idle would otherwise read their row groups too, counting them twice.
        options.execution.enable_file_stream_work_stealing = false;
        // A join's filter for its probe side's scan is complete only once every
        // probe partition has reported, and each engine runs only its own: the
        // engine would wait for ever for a partition that runs elsewhere (a
        // held table joined to a file did). Without it, DataFusion also lets
        // `split_joins` swap a join's sides.
        options.optimizer.enable_join_dynamic_filter_pushdown = false;
        let logical = state
            .create_logical_plan(sql)
            .await
            .map_err(EngineError::sql)?;
        if !is_query(&logical) {
            return Ok(None);
        }
        let logical = crate::steps::bind_parameters(logical, bindings)?;
        let tables = tables_read(&logical);
        let plan = state
            .create_physical_plan(&logical)
            .await
            .map_err(EngineError::sql)?;
        let plan = crate::split_joins::build_whole_in_each_engine(plan, engines)
            .map_err(EngineError::internal)?;
        let mut shares = Vec::new();
        find_shares(&plan, engines, &mut shares);
        if shares.is_empty() {
            return Ok(None);
        }
        // Whether the partial aggregates can be merged without spawning a task.
        let empty = shares
            .iter()
            .map(|share| one_partition_source(share, Vec::new()))
            .collect::<Result<Vec<_>, _>>()?;
        let merged = merge_plan(&plan, &shares, &empty).map_err(EngineError::internal)?;
        if merged.output_partitioning().partition_count() != 1 || spawns_tasks(&merged) {
            return Ok(None);
        }
        let fingerprint = shares
            .iter()
            .map(|share| displayable(share.as_ref()).indent(true).to_string())
            .collect::<Vec<_>>()
            .join("\n");
        let rows_scanned = tables.iter().map(|table| self.table_rows(table)).sum();
        let share_rows = crate::split_rows::share_rows(&shares, engines);
        Ok(Some(SplitQuery {
            plan,
            shares,
            engines,
            rows_scanned,
            share_rows,
            tables,
            fingerprint,
            task: Arc::new(TaskContext::from(&state)),
        }))
    }
}

impl Engine {
    /// The rows of a registered table or of a step's result.
    fn table_rows(&self, name: &str) -> Option<u64> {
        if let Some(dataset) = self.datasets.get(name) {
            return Some(dataset.row_count);
        }
        let step = self.steps.get(name)?;
        Some(step.batches.iter().map(|b| b.num_rows() as u64).sum())
    }
}

impl SplitQuery {
    /// The tables the query reads; every engine must hold them alike.
    pub fn tables(&self) -> &BTreeSet<String> {
        &self.tables
    }

    /// The plan of every share, to check that another engine planned alike.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// How many shares the plan has (each answered by every engine).
    pub fn share_count(&self) -> usize {
        self.shares.len()
    }

    /// How many rows the query's tables hold together (each counted once,
    /// however often the query reads it); `None` when one of them is not a
    /// registered table or step. Splitting a small scan costs more than it
    /// saves, and this is what tells.
    pub fn rows_scanned(&self) -> Option<u64> {
        self.rows_scanned
    }

    /// The rows the shares read divided between the engines, and those every
    /// engine reads whole; `None` when a source cannot tell its rows.
    pub fn share_rows(&self) -> Option<ShareRows> {
        self.share_rows
    }

    /// Runs engine `engine`'s partition of every share.
    pub async fn run_part(&self, engine: usize) -> Result<SharePart, EngineError> {
        let mut part = Vec::with_capacity(self.shares.len());
        for share in &self.shares {
            let stream = share
                .execute(engine, Arc::clone(&self.task))
                .map_err(EngineError::execution)?;
            let batches = stream
                .try_collect::<Vec<_>>()
                .await
                .map_err(EngineError::execution)?;
            part.push(batches);
        }
        Ok(part)
    }

    /// A part as one Arrow IPC stream per share, to send to the first engine.
    pub fn encode_part(&self, part: &SharePart) -> Result<Vec<Vec<u8>>, EngineError> {
        self.shares
            .iter()
            .zip(part)
            .map(|(share, batches)| crate::ipc_stream_from_batches(&share.schema(), batches))
            .collect()
    }

    /// Another engine's part from its Arrow IPC streams, one per share.
    pub fn decode_part(&self, streams: &[Vec<u8>]) -> Result<SharePart, EngineError> {
        if streams.len() != self.shares.len() {
            return Err(broken("a part with another number of shares"));
        }
        streams
            .iter()
            .map(|stream| crate::ipc::batches_from_ipc_stream(stream))
            .collect()
    }

    /// Finishes the query from every engine's part, in engine order.
    pub fn finish(self, parts: Vec<SharePart>) -> Result<SendableRecordBatchStream, EngineError> {
        if parts.len() != self.engines || parts.iter().any(|p| p.len() != self.shares.len()) {
            return Err(broken("parts that do not match its shares"));
        }
        let sources = self
            .shares
            .iter()
            .enumerate()
            .map(|(index, share)| {
                let batches = parts.iter().flat_map(|part| part[index].clone()).collect();
                one_partition_source(share, batches)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let plan = merge_plan(&self.plan, &self.shares, &sources).map_err(EngineError::internal)?;
        execute_stream(plan, self.task).map_err(EngineError::execution)
    }
}

/// A share's rows, every engine's partial aggregates together, as one partition.
fn one_partition_source(
    share: &Arc<dyn ExecutionPlan>,
    batches: Vec<RecordBatch>,
) -> Result<Arc<dyn ExecutionPlan>, EngineError> {
    let source = MemorySourceConfig::try_new_exec(&[batches], share.schema(), None)
        .map_err(EngineError::internal)?;
    Ok(source)
}

/// The plan with each share replaced by its source, and each exchange of rows
/// that is left with one partition to read replaced by that partition.
fn merge_plan(
    node: &Arc<dyn ExecutionPlan>,
    shares: &[Arc<dyn ExecutionPlan>],
    sources: &[Arc<dyn ExecutionPlan>],
) -> Result<Arc<dyn ExecutionPlan>, DataFusionError> {
    if let Some(index) = shares.iter().position(|share| Arc::ptr_eq(share, node)) {
        return Ok(Arc::clone(&sources[index]));
    }
    let mut children = node
        .children()
        .into_iter()
        .map(|child| merge_plan(child, shares, sources))
        .collect::<Result<Vec<_>, _>>()?;
    if node.is::<RepartitionExec>()
        && children.len() == 1
        && children[0].output_partitioning().partition_count() == 1
    {
        return Ok(children.remove(0));
    }
    replace_children_if_necessary(Arc::clone(node), children)
}

fn broken(what: &str) -> EngineError {
    EngineError::internal(DataFusionError::Internal(format!(
        "a split query got {what}"
    )))
}

/// Whether a logical plan only reads: no DDL, DML, EXPLAIN or session statement.
fn is_query(plan: &LogicalPlan) -> bool {
    !matches!(
        plan,
        LogicalPlan::Ddl(_)
            | LogicalPlan::Dml(_)
            | LogicalPlan::Copy(_)
            | LogicalPlan::Statement(_)
            | LogicalPlan::Explain(_)
            | LogicalPlan::Analyze(_)
            | LogicalPlan::DescribeTable(_)
    )
}

/// The names of the tables a plan scans, subqueries included.
fn tables_read(plan: &LogicalPlan) -> BTreeSet<String> {
    let mut tables = BTreeSet::new();
    // The closure never fails, so neither does the walk.
    let _ = plan.apply_with_subqueries(|node| {
        if let LogicalPlan::TableScan(scan) = node {
            tables.insert(scan.table_name.table().to_string());
        }
        Ok(TreeNodeRecursion::Continue)
    });
    tables
}

/// The highest partial aggregates with one partition per engine and no
/// exchange of rows beneath them, in the order a walk from the root meets them.
fn find_shares(
    node: &Arc<dyn ExecutionPlan>,
    engines: usize,
    shares: &mut Vec<Arc<dyn ExecutionPlan>>,
) {
    if is_share(node, engines) {
        shares.push(Arc::clone(node));
        return;
    }
    for child in node.children() {
        find_shares(child, engines, shares);
    }
}

fn is_share(node: &Arc<dyn ExecutionPlan>, engines: usize) -> bool {
    let partial = node
        .downcast_ref::<AggregateExec>()
        .is_some_and(|aggregate| *aggregate.mode() == AggregateMode::Partial);
    partial
        && node.output_partitioning().partition_count() == engines
        && !spawns_tasks(node)
        && !crate::split_joins::emits_unmatched_build_rows(node)
}

/// Whether running `node` would spawn a task: an exchange of rows between
/// partitions, or a node that buffers or measures in a task of its own. (A
/// join's build side in one partition is computed whole by each engine: see
/// `split_joins`.)
pub(crate) fn spawns_tasks(node: &Arc<dyn ExecutionPlan>) -> bool {
    let gathers_several = node.is::<CoalescePartitionsExec>()
        && node
            .children()
            .iter()
            .any(|child| child.output_partitioning().partition_count() > 1);
    node.is::<RepartitionExec>()
        || gathers_several
        || node.is::<BufferExec>()
        || node.is::<AnalyzeExec>()
        || node.children().into_iter().any(spawns_tasks)
}
