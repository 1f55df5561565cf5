//! Analysis steps: a query with bound parameters whose result becomes a table
//! that later steps (and charts) read, kept until the step changes.

use std::collections::BTreeMap;
use std::sync::Arc;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::common::{ParamValues, ScalarValue};
use datafusion::datasource::MemTable;
use datafusion::logical_expr::LogicalPlan;
use datafusion::prelude::DataFrame;
use futures::TryStreamExt;
use meridian_model::{BoundValue, Scope, StepCall, StepKey, dataset::validate_table_name};

use crate::{Engine, EngineError};

/// A step's result as the engine holds it.
#[derive(Clone)]
pub struct StepResult {
    pub key: StepKey,
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

/// One step to run: its table name, SQL, placeholder values and cache key.
#[derive(Clone, Debug)]
pub struct StepRun<'a> {
    pub name: &'a str,
    pub sql: &'a str,
    pub bindings: &'a [(String, BoundValue)],
    pub key: &'a StepKey,
    /// The whole tables, or the cross-filtered ones.
    pub scope: Scope,
}

impl<'a> From<&'a StepCall> for StepRun<'a> {
    fn from(call: &'a StepCall) -> Self {
        Self {
            name: &call.name,
            sql: &call.sql,
            bindings: &call.bindings,
            key: &call.key,
            scope: call.scope,
        }
    }
}

impl Engine {
    /// Runs a step and registers its result as table `name`, replacing the
    /// step's previous result. When the engine already holds a result with the
    /// same key, that result is returned and nothing runs.
    ///
    /// Placeholder values are bound after parsing (`ParamValues`), never spliced
    /// into the text, so a value cannot change what the SQL does.
    pub async fn run_step(&mut self, run: StepRun<'_>) -> Result<(StepResult, bool), EngineError> {
        if let Some(held) = self.held_step(&run).await? {
            return Ok((held, true));
        }
        let (context, _) = self.session_for(run.scope).await?;
        let frame = context.sql(run.sql).await.map_err(EngineError::sql)?;
        let (state, plan) = frame.into_parts();
        let plan = bind_parameters(plan, run.bindings)?;
        let frame = DataFrame::new(state, plan);
        let stream = crate::analyze_in_task::execute_frame(frame)
            .await
            .map_err(EngineError::sql)?;
        let schema = stream.schema();
        let batches: Vec<RecordBatch> =
            stream.try_collect().await.map_err(EngineError::execution)?;
        let result = self.keep_step(&run, schema, batches).await?;
        Ok((result, false))
    }

    /// The result the engine already holds for this step (same name and key),
    /// after checking that the step's name can be a table.
    pub async fn held_step(
        &mut self,
        run: &StepRun<'_>,
    ) -> Result<Option<StepResult>, EngineError> {
        validate_table_name(run.name).map_err(EngineError::InvalidName)?;
        if self.datasets.contains_key(run.name) {
            return Err(EngineError::TableExists(run.name.to_string()));
        }
        let (_, steps) = self.session_for(run.scope).await?;
        Ok(steps
            .get(run.name)
            .filter(|held| &held.key == run.key)
            .cloned())
    }

    /// Keeps a step's result as table `run.name`, replacing its previous result.
    pub async fn keep_step(
        &mut self,
        run: &StepRun<'_>,
        schema: SchemaRef,
        batches: Vec<RecordBatch>,
    ) -> Result<StepResult, EngineError> {
        let (context, steps) = self.session_for(run.scope).await?;
        let table = MemTable::try_new(schema.clone(), vec![batches.clone()])
            .map_err(EngineError::internal)?;
        context
            .deregister_table(run.name)
            .map_err(EngineError::internal)?;
        context
            .register_table(run.name, Arc::new(table))
            .map_err(EngineError::internal)?;
        let result = StepResult {
            key: run.key.clone(),
            schema,
            batches,
        };
        steps.insert(run.name.to_string(), result.clone());
        Ok(result)
    }

    /// The step results the engine holds, by step name, with their keys.
    pub fn step_keys(&self) -> BTreeMap<String, StepKey> {
        self.steps
            .iter()
            .map(|(name, result)| (name.clone(), result.key.clone()))
            .collect()
    }

    /// Drops every step result whose name is not in `keep`, freeing its
    /// memory, in the whole session and the cross-filtered one.
    pub fn retain_steps(&mut self, keep: &[String]) -> Result<(), EngineError> {
        drop_steps_but(&self.context, &mut self.steps, keep)?;
        if let Some(filtered) = &mut self.filtered {
            drop_steps_but(&filtered.context, &mut filtered.steps, keep)?;
        }
        Ok(())
    }
}

fn drop_steps_but(
    context: &datafusion::prelude::SessionContext,
    steps: &mut BTreeMap<String, StepResult>,
    keep: &[String],
) -> Result<(), EngineError> {
    let gone: Vec<String> = steps
        .keys()
        .filter(|name| !keep.contains(name))
        .cloned()
        .collect();
    for name in gone {
        steps.remove(&name);
        context
            .deregister_table(name.as_str())
            .map_err(EngineError::internal)?;
    }
    Ok(())
}

/// Binds placeholder values to a planned query, each cast to the type the plan
/// inferred for its placeholder (Utf8View for a string column read from
/// Parquet, say).
pub(crate) fn bind_parameters(
    plan: LogicalPlan,
    bindings: &[(String, BoundValue)],
) -> Result<LogicalPlan, EngineError> {
    if bindings.is_empty() {
        return Ok(plan);
    }
    let types = plan.get_parameter_types().map_err(EngineError::sql)?;
    let mut values = Vec::with_capacity(bindings.len());
    for (name, value) in bindings {
        let scalar = scalar_of(value);
        let wanted = types.get(&format!("${name}")).cloned().flatten();
        let scalar = match wanted {
            Some(data_type) if data_type != scalar.data_type() => {
                scalar.cast_to(&data_type).map_err(EngineError::sql)?
            }
            _ => scalar,
        };
        values.push((name.clone(), scalar));
    }
    plan.with_param_values(ParamValues::from(values))
        .map_err(EngineError::sql)
}

fn scalar_of(value: &BoundValue) -> ScalarValue {
    match value {
        BoundValue::TimestampMs(ms) => {
            ScalarValue::TimestampMillisecond(Some(*ms), Some("UTC".into()))
        }
        BoundValue::Text(text) => ScalarValue::Utf8(Some(text.clone())),
        BoundValue::Number(n) => ScalarValue::Float64(Some(*n)),
    }
}
