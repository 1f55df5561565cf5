//! A table held in memory with some columns as dictionaries (see `compact`),
//! seen by queries with the types of its file.
//!
//! Each scan casts the columns it reads back to their file's types, batch by
//! batch, right above the batches held. Turning a dictionary back costs a
//! gather per row, less than decoding the column from its file, which is what
//! a table that did not fit in memory costs every query.

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::{Session, TableProvider};
use datafusion::datasource::{MemTable, TableType};
use datafusion::error::Result;
use datafusion::logical_expr::Expr;
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_expr::expressions::{Column, cast};
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::projection::ProjectionExec;

#[derive(Debug)]
pub(crate) struct CompactTable {
    /// The table as its file gives it.
    schema: SchemaRef,
    /// The batches as held, some columns as dictionaries.
    held: MemTable,
}

impl CompactTable {
    /// `held` shows `schema`'s types: each of its columns is of the same type
    /// as `schema`'s or casts to it.
    pub(crate) fn new(schema: SchemaRef, held: MemTable) -> Self {
        Self { schema, held }
    }
}

#[async_trait]
impl TableProvider for CompactTable {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let held = self.held.scan(state, projection, filters, limit).await?;
        let held_schema = held.schema();
        let indices: Vec<usize> = match projection {
            Some(indices) => indices.clone(),
            None => (0..self.schema.fields().len()).collect(),
        };
        let mut restored: Vec<(Arc<dyn PhysicalExpr>, String)> = Vec::new();
        let mut any_cast = false;
        for (position, index) in indices.into_iter().enumerate() {
            let field = self.schema.field(index);
            let column: Arc<dyn PhysicalExpr> = Arc::new(Column::new(field.name(), position));
            let expr = if held_schema.field(position).data_type() == field.data_type() {
                column
            } else {
                any_cast = true;
                cast(column, &held_schema, field.data_type().clone())?
            };
            restored.push((expr, field.name().clone()));
        }
        if !any_cast {
            return Ok(held);
        }
        Ok(Arc::new(ProjectionExec::try_new(restored, held)?))
    }
}
