//! A filter's `a AND b AND c`, each conjunct evaluated on the rows still in.
//!
//! DataFusion evaluates `AND` as a binary expression. Once the left side keeps
//! at most a fifth of a batch, it filters every column of the batch to those
//! rows, evaluates the right side on them, and scatters the answers back into
//! a mask of the whole batch, appending them one by one, run by run; nested
//! `AND`s do this once per conjunct. TPC-H Q6 filters six million rows by five
//! conjuncts: its filter took 92 of its 95 ms in the browser, and a native
//! profile put most of the filter's time in those scatters and filters.
//!
//! [`FilterConjunction`] takes the place of such a predicate beneath a
//! `FilterExec`. It keeps one mask of the rows every conjunct so far holds
//! for, and evaluates each next conjunct on the whole batch while most rows
//! are still in (a comparison over a column is cheaper than choosing rows),
//! else on those rows only, cut from just the columns the conjunct reads, and
//! clears the bits of the rows it rejects. Its answer is true where every
//! conjunct is true and false elsewhere, never null: a filter keeps only
//! the rows where its predicate is true, so null and false drop a row alike,
//! and the rule puts it nowhere but in a filter.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::array::{Array, BooleanArray, RecordBatch};
use datafusion::arrow::buffer::{BooleanBuffer, Buffer};
use datafusion::arrow::compute::filter_record_batch;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Schema};
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::{Result, internal_err};
use datafusion::logical_expr::ColumnarValue;
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_expr::expressions::Column;
use datafusion::physical_expr::utils::{collect_columns, split_conjunction};
use datafusion::physical_optimizer::PhysicalOptimizerRule;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::filter::{FilterExec, FilterExecBuilder};

/// Above this share of a batch still in, the next conjunct is evaluated on
/// the whole batch; at or below it, on the rows still in.
const WHOLE_BATCH_ABOVE: f64 = 0.4;

/// A conjunct with the columns it reads, and itself rewritten to read them
/// from a batch of only those columns.
#[derive(Debug)]
struct Conjunct {
    original: Arc<dyn PhysicalExpr>,
    columns: Vec<usize>,
    on_columns: Arc<dyn PhysicalExpr>,
}

/// A filter predicate `c1 AND c2 AND …`: true where every conjunct is true,
/// false elsewhere (see the module's doc).
#[derive(Debug)]
pub(crate) struct FilterConjunction {
    conjuncts: Vec<Conjunct>,
}

impl FilterConjunction {
    /// The conjunction of `conjuncts`, in their order.
    pub(crate) fn try_new(conjuncts: Vec<Arc<dyn PhysicalExpr>>) -> Result<Self> {
        let conjuncts = conjuncts
            .into_iter()
            .map(|original| {
                let mut columns: Vec<usize> = collect_columns(&original)
                    .iter()
                    .map(Column::index)
                    .collect();
                columns.sort_unstable();
                columns.dedup();
                let on_columns = Arc::clone(&original)
                    .transform_up(|expr| {
                        let Some(column) = expr.downcast_ref::<Column>() else {
                            return Ok(Transformed::no(expr));
                        };
                        let Ok(at) = columns.binary_search(&column.index()) else {
                            return internal_err!("a column the conjunct reads went missing");
                        };
                        Ok(Transformed::yes(
                            Arc::new(Column::new(column.name(), at)) as Arc<dyn PhysicalExpr>
                        ))
                    })?
                    .data;
                Ok(Conjunct {
                    original,
                    columns,
                    on_columns,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { conjuncts })
    }

    /// Where `conjunct` is true over `batch`'s rows `in_rows` (all rows when
    /// `None`): a mask over `batch`'s rows, or over the rows in, in order.
    fn true_where(
        conjunct: &Conjunct,
        batch: &RecordBatch,
        in_rows: Option<&BooleanBuffer>,
    ) -> Result<BooleanBuffer> {
        let mut columns = batch.project(&conjunct.columns)?;
        if let Some(in_rows) = in_rows {
            columns = filter_record_batch(&columns, &BooleanArray::new(in_rows.clone(), None))?;
        }
        let answer = conjunct
            .on_columns
            .evaluate(&columns)?
            .into_array(columns.num_rows())?;
        let Some(answer) = answer.as_any().downcast_ref::<BooleanArray>() else {
            return internal_err!("a filter's conjunct answered {}", answer.data_type());
        };
        Ok(match answer.nulls() {
            Some(nulls) => answer.values() & nulls.inner(),
            None => answer.values().clone(),
        })
    }
}

/// `in_rows` without the rows whose answer in `answers` (one per row in, in
/// order) is false. Works a word of 64 rows at a time, visiting only the
/// rows in.
fn clear_rejected(in_rows: &BooleanBuffer, answers: &BooleanBuffer) -> BooleanBuffer {
    let chunks = in_rows.bit_chunks();
    let mut words = Vec::with_capacity(chunks.chunk_len() + 1);
    let mut answer = 0;
    for word in chunks
        .iter()
        .chain(std::iter::once(chunks.remainder_bits()))
    {
        let mut kept = word;
        let mut rest = word;
        while rest != 0 {
            let lowest = rest & rest.wrapping_neg();
            if !answers.value(answer) {
                kept &= !lowest;
            }
            answer += 1;
            rest ^= lowest;
        }
        words.push(kept);
    }
    BooleanBuffer::new(Buffer::from_vec(words), 0, in_rows.len())
}

impl PhysicalExpr for FilterConjunction {
    fn data_type(&self, _input_schema: &Schema) -> Result<DataType> {
        Ok(DataType::Boolean)
    }

    fn nullable(&self, _input_schema: &Schema) -> Result<bool> {
        Ok(false)
    }

    fn return_field(&self, _input_schema: &Schema) -> Result<FieldRef> {
        Ok(Arc::new(Field::new(
            "conjunction",
            DataType::Boolean,
            false,
        )))
    }

    fn evaluate(&self, batch: &RecordBatch) -> Result<ColumnarValue> {
        let rows = batch.num_rows();
        let mut in_rows: Option<BooleanBuffer> = None;
        for conjunct in &self.conjuncts {
            in_rows = Some(match in_rows {
                None => Self::true_where(conjunct, batch, None)?,
                Some(in_rows) => {
                    let count = in_rows.count_set_bits();
                    if count == 0 {
                        return Ok(ColumnarValue::Array(Arc::new(BooleanArray::new(
                            in_rows, None,
                        ))));
                    }
                    if count as f64 > rows as f64 * WHOLE_BATCH_ABOVE {
                        &in_rows & &Self::true_where(conjunct, batch, None)?
                    } else {
                        let answers = Self::true_where(conjunct, batch, Some(&in_rows))?;
                        clear_rejected(&in_rows, &answers)
                    }
                }
            });
        }
        let in_rows = in_rows.unwrap_or_else(|| BooleanBuffer::new_set(rows));
        Ok(ColumnarValue::Array(Arc::new(BooleanArray::new(
            in_rows, None,
        ))))
    }

    fn children(&self) -> Vec<&Arc<dyn PhysicalExpr>> {
        self.conjuncts.iter().map(|c| &c.original).collect()
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn PhysicalExpr>>,
    ) -> Result<Arc<dyn PhysicalExpr>> {
        Ok(Arc::new(Self::try_new(children)?))
    }

    fn fmt_sql(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_joined(f, |conjunct, f| conjunct.fmt_sql(f))
    }
}

impl FilterConjunction {
    /// The conjuncts joined by `AND`, each written by `write`.
    fn write_joined(
        &self,
        f: &mut fmt::Formatter<'_>,
        write: impl Fn(&Arc<dyn PhysicalExpr>, &mut fmt::Formatter<'_>) -> fmt::Result,
    ) -> fmt::Result {
        for (at, conjunct) in self.conjuncts.iter().enumerate() {
            if at > 0 {
                write!(f, " AND ")?;
            }
            write(&conjunct.original, f)?;
        }
        Ok(())
    }
}

impl fmt::Display for FilterConjunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_joined(f, |conjunct, f| write!(f, "{conjunct}"))
    }
}

impl PartialEq for FilterConjunction {
    fn eq(&self, other: &Self) -> bool {
        self.conjuncts.len() == other.conjuncts.len()
            && self
                .conjuncts
                .iter()
                .zip(&other.conjuncts)
                .all(|(a, b)| a.original.eq(&b.original))
    }
}

impl Eq for FilterConjunction {}

impl Hash for FilterConjunction {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for conjunct in &self.conjuncts {
            conjunct.original.hash(state);
        }
    }
}

/// Puts a [`FilterConjunction`] in place of every filter predicate with two
/// conjuncts or more.
#[derive(Debug, Default)]
pub(crate) struct ConjunctionFilters;

impl PhysicalOptimizerRule for ConjunctionFilters {
    fn optimize(
        &self,
        plan: Arc<dyn ExecutionPlan>,
        _config: &ConfigOptions,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        plan.transform_up(|node| {
            let Some(filter) = node.downcast_ref::<FilterExec>() else {
                return Ok(Transformed::no(node));
            };
            let conjuncts: Vec<_> = split_conjunction(filter.predicate())
                .into_iter()
                .map(Arc::clone)
                .collect();
            if conjuncts.len() < 2 || filter.predicate().is::<FilterConjunction>() {
                return Ok(Transformed::no(node));
            }
            let predicate = Arc::new(FilterConjunction::try_new(conjuncts)?);
            let filter = FilterExecBuilder::from(filter)
                .with_predicate(predicate)
                .build()?;
            Ok(Transformed::yes(Arc::new(filter) as Arc<dyn ExecutionPlan>))
        })
        .map(|transformed| transformed.data)
    }

    fn name(&self) -> &str {
        "conjunction_filters"
    }

    fn schema_check(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::Arc;

    use datafusion::arrow::array::{Array, BooleanArray, Int32Array, RecordBatch};
    use datafusion::arrow::compute::and_kleene;
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::datasource::MemTable;
    use datafusion::logical_expr::Operator;
    use datafusion::physical_expr::PhysicalExpr;
    use datafusion::physical_expr::expressions::{BinaryExpr, col, lit};
    use datafusion::physical_plan::ExecutionPlan;
    use datafusion::physical_plan::filter::FilterExec;

    use super::FilterConjunction;

    /// Three columns of 1,000 rows (not a multiple of 64) with nulls, so the
    /// conjuncts below keep from most rows to none.
    fn batch() -> RecordBatch {
        let column = |f: fn(i32) -> Option<i32>| Arc::new(Int32Array::from_iter((0..1000).map(f)));
        RecordBatch::try_new(
            Arc::new(Schema::new(vec![
                Field::new("a", DataType::Int32, true),
                Field::new("b", DataType::Int32, true),
                Field::new("c", DataType::Int32, true),
            ])),
            vec![
                column(|i| (i % 11 != 0).then_some(i)),
                column(|i| Some(i * 7 % 100)),
                column(|i| (i % 3 != 0).then_some(i % 5)),
            ],
        )
        .unwrap()
    }

    fn compare(column: &str, op: Operator, value: i32, schema: &Schema) -> Arc<dyn PhysicalExpr> {
        Arc::new(BinaryExpr::new(
            col(column, schema).unwrap(),
            op,
            lit(value),
        ))
    }

    /// Rows where `a AND b AND …` (SQL's three-valued `AND`) is true.
    fn true_rows(conjuncts: &[Arc<dyn PhysicalExpr>], batch: &RecordBatch) -> Vec<bool> {
        let answers: Vec<BooleanArray> = conjuncts
            .iter()
            .map(|c| {
                let array = c
                    .evaluate(batch)
                    .unwrap()
                    .into_array(batch.num_rows())
                    .unwrap();
                array
                    .as_any()
                    .downcast_ref::<BooleanArray>()
                    .unwrap()
                    .clone()
            })
            .collect();
        let all = answers[1..].iter().fold(answers[0].clone(), |all, next| {
            and_kleene(&all, next).unwrap()
        });
        (0..all.len())
            .map(|i| all.is_valid(i) && all.value(i))
            .collect()
    }

    #[test]
    fn keeps_the_rows_every_conjunct_holds_for() {
        let batch = batch();
        let schema = batch.schema();
        let cases: Vec<Vec<Arc<dyn PhysicalExpr>>> = vec![
            // Most rows stay in after each conjunct: each runs on the whole batch.
            vec![
                compare("a", Operator::Gt, 10, &schema),
                compare("b", Operator::Lt, 90, &schema),
            ],
            // Few stay in after the first: the rest run on the rows still in.
            vec![
                compare("b", Operator::Lt, 15, &schema),
                compare("a", Operator::GtEq, 300, &schema),
                compare("c", Operator::NotEq, 2, &schema),
                compare("a", Operator::Lt, 900, &schema),
            ],
            // Mixed, a column read by two conjuncts, and nulls in two columns.
            vec![
                compare("a", Operator::Gt, 100, &schema),
                compare("c", Operator::Lt, 3, &schema),
                compare("b", Operator::Gt, 50, &schema),
                compare("c", Operator::GtEq, 1, &schema),
            ],
            // No row is left after the second conjunct.
            vec![
                compare("a", Operator::Lt, 20, &schema),
                compare("b", Operator::Gt, 1000, &schema),
                compare("c", Operator::Eq, 1, &schema),
            ],
        ];
        for conjuncts in cases {
            let expected = true_rows(&conjuncts, &batch);
            let conjunction = FilterConjunction::try_new(conjuncts).unwrap();
            let answer = conjunction
                .evaluate(&batch)
                .unwrap()
                .into_array(1000)
                .unwrap();
            let answer = answer.as_any().downcast_ref::<BooleanArray>().unwrap();
            assert_eq!(answer.null_count(), 0);
            let kept: Vec<bool> = answer.iter().map(|v| v == Some(true)).collect();
            assert_eq!(kept, expected, "{conjunction}");
            assert!(expected.iter().any(|&v| v) || !kept.iter().any(|&v| v));
        }
    }

    /// The engine's plans filter through it when a filter has two conjuncts or more.
    #[test]
    fn the_engine_plans_filters_with_it() {
        let engine = crate::Engine::new();
        let batch = batch();
        let table = MemTable::try_new(batch.schema(), vec![vec![batch]]).unwrap();
        engine
            .context()
            .register_table("t", Arc::new(table))
            .unwrap();
        let plan = futures::executor::block_on(async {
            engine
                .context()
                .sql("SELECT count(*) FROM t WHERE a > 10 AND b < 50 AND c = 1")
                .await
                .unwrap()
                .create_physical_plan()
                .await
                .unwrap()
        });
        let mut filters = Vec::new();
        find_filters(&plan, &mut filters);
        assert_eq!(filters.len(), 1);
        assert!(filters[0].predicate().is::<FilterConjunction>());
    }

    fn find_filters(plan: &Arc<dyn ExecutionPlan>, found: &mut Vec<FilterExec>) {
        if let Some(filter) = plan.downcast_ref::<FilterExec>() {
            found.push(filter.clone());
        }
        for child in plan.children() {
            find_filters(child, found);
        }
    }
}
