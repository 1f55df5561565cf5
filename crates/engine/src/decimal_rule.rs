//! Puts the fast decimal functions (`decimal_arithmetic`) in place of
//! DataFusion's `+`, `-` and `*` between two `Decimal128` values.
//!
//! It runs after DataFusion's own optimizer rules, once types are coerced and
//! constants folded, so it sees the plan's final operands. An operator is
//! replaced only where DataFusion gives it the same result type the function
//! gives, and expressions keep their names, so the plan's schema stays as it
//! was. Scans and joins are left alone: a scan's filters decide which row
//! groups are read, and a join's keys decide how it is planned.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::{DFSchema, Result};
use datafusion::logical_expr::expr::ScalarFunction;
use datafusion::logical_expr::expr_rewriter::NamePreserver;
use datafusion::logical_expr::type_coercion::binary::BinaryTypeCoercer;
use datafusion::logical_expr::utils::merge_schema;
use datafusion::logical_expr::{BinaryExpr, Expr, ExprSchemable, LogicalPlan};
use datafusion::optimizer::optimizer::ApplyOrder;
use datafusion::optimizer::{OptimizerConfig, OptimizerRule};

use crate::decimal_arithmetic::DecimalOp;

#[derive(Debug, Default)]
pub(crate) struct FastDecimalArithmetic;

impl OptimizerRule for FastDecimalArithmetic {
    fn name(&self) -> &str {
        "fast_decimal_arithmetic"
    }

    fn apply_order(&self) -> Option<ApplyOrder> {
        Some(ApplyOrder::BottomUp)
    }

    fn rewrite(
        &self,
        plan: LogicalPlan,
        _config: &dyn OptimizerConfig,
    ) -> Result<Transformed<LogicalPlan>> {
        if plan.inputs().is_empty() || matches!(plan, LogicalPlan::Join(_)) {
            return Ok(Transformed::no(plan));
        }
        let schema = merge_schema(&plan.inputs());
        let names = NamePreserver::new(&plan);
        let mut rewrite = |expr: Expr| {
            let name = names.save(&expr);
            let rewritten = expr.transform_up(|e| with_fast_decimals(e, &schema))?;
            Ok(Transformed::new_transformed(
                name.restore(rewritten.data),
                rewritten.transformed,
            ))
        };
        plan.map_expressions(|expr| {
            // A grouping set's members keep their own names.
            if let Expr::GroupingSet(_) = &expr {
                expr.map_children(&mut rewrite)
            } else {
                rewrite(expr)
            }
        })
    }
}

/// `expr` with the fast function in place of its operator, if it has one.
fn with_fast_decimals(expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    let Some(op) = fast_op(&expr, schema) else {
        return Ok(Transformed::no(expr));
    };
    let Expr::BinaryExpr(BinaryExpr { left, right, .. }) = expr else {
        return Ok(Transformed::no(expr));
    };
    Ok(Transformed::yes(Expr::ScalarFunction(
        ScalarFunction::new_udf(op.udf(), vec![*left, *right]),
    )))
}

/// The fast operator for a binary expression between two `Decimal128`
/// values that DataFusion types as the function does.
fn fast_op(expr: &Expr, schema: &DFSchema) -> Option<DecimalOp> {
    let Expr::BinaryExpr(BinaryExpr { left, op, right }) = expr else {
        return None;
    };
    let fast = DecimalOp::of(*op)?;
    let left_type = left.get_type(schema).ok()?;
    let right_type = right.get_type(schema).ok()?;
    let (DataType::Decimal128(p1, s1), DataType::Decimal128(p2, s2)) = (&left_type, &right_type)
    else {
        return None;
    };
    let (precision, scale) = fast.result_type((*p1, *s1), (*p2, *s2))?;
    let planned = BinaryTypeCoercer::new(&left_type, op, &right_type)
        .get_result_type()
        .ok()?;
    (planned == DataType::Decimal128(precision, scale)).then_some(fast)
}
