//! Operators: arithmetic, comparison, logic and equality, with Terraform's operand conversions.

use terrane_config::ast::{BinaryOp, UnaryOp};
use terrane_diagnostics::{Diagnostic, SourceRange};
use terrane_values::{Kind, Marks, Type, Value, convert};

/// Converts an operand to the operator's parameter type. Null converts (and fails later, in
/// [`call`]), as in Terraform.
fn operand(v: &Value, want: &Type, which: &str, range: &SourceRange) -> Result<Value, Diagnostic> {
    convert(v, want).map_err(|e| {
        Diagnostic::error(
            "Invalid operand",
            format!("Unsuitable value for {which} operand: {}.", e.message),
        )
        .with_subject(range.clone())
    })
}

/// The failure of an operator's function, like Terraform's "Operation failed".
fn failed(detail: &str, whole: &SourceRange) -> Diagnostic {
    Diagnostic::error(
        "Operation failed",
        format!("Error during operation: {detail}."),
    )
    .with_subject(whole.clone())
}

/// The checks of a function call on the converted operands, in order: a null operand is an error,
/// an unknown one makes the result unknown (`Ok(false)`).
fn call(operands: &[&Value], whole: &SourceRange) -> Result<bool, Diagnostic> {
    for v in operands {
        if v.is_null() {
            return Err(failed("argument must not be null", whole));
        }
        if !v.is_known() {
            return Ok(false);
        }
    }
    Ok(true)
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
            if !call(&[&a, &b], whole)? {
                return Ok(Value::unknown(Type::Bool).mark(marks));
            }
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
            let known = call(&[&a, &b], whole)?;
            let (Some(x), Some(y), true) = (a.as_number(), b.as_number(), known) else {
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
            let nan = |detail: &str| failed(detail, whole);
            let out = match op {
                BinaryOp::Add => Value::number(
                    x.add(y)
                        .map_err(|_| nan("can't compute sum of opposing infinities"))?,
                ),
                BinaryOp::Sub => Value::number(
                    x.sub(y)
                        .map_err(|_| nan("can't subtract infinity from itself"))?,
                ),
                BinaryOp::Mul => Value::number(
                    x.mul(y)
                        .map_err(|_| nan("can't multiply zero by infinity"))?,
                ),
                BinaryOp::Div => Value::number(
                    x.div(y)
                        .map_err(|_| nan("can't divide zero by zero or infinity by infinity"))?,
                ),
                BinaryOp::Mod => {
                    // Terraform fails on any infinite operand (with a Go panic for an infinite
                    // dividend); an error either way, never a made-up value.
                    if x.is_infinite() || y.is_infinite() {
                        return Err(nan("can't use modulo with zero and infinity"));
                    }
                    Value::number(
                        x.modulo(y)
                            .map_err(|_| nan("can't use modulo with zero and infinity"))?,
                    )
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

/// Applies a unary operator.
pub fn unary(op: UnaryOp, v: &Value, range: &SourceRange) -> Result<Value, Diagnostic> {
    match op {
        UnaryOp::Not => {
            let b = operand(v, &Type::Bool, "unary", range)?;
            let marks = b.marks();
            if !call(&[&b], range)? {
                return Ok(Value::unknown(Type::Bool).mark(marks));
            }
            Ok(match b.as_bool() {
                Some(x) => Value::bool(!x),
                None => Value::unknown(Type::Bool),
            }
            .mark(marks))
        }
        UnaryOp::Neg => {
            let n = operand(v, &Type::Number, "unary", range)?;
            let marks = n.marks();
            if !call(&[&n], range)? {
                return Ok(Value::unknown(Type::Number).mark(marks));
            }
            Ok(match n.kind() {
                Kind::Number(x) => Value::number(x.neg()),
                _ => Value::unknown(Type::Number),
            }
            .mark(marks))
        }
    }
}
