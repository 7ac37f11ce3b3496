//! Numeric functions.

use super::util::{int_arg, int_call, n};
use super::{FnError, Function, Functions, Param, Returns, arg_fail, fail};
use num_bigint::BigInt;
use terrane_values::{Number, Type, Value};

pub(super) fn register(f: &mut Functions) {
    let num1 = || vec![Param::new("num", Type::Number)];
    f.add(
        "abs",
        Function::new(num1(), Returns::Fixed(Type::Number), |a, _, _| {
            Ok(Value::number(n(&a[0]).abs()))
        }),
    );
    f.add(
        "ceil",
        Function::new(num1(), Returns::Fixed(Type::Number), |a, _, _| {
            Ok(Value::number(n(&a[0]).ceil()))
        }),
    );
    f.add(
        "floor",
        Function::new(num1(), Returns::Fixed(Type::Number), |a, _, _| {
            Ok(Value::number(n(&a[0]).floor()))
        }),
    );
    f.add(
        "signum",
        Function::new(num1(), Returns::Fixed(Type::Number), |a, _, _| {
            Ok(Value::int(int_call(&a[0])?.signum()))
        }),
    );
    f.add(
        "max",
        Function::variadic(
            vec![],
            Param::new("numbers", Type::Number),
            Returns::Fixed(Type::Number),
            |a, _, _| extreme(a, true),
        ),
    );
    f.add(
        "min",
        Function::variadic(
            vec![],
            Param::new("numbers", Type::Number),
            Returns::Fixed(Type::Number),
            |a, _, _| extreme(a, false),
        ),
    );
    f.add(
        "pow",
        Function::new(
            vec![
                Param::new("num", Type::Number),
                Param::new("power", Type::Number),
            ],
            Returns::Fixed(Type::Number),
            |a, _, _| float_result(n(&a[0]).to_f64().powf(n(&a[1]).to_f64())),
        ),
    );
    f.add(
        "log",
        Function::new(
            vec![
                Param::new("num", Type::Number),
                Param::new("base", Type::Number),
            ],
            Returns::Fixed(Type::Number),
            |a, _, _| float_result(n(&a[0]).to_f64().ln() / n(&a[1]).to_f64().ln()),
        ),
    );
    f.add(
        "parseint",
        Function::new(
            vec![
                Param::new("number", Type::Dynamic),
                Param::new("base", Type::Number),
            ],
            Returns::Fixed(Type::Number),
            |a, _, _| {
                let Some(text) = a[0].as_str() else {
                    return arg_fail(
                        0,
                        format!(
                            "first argument must be a string, not {}",
                            a[0].ty().friendly_name()
                        ),
                    );
                };
                let base = int_arg(&a[1], 1)?;
                if !(2..=62).contains(&base) {
                    return arg_fail(1, "base must be a whole number between 2 and 62 inclusive");
                }
                match parse_big_int(text, base as u32) {
                    Some(v) => Ok(Value::number(Number::from_bigint(&v))),
                    None => arg_fail(0, format!("cannot parse {text:?} as a base {base} integer")),
                }
            },
        ),
    );
}

/// Go's `big.Int.SetString` with an explicit base: an optional sign, then digits; up to base 36 letters
/// are case-insensitive, above it `a`-`z` are 10-35 and `A`-`Z` 36-61.
fn parse_big_int(text: &str, base: u32) -> Option<BigInt> {
    let (neg, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v = BigInt::from(0);
    for c in digits.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 10,
            'A'..='Z' if base <= 36 => c as u32 - 'A' as u32 + 10,
            'A'..='Z' => c as u32 - 'A' as u32 + 36,
            _ => return None,
        };
        if d >= base {
            return None;
        }
        v = v * base + d;
    }
    Some(if neg { -v } else { v })
}

fn float_result(v: f64) -> Result<Value, FnError> {
    Number::from_f64(v)
        .map(Value::number)
        .map_err(|_| FnError::Call("the result is not a number".into()))
}

fn extreme(a: &[Value], max: bool) -> Result<Value, FnError> {
    if a.is_empty() {
        return fail("must pass at least one number");
    }
    let mut best = n(&a[0]);
    for v in &a[1..] {
        let x = n(v);
        let better = if max {
            x.cmp_value(&best).is_gt()
        } else {
            x.cmp_value(&best).is_lt()
        };
        if better {
            best = x;
        }
    }
    Ok(Value::number(best))
}
