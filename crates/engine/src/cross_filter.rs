//! The cross-filter: a second session in which every table with the brushed
//! time column reads only the brushed range. Steps run again there, over the
//! filtered tables, and are kept apart from the whole ones, so clearing the
//! filter brings the whole results back without running anything.

use std::collections::BTreeMap;

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::prelude::{SessionContext, ident, lit};
use meridian_model::{CrossFilter, Scope};

use crate::{Engine, EngineError, StepResult};

/// The filtered session, built from the loaded tables when first needed.
pub(crate) struct FilteredSession {
    pub(crate) context: SessionContext,
    pub(crate) steps: BTreeMap<String, StepResult>,
    /// The tables the filter restricts.
    pub(crate) tables: Vec<String>,
}

impl Engine {
    /// Sets the cross-filter (or clears it, with `None`) and returns the tables
    /// it restricts: those with a timestamp or date column of its name.
    pub async fn set_cross_filter(
        &mut self,
        filter: Option<CrossFilter>,
    ) -> Result<Vec<String>, EngineError> {
        self.cross_filter = filter;
        self.filtered = None;
        if self.cross_filter.is_none() {
            return Ok(Vec::new());
        }
        Ok(self.filtered_session().await?.tables.clone())
    }

    /// The session requests in `scope` run in, with its step results.
    pub(crate) async fn session_for(
        &mut self,
        scope: Scope,
    ) -> Result<(&SessionContext, &mut BTreeMap<String, StepResult>), EngineError> {
        match scope {
            Scope::Whole => Ok((&self.context, &mut self.steps)),
            Scope::CrossFiltered => {
                let session = self.filtered_session().await?;
                Ok((&session.context, &mut session.steps))
            }
        }
    }

    /// Forgets the filtered session after the loaded tables change; the next
    /// filtered request builds it again from the tables as they are then.
    pub(crate) fn tables_changed(&mut self) {
        self.filtered = None;
    }

    async fn filtered_session(&mut self) -> Result<&mut FilteredSession, EngineError> {
        if self.filtered.is_none() {
            let Some(filter) = self.cross_filter.clone() else {
                return Err(EngineError::NoCrossFilter);
            };
            let session = self.build_filtered(&filter).await?;
            self.filtered = Some(session);
        }
        self.filtered.as_mut().ok_or(EngineError::NoCrossFilter)
    }

    async fn build_filtered(&self, filter: &CrossFilter) -> Result<FilteredSession, EngineError> {
        // Same configuration and object stores (the runtime), tables of its own.
        let context = crate::session::session_with_extensions(
            self.context.copied_config(),
            self.context.runtime_env(),
        );
        let mut tables = Vec::new();
        for name in self.datasets.keys() {
            let provider = self
                .context
                .table_provider(name.as_str())
                .await
                .map_err(EngineError::internal)?;
            let column_type = provider
                .schema()
                .field_with_name(&filter.column)
                .ok()
                .map(|field| field.data_type().clone())
                .filter(is_time);
            let provider = match column_type {
                Some(data_type) => {
                    tables.push(name.clone());
                    let bound = |ms: i64| {
                        ScalarValue::TimestampMillisecond(Some(ms), Some("UTC".into()))
                            .cast_to(&data_type)
                            .map_err(EngineError::internal)
                    };
                    let column = ident(filter.column.as_str());
                    let predicate = column
                        .clone()
                        .gt_eq(lit(bound(filter.from_ms)?))
                        .and(column.lt(lit(bound(filter.to_ms)?)));
                    context
                        .read_table(provider)
                        .and_then(|frame| frame.filter(predicate))
                        .map_err(EngineError::internal)?
                        .into_view()
                }
                None => provider,
            };
            context
                .register_table(name.as_str(), provider)
                .map_err(EngineError::internal)?;
        }
        Ok(FilteredSession {
            context,
            steps: BTreeMap::new(),
            tables,
        })
    }
}

fn is_time(data_type: &DataType) -> bool {
    matches!(
        data_type,
        DataType::Timestamp(_, _) | DataType::Date32 | DataType::Date64
    )
}
