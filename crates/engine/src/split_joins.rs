//! Hash joins in a split query: each engine builds the whole table, and the
//! probe side is divided between them.
//!
//! With one partition per engine, DataFusion joins two sides it cannot size
//! (an aggregate, a filtered table) by hash partitions: both sides' rows are
//! exchanged by the hash of their keys. That exchange would spawn tasks, and
//! across engines it would send the rows themselves, so such a join was not
//! split at all, however large its probe side. Here each engine builds the
//! join's hash table from the whole build side, in one partition of its own,
//! and probes it with its own partition of the probe side, which is usually
//! the large one (the fact table of a star). The build side's work is
//! repeated in every engine; the probe side's is divided, and nothing beyond
//! partial aggregates crosses between engines.
//!
//! Only joins that emit nothing for unmatched build rows are changed: each
//! engine sees only its part of the probe side, so none can know which build
//! rows no probe row matched.

use std::sync::Arc;

use datafusion::common::JoinType;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::datasource::memory::MemorySourceConfig;
use datafusion::datasource::physical_plan::{FileGroup, FileScanConfig, FileScanConfigBuilder};
use datafusion::datasource::source::{DataSource, DataSourceExec};
use datafusion::error::DataFusionError;
use datafusion::physical_plan::aggregates::AggregateExec;
use datafusion::physical_plan::coalesce_partitions::CoalescePartitionsExec;
use datafusion::physical_plan::filter::FilterExec;
use datafusion::physical_plan::joins::{HashJoinExec, NestedLoopJoinExec, PartitionMode};
use datafusion::physical_plan::limit::{GlobalLimitExec, LocalLimitExec};
use datafusion::physical_plan::projection::ProjectionExec;
use datafusion::physical_plan::repartition::RepartitionExec;
use datafusion::physical_plan::sorts::sort::SortExec;
use datafusion::physical_plan::sorts::sort_preserving_merge::SortPreservingMergeExec;
use datafusion::physical_plan::{
    ExecutionPlan, ExecutionPlanProperties, replace_children_if_necessary,
};

/// `plan` with each hash join whose probe side has one partition per engine
/// changed to build its whole table in every engine. A join whose build side
/// is the divided one has its sides swapped first, when its type allows.
/// Joins that cannot be changed are left as they are (and the split then finds
/// no share there).
pub(crate) fn build_whole_in_each_engine(
    plan: Arc<dyn ExecutionPlan>,
    engines: usize,
) -> Result<Arc<dyn ExecutionPlan>, DataFusionError> {
    plan.transform_up(|node| change_join(node, engines, true))
        .map(|transformed| transformed.data)
}

/// `node`, when it is a hash join, building its whole table in each engine;
/// swapped first if `may_swap` and the divided side is its build side.
fn change_join(
    node: Arc<dyn ExecutionPlan>,
    engines: usize,
    may_swap: bool,
) -> Result<Transformed<Arc<dyn ExecutionPlan>>, DataFusionError> {
    let Some(join) = node.downcast_ref::<HashJoinExec>() else {
        return Ok(Transformed::no(node));
    };
    if let Some(changed) = whole_build(join, engines)? {
        return Ok(Transformed::yes(changed));
    }
    let divided = |side: &Arc<dyn ExecutionPlan>| {
        without_exchange(side)
            .output_partitioning()
            .partition_count()
            == engines
    };
    let swappable = may_swap
        && divided(join.left())
        && !divided(join.right())
        && emits_nothing_for_unmatched_build_rows(join.join_type().swap());
    if !swappable {
        return Ok(Transformed::no(node));
    }
    // Types a swap cannot express (a null-aware anti join) stay as they are.
    let Ok(swapped) = join.swap_inputs(PartitionMode::CollectLeft) else {
        return Ok(Transformed::no(node));
    };
    // The swapped join, under a projection that restores the column order.
    let changed = swapped.transform_up(|node| change_join(node, engines, false))?;
    Ok(if changed.transformed {
        changed
    } else {
        Transformed::no(node)
    })
}

/// `join` building its whole table in each engine, when its type allows and
/// its probe side has one partition per engine; `None` when it cannot, or
/// already does.
fn whole_build(
    join: &HashJoinExec,
    engines: usize,
) -> Result<Option<Arc<dyn ExecutionPlan>>, DataFusionError> {
    if !emits_nothing_for_unmatched_build_rows(*join.join_type()) {
        return Ok(None);
    }
    let probe = without_exchange(join.right());
    if probe.output_partitioning().partition_count() != engines {
        return Ok(None);
    }
    let Some(build) = one_partition(join.left())? else {
        return Ok(None);
    };
    let unchanged = *join.partition_mode() == PartitionMode::CollectLeft
        && Arc::ptr_eq(&build, join.left())
        && Arc::ptr_eq(&probe, join.right());
    if unchanged {
        return Ok(None);
    }
    let changed = join
        .builder()
        .with_partition_mode(PartitionMode::CollectLeft)
        .with_new_children(vec![build, probe])?
        .reset_state()
        .build_exec()?;
    Ok(Some(changed))
}

/// Whether beneath `node` a join emits build rows no probe row matched (a
/// left, full or left semi join, say). DataFusion emits them from the last of
/// the probe side's partitions to finish, and an engine that runs only its own
/// partition never sees the others finish, so such a plan cannot be divided.
pub(crate) fn emits_unmatched_build_rows(node: &Arc<dyn ExecutionPlan>) -> bool {
    let join_type = if let Some(join) = node.downcast_ref::<HashJoinExec>() {
        Some(*join.join_type())
    } else {
        node.downcast_ref::<NestedLoopJoinExec>()
            .map(|join| *join.join_type())
    };
    join_type.is_some_and(|join_type| !emits_nothing_for_unmatched_build_rows(join_type))
        || node.children().into_iter().any(emits_unmatched_build_rows)
}

/// Whether a join's output depends on the build side only through matches.
fn emits_nothing_for_unmatched_build_rows(join_type: JoinType) -> bool {
    matches!(
        join_type,
        JoinType::Inner | JoinType::Right | JoinType::RightSemi | JoinType::RightAnti
    )
}

/// The rows beneath a hash exchange, in the partitions they had before it.
fn without_exchange(node: &Arc<dyn ExecutionPlan>) -> Arc<dyn ExecutionPlan> {
    match node.downcast_ref::<RepartitionExec>() {
        Some(exchange) => Arc::clone(exchange.input()),
        None => Arc::clone(node),
    }
}

/// `node` computed whole in one partition, with no exchange of rows: sources
/// read whole, exchanges and gathers dropped. `None` for a node this cannot
/// be sure to compute alike in one partition.
fn one_partition(
    node: &Arc<dyn ExecutionPlan>,
) -> Result<Option<Arc<dyn ExecutionPlan>>, DataFusionError> {
    if node.output_partitioning().partition_count() == 1 && !crate::split::spawns_tasks(node) {
        return Ok(Some(Arc::clone(node)));
    }
    // An exchange or gather of rows: in one partition, the rows themselves.
    let passes_rows_on = node.is::<RepartitionExec>()
        || (node.is::<CoalescePartitionsExec>() && node.fetch().is_none());
    if passes_rows_on {
        return match node.children().as_slice() {
            [child] => one_partition(child),
            _ => Ok(None),
        };
    }
    if let Some(source) = node.downcast_ref::<DataSourceExec>() {
        return Ok(source_in_one_partition(source.data_source().as_ref()));
    }
    // Operators that give the same rows over one partition as over several.
    let partition_wise = node.is::<AggregateExec>()
        || node.is::<ProjectionExec>()
        || node.is::<FilterExec>()
        || node.is::<HashJoinExec>()
        || node.is::<SortExec>()
        || node.is::<SortPreservingMergeExec>()
        || node.is::<GlobalLimitExec>()
        || node.is::<LocalLimitExec>();
    if !partition_wise {
        return Ok(None);
    }
    let mut children = Vec::new();
    for child in node.children() {
        match one_partition(child)? {
            Some(child) => children.push(child),
            None => return Ok(None),
        }
    }
    let rebuilt = replace_children_if_necessary(Arc::clone(node), children)?;
    Ok((rebuilt.output_partitioning().partition_count() == 1).then_some(rebuilt))
}

/// A table in memory or a set of files, read whole in one partition. Sources
/// that declare an order are left alone: their partitions put end to end
/// would not keep it.
fn source_in_one_partition(source: &dyn DataSource) -> Option<Arc<dyn ExecutionPlan>> {
    if let Some(memory) = source.downcast_ref::<MemorySourceConfig>() {
        if !memory.sort_information().is_empty() {
            return None;
        }
        let batches: Vec<_> = memory.partitions().iter().flatten().cloned().collect();
        let whole = MemorySourceConfig::try_new(
            &[batches],
            memory.original_schema(),
            memory.projection().clone(),
        )
        .ok()?
        .with_show_sizes(memory.show_sizes())
        .with_limit(memory.fetch());
        return Some(DataSourceExec::from_data_source(whole));
    }
    if let Some(files) = source.downcast_ref::<FileScanConfig>() {
        if !files.output_ordering.is_empty() {
            return None;
        }
        let every_file: Vec<_> = files
            .file_groups
            .iter()
            .flat_map(|group| group.iter().cloned())
            .collect();
        let whole = FileScanConfigBuilder::from(files.clone())
            .with_file_groups(vec![FileGroup::new(every_file)])
            .build();
        return Some(DataSourceExec::from_data_source(whole));
    }
    None
}
