//! Window functions over sorted input, evaluated a whole partition at a time.
//!
//! DataFusion plans a window whose functions can run in bounded memory as a
//! `BoundedWindowAggExec`, which streams: it evaluates each function row by
//! row through `ScalarValue`s and keeps a state per window partition, so that
//! a query over an endless stream can emit rows as it goes. Meridian's tables
//! end, and where the window's input is a sort, every row is buffered by the
//! sort already. There, the `WindowAggExec` evaluates each window partition's
//! values in one vectorised call (`lag` over ten million rows in two thousand
//! partitions: a single shift per partition instead of ten million steps), with
//! the same functions, frames and answers. The sort beneath it groups rows by
//! the window's partition keys first (`clustered_sort`).

use std::sync::Arc;

use datafusion::common::Result;
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_optimizer::PhysicalOptimizerRule;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::InputOrderMode;
use datafusion::physical_plan::sorts::sort::SortExec;
use datafusion::physical_plan::windows::{BoundedWindowAggExec, WindowAggExec};

use crate::clustered_sort::ClusteredSortExec;

#[derive(Debug, Default)]
pub(crate) struct WholePartitionWindows;

/// Whether `sort`'s first keys are the window's partition keys, in any order
/// (the sort's input is then grouped by them: see `clustered_sort`).
fn sorts_partition_keys_first(sort: &SortExec, partition_keys: &[Arc<dyn PhysicalExpr>]) -> bool {
    let keys = sort.expr();
    !partition_keys.is_empty()
        && keys.len() >= partition_keys.len()
        && keys
            .iter()
            .take(partition_keys.len())
            .all(|key| partition_keys.contains(&key.expr))
}

impl PhysicalOptimizerRule for WholePartitionWindows {
    fn optimize(
        &self,
        plan: Arc<dyn ExecutionPlan>,
        _config: &ConfigOptions,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        plan.transform_up(|node| {
            let Some(window) = node.downcast_ref::<BoundedWindowAggExec>() else {
                return Ok(Transformed::no(node));
            };
            let sorted_here = window.input_order_mode == InputOrderMode::Sorted
                && window.input().is::<SortExec>();
            if !sorted_here {
                return Ok(Transformed::no(node));
            }
            // A window with partition keys was allowed to be repartitioned by them.
            let partition_keys = window.partition_keys();
            let can_repartition = !partition_keys.is_empty();
            let input = match window.input().downcast_ref::<SortExec>() {
                Some(sort) if sorts_partition_keys_first(sort, &partition_keys) => {
                    ClusteredSortExec::try_new(sort, partition_keys.len())
                        .map(|clustered| Arc::new(clustered) as Arc<dyn ExecutionPlan>)
                }
                _ => None,
            };
            let whole = WindowAggExec::try_new(
                window.window_expr().to_vec(),
                input.unwrap_or_else(|| Arc::clone(window.input())),
                can_repartition,
            )?;
            Ok(Transformed::yes(Arc::new(whole) as Arc<dyn ExecutionPlan>))
        })
        .map(|transformed| transformed.data)
    }

    fn name(&self) -> &str {
        "whole_partition_windows"
    }

    fn schema_check(&self) -> bool {
        true
    }
}
