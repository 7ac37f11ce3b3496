//! Numeric functions.

use super::util::{n, s};
use super::{arg_fail, fail, FnError, Function, Functions, Param, Returns};
use num_bigint::BigInt;
use num_traits::Num;
use terrane_values::{Number, Type, Value};

pub(super) fn register(f: &mut Functions) {
    let num1 = || vec![Param::new("num", Type::Number)];
    f.add("abs", Function::new(num1(), Returns::Fixed(Type::Number), |a, _, _| Ok(Value::number(n(&a[0]).abs()))));
    f.add("ceil", Function::new(num1(), Returns::Fixed(Type::Number), |a, _, _| Ok(Value::number(n(&a[0]).ceil()))));
    f.add("floor", Function::new(num1(), Returns::Fixed(Type::Number), |a, _, _| Ok(Value::number(n(&a[0]).floor()))));
    f.add(
        "signum",
        Function::new(num1(), Returns::Fixed(Type::Number), |a, _, _| Ok(Value::int(n(&a[0]).signum() as i64))),
    );
    f.add(
        "max",
        Function::variadic(vec![], Param::new("numbers", Type::Number), Returns::Fixed(Type::Number), |a, _, _| extreme(a, true)),
    );
    f.add(
        "min",
        Function::variadic(vec![], Param::new("numbers", Type::Number), Returns::Fixed(Type::Number), |a, _, _| extreme(a, false)),
    );
    f.add(
        "pow",
        Function::new(
            vec![Param::new("num", Type::Number), Param::new("power", Type::Number)],
            Returns::Fixed(Type::Number),
            |a, _, _| float_result(n(&a[0]).to_f64().powf(n(&a[1]).to_f64())),
        ),
    );
    f.add(
        "log",
        Function::new(
            vec![Param::new("num", Type::Number), Param::new("base", Type::Number)],
            Returns::Fixed(Type::Number),
            |a, _, _| float_result(n(&a[0]).to_f64().ln() / n(&a[1]).to_f64().ln()),
        ),
    );
    f.add(
        "parseint",
        Function::new(
            vec![Param::new("number", Type::Dynamic), Param::new("base", Type::Number)],
            Returns::Fixed(Type::Number),
            |a, _, _| {
                let Some(text) = a[0].as_str() else { return arg_fail(0, "first argument must be a string, not a number") };
                let base = n(&a[1]).to_i64().unwrap_or(0);
                if !(2..=62).contains(&base) {
                    return arg_fail(1, format!("base must be a whole number between 2 and 62 inclusive"));
                }
                let (neg, digits) = match text.strip_prefix('-') {
                    Some(r) => (true, r),
                    None => (false, text.strip_prefix('+').unwrap_or(text)),
                };
                let parsed = if base <= 36 {
                    BigInt::from_str_radix(digits, base as u32).ok()
                } else {
                    None
                };
                match parsed {
                    Some(v) if !digits.is_empty() => {
                        let v = if neg { -v } else { v };
                        Ok(Value::number(Number::from_bigint(&v)))
                    }
                    _ => fail(format!("cannot parse {:?} as a base {} integer", s(&a[0]), base)),
                }
            },
        ),
    );
}

fn float_result(v: f64) -> Result<Value, FnError> {
    Number::from_f64(v).map(Value::number).map_err(|_| FnError::Call("the result is not a number".into()))
}

fn extreme(a: &[Value], max: bool) -> Result<Value, FnError> {
    if a.is_empty() {
        return fail("must pass at least one number");
    }
    let mut best = n(&a[0]);
    for v in &a[1..] {
        let x = n(v);
        let better = if max { x.cmp_value(&best).is_gt() } else { x.cmp_value(&best).is_lt() };
        if better {
            best = x;
        }
    }
    Ok(Value::number(best))
}
