//! `EXPLAIN ANALYZE` without a task of its own.
//!
//! DataFusion's `AnalyzeExec` runs the plan it measures in spawned tasks,
//! and a browser worker has no Tokio runtime to spawn them on: the engine
//! panicked and the worker died. The engine runs queries through
//! `execute_frame`, which puts an `AnalyzeInTaskExec` in its place: it runs
//! each partition of the plan in turn in the caller's task, then answers as
//! `AnalyzeExec` does, with the plan and its metrics.

use std::fmt;
use std::sync::Arc;

use datafusion::arrow::array::{RecordBatch, StringArray};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::common::instant::Instant;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::{Result, internal_err};
use datafusion::dataframe::DataFrame;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_plan::analyze::AnalyzeExec;
use datafusion::physical_plan::display::DisplayableExecutionPlan;
use datafusion::physical_plan::execution_plan::ChildrenPropertiesMode;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, ExecutionPlanProperties, PlanProperties,
    ReplaceChildrenOptions, execute_stream,
};
use futures::{StreamExt, stream};

/// Runs `frame` as `DataFrame::execute_stream` does, with its `AnalyzeExec`
/// (DataFusion adds one after optimizing, so no optimizer rule sees it)
/// replaced by an `AnalyzeInTaskExec`.
pub(crate) async fn execute_frame(frame: DataFrame) -> Result<SendableRecordBatchStream> {
    let task = Arc::new(frame.task_ctx());
    let plan = frame.create_physical_plan().await?;
    execute_stream(in_task(plan), task)
}

fn in_task(plan: Arc<dyn ExecutionPlan>) -> Arc<dyn ExecutionPlan> {
    let Some(analyze) = plan.downcast_ref::<AnalyzeExec>() else {
        return plan;
    };
    Arc::new(AnalyzeInTaskExec {
        input: Arc::clone(analyze.input()),
        verbose: analyze.verbose(),
        schema: analyze.schema(),
        properties: Arc::clone(analyze.properties()),
    })
}

#[derive(Debug)]
struct AnalyzeInTaskExec {
    input: Arc<dyn ExecutionPlan>,
    verbose: bool,
    /// `plan_type` and `plan`, as `AnalyzeExec` answers.
    schema: SchemaRef,
    properties: Arc<PlanProperties>,
}

impl DisplayAs for AnalyzeInTaskExec {
    fn fmt_as(&self, _format: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "AnalyzeInTaskExec")
    }
}

impl ExecutionPlan for AnalyzeInTaskExec {
    fn name(&self) -> &'static str {
        "AnalyzeInTaskExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn replace_children(
        self: Arc<Self>,
        mut children: Vec<Arc<dyn ExecutionPlan>>,
        _options: ReplaceChildrenOptions,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let (Some(input), true) = (children.pop(), children.is_empty()) else {
            return internal_err!("AnalyzeInTaskExec takes one child");
        };
        Ok(Arc::new(Self {
            input,
            verbose: self.verbose,
            schema: Arc::clone(&self.schema),
            properties: Arc::clone(&self.properties),
        }))
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        self.replace_children(
            children,
            ReplaceChildrenOptions::new(ChildrenPropertiesMode::Recompute),
        )
    }

    fn execute(
        &self,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> Result<SendableRecordBatchStream> {
        if partition != 0 {
            return internal_err!("AnalyzeInTaskExec has one partition, not {partition}");
        }
        let input = Arc::clone(&self.input);
        let schema = Arc::clone(&self.schema);
        let verbose = self.verbose;
        let answer = async move {
            let started = Instant::now();
            let mut rows = 0usize;
            for index in 0..input.output_partitioning().partition_count() {
                let mut batches = input.execute(index, Arc::clone(&context))?;
                while let Some(batch) = batches.next().await {
                    rows += batch?.num_rows();
                }
            }
            let mut kinds = vec!["Plan with Metrics".to_string()];
            let mut texts = vec![
                DisplayableExecutionPlan::with_metrics(input.as_ref())
                    .indent(verbose)
                    .to_string(),
            ];
            if verbose {
                kinds.extend(["Output Rows".to_string(), "Duration".to_string()]);
                texts.extend([rows.to_string(), format!("{:?}", started.elapsed())]);
            }
            let columns = vec![
                Arc::new(StringArray::from(kinds)) as _,
                Arc::new(StringArray::from(texts)) as _,
            ];
            Ok(RecordBatch::try_new(Arc::clone(&schema), columns)?)
        };
        Ok(Box::pin(RecordBatchStreamAdapter::new(
            Arc::clone(&self.schema),
            stream::once(answer),
        )))
    }
}
