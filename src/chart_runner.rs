//! Makes a chart's data through the engine worker: measure, then aggregate.
//! The UI thread only reads the small aggregated answer and draws it.

use meridian_chart::{ChartData, DataPlan, Extent, data_plan, extent_sql};
use meridian_model::{ChartSpec, ErrorKind, Scope, UserError};

use crate::engine_client::EngineClient;

/// A chart's data and the plan that produced it.
#[derive(Clone, Debug)]
pub struct ChartResult {
    pub plan: DataPlan,
    pub data: ChartData,
    /// Time in the engine for both queries, milliseconds.
    pub engine_ms: f64,
}

fn chart_error(error: impl std::fmt::Display) -> UserError {
    UserError::new(ErrorKind::Sql, error.to_string())
}

async fn run(
    client: &EngineClient,
    scope: Scope,
    sql: String,
) -> Result<crate::engine_client::QueryAnswer, UserError> {
    client.query_in(scope, sql).await.unwrap_or_else(|_| {
        Err(UserError::new(
            ErrorKind::Internal,
            "The engine dropped the chart's query (this is a bug in Meridian).",
        ))
    })
}

/// Runs the chart's queries for `spec` over the result of `base_sql`.
pub async fn make_chart(
    client: EngineClient,
    spec: ChartSpec,
    base_sql: String,
) -> Result<ChartResult, UserError> {
    make_chart_in(client, Scope::Whole, spec, base_sql).await
}

/// [`make_chart`] over the tables of `scope`.
pub async fn make_chart_in(
    client: EngineClient,
    scope: Scope,
    spec: ChartSpec,
    base_sql: String,
) -> Result<ChartResult, UserError> {
    let mut engine_ms = 0.0;
    let extent = match extent_sql(&spec, &base_sql).map_err(chart_error)? {
        Some(query) => {
            let answer = run(&client, scope, query).await?;
            engine_ms += answer.elapsed_ms;
            Extent::from_batches(answer.table.batches()).map_err(chart_error)?
        }
        None => Extent::default(),
    };
    let plan = data_plan(&spec, &base_sql, &extent).map_err(chart_error)?;
    let answer = run(&client, scope, plan.sql.clone()).await?;
    engine_ms += answer.elapsed_ms;
    let data =
        ChartData::from_batches(&spec, &plan, answer.table.batches()).map_err(chart_error)?;
    Ok(ChartResult {
        plan,
        data,
        engine_ms,
    })
}
