//! Operators: arithmetic, comparison, logic and equality, with Terraform's operand conversions.

use terrane_config::ast::{BinaryOp, UnaryOp};
use terrane_diagnostics::{Diagnostic, SourceRange};
use terrane_values::{Kind, Marks, Type, Value, convert};

fn operand(v: &Value, want: &Type, which: &str, range: &SourceRange) -> Result<Value, Diagnostic> {
    if v.is_null() {
        return Err(Diagnostic::error(
            "Invalid operand",
            format!("Unsuitable value for {which} operand: argument must not be null."),
        )
        .with_subject(range.clone()));
    }
    convert(v, want).map_err(|e| {
        Diagnostic::error(
            "Invalid operand",
            format!("Unsuitable value for {which} operand: {}.", e.message),
        )
        .with_subject(range.clone())
    })
}

/// Applies a binary operator to evaluated operands. `lr` and `rr` are the operands' ranges.
pub fn binary(
    op: BinaryOp,
    l: &Value,
    r: &Value,
    lr: &SourceRange,
    rr: &SourceRange,
    whole: &SourceRange,
) -> Result<Value, Diagnostic> {
    match op {
        BinaryOp::Eq | BinaryOp::NotEq => {
            let (a, ma) = l.clone().unmark_deep();
            let (b, mb) = r.clone().unmark_deep();
            let marks = ma | mb;
            Ok(match a.equals(&b) {
                Some(eq) => Value::bool(if op == BinaryOp::Eq { eq } else { !eq }),
                None => Value::unknown(Type::Bool),
            }
            .mark(marks))
        }
        BinaryOp::And | BinaryOp::Or => {
            let a = operand(l, &Type::Bool, "left", lr)?;
            let b = operand(r, &Type::Bool, "right", rr)?;
            let marks = a.marks() | b.marks();
            let (a, b) = (a.as_bool(), b.as_bool());
            let out = match (op, a, b) {
                (BinaryOp::And, Some(x), Some(y)) => Value::bool(x && y),
                (BinaryOp::Or, Some(x), Some(y)) => Value::bool(x || y),
                _ => Value::unknown(Type::Bool),
            };
            Ok(out.mark(marks))
        }
        _ => {
            let a = operand(l, &Type::Number, "left", lr)?;
            let b = operand(r, &Type::Number, "right", rr)?;
            let marks: Marks = a.marks() | b.marks();
            let (Some(x), Some(y)) = (a.as_number(), b.as_number()) else {
                let ty = if matches!(
                    op,
                    BinaryOp::Less | BinaryOp::LessEq | BinaryOp::Greater | BinaryOp::GreaterEq
                ) {
                    Type::Bool
                } else {
                    Type::Number
                };
                return Ok(Value::unknown(ty).mark(marks));
            };
            let nan = |_| {
                Diagnostic::error("Error in function call", "Call to function \"divide\" failed: can't divide zero by zero or infinity by infinity.")
                    .with_subject(whole.clone())
            };
            let out = match op {
                BinaryOp::Add => Value::number(x.add(y).map_err(|_| arith_nan(whole, "add"))?),
                BinaryOp::Sub => Value::number(x.sub(y).map_err(|_| arith_nan(whole, "subtract"))?),
                BinaryOp::Mul => Value::number(x.mul(y).map_err(|_| arith_nan(whole, "multiply"))?),
                BinaryOp::Div => Value::number(x.div(y).map_err(nan)?),
                BinaryOp::Mod => {
                    Value::number(x.modulo(y).map_err(|_| arith_nan(whole, "modulo"))?)
                }
                BinaryOp::Less => Value::bool(x.cmp_value(y).is_lt()),
                BinaryOp::LessEq => Value::bool(x.cmp_value(y).is_le()),
                BinaryOp::Greater => Value::bool(x.cmp_value(y).is_gt()),
                BinaryOp::GreaterEq => Value::bool(x.cmp_value(y).is_ge()),
                _ => unreachable!("handled above"),
            };
            Ok(out.mark(marks))
        }
    }
}

fn arith_nan(range: &SourceRange, what: &str) -> Diagnostic {
    Diagnostic::error(
        "Error in function call",
        format!("Call to function {what:?} failed: the result is not a number."),
    )
    .with_subject(range.clone())
}

/// Applies a unary operator.
pub fn unary(op: UnaryOp, v: &Value, range: &SourceRange) -> Result<Value, Diagnostic> {
    match op {
        UnaryOp::Not => {
            let b = operand(v, &Type::Bool, "unary", range)?;
            let marks = b.marks();
            Ok(match b.as_bool() {
                Some(x) => Value::bool(!x),
                None => Value::unknown(Type::Bool),
            }
            .mark(marks))
        }
        UnaryOp::Neg => {
            let n = operand(v, &Type::Number, "unary", range)?;
            let marks = n.marks();
            Ok(match n.kind() {
                Kind::Number(x) => Value::number(x.neg()),
                _ => Value::unknown(Type::Number),
            }
            .mark(marks))
        }
    }
}
