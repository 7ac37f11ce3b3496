//! Functions that fold or generate sequences: sum, alltrue, anytrue, coalesce, coalescelist, compact
//! and range.

use super::util::seq;
use super::{FnError, Function, Functions, Param, Returns, arg_fail, fail};
use terrane_values::{Number, Type, Value, convert, unify};

fn dynamic(name: &'static str) -> Param {
    Param::new(name, Type::Dynamic)
}

pub(super) fn register(f: &mut Functions) {
    f.add(
        "compact",
        Function::new(
            vec![Param::new("list", Type::list(Type::String))],
            Returns::Fixed(Type::list(Type::String)),
            |a, _, _| {
                let mut out = Vec::new();
                for v in seq(&a[0]) {
                    if !v.is_known() {
                        return Ok(Value::unknown(Type::list(Type::String)));
                    }
                    if v.is_null() || v.as_str() == Some("") {
                        continue;
                    }
                    out.push(v);
                }
                Ok(Value::list(Type::String, out))
            },
        ),
    );
    f.add(
        "coalesce",
        Function::variadic(
            vec![],
            dynamic("vals").nullable().unknown(),
            Returns::Computed(|a| {
                let tys: Vec<Type> = a.iter().map(Value::ty).collect();
                if tys.is_empty() {
                    return fail("all arguments must have the same type");
                }
                unify(&tys)
                    .ok_or_else(|| FnError::Call("all arguments must have the same type".into()))
            }),
            |a, ret, _| {
                for (i, v) in a.iter().enumerate() {
                    let v = convert(v, ret).map_err(|e| FnError::Arg(i, e.message))?;
                    if !v.is_known() {
                        return Ok(Value::unknown(ret.clone()));
                    }
                    if v.is_null() || v.as_str() == Some("") {
                        continue;
                    }
                    return Ok(v);
                }
                fail("no non-null, non-empty-string arguments")
            },
        ),
    );
    f.add(
        "coalescelist",
        Function::variadic(
            vec![],
            dynamic("vals").nullable().unknown().dynamic(),
            Returns::Computed(|a| {
                if a.is_empty() {
                    return fail("at least one argument is required");
                }
                if a.iter().any(|v| {
                    !matches!(v.ty(), Type::List(_) | Type::Tuple(_))
                        && !(v.is_dynamic_typed() && !v.is_known())
                }) {
                    return fail("coalescelist arguments must be lists or tuples");
                }
                let tys: Vec<Type> = a.iter().map(Value::ty).collect();
                Ok(unify(&tys).unwrap_or(Type::Dynamic))
            }),
            |a, _, _| {
                for v in a {
                    if !v.is_known() {
                        return Ok(Value::dynamic_unknown());
                    }
                    if !v.is_null() && v.length().unwrap_or(0) > 0 {
                        return Ok(v.clone());
                    }
                }
                fail("no non-null arguments")
            },
        ),
    );
    f.add(
        "range",
        Function::variadic(
            vec![],
            Param::new("params", Type::Number),
            Returns::Fixed(Type::list(Type::Number)),
            range,
        ),
    );
    f.add(
        "sum",
        Function::new(
            vec![dynamic("list")],
            Returns::Fixed(Type::Number),
            |a, _, _| {
                if !matches!(a[0].ty(), Type::List(_) | Type::Set(_) | Type::Tuple(_)) {
                    return arg_fail(0, "cannot sum noniterable");
                }
                let items = seq(&a[0]);
                if items.is_empty() {
                    return arg_fail(0, "cannot sum an empty list");
                }
                let mut total: Option<Number> = None;
                for v in &items {
                    if !v.is_known() {
                        return Ok(Value::unknown(Type::Number));
                    }
                    if v.is_null() {
                        return arg_fail(
                            0,
                            "argument must be list, set, or tuple of number values",
                        );
                    }
                    if total.is_none() && v.ty() != Type::Number {
                        // Terraform fails here with an internal error: its sum does not convert the first element.
                        return fail("argument must be list, set, or tuple of number values");
                    }
                    let n = convert(v, &Type::Number).map_err(|_| {
                        FnError::Arg(
                            0,
                            "argument must be list, set, or tuple of number values".into(),
                        )
                    })?;
                    let n = n.as_number().cloned().unwrap_or_else(Number::zero);
                    total = Some(match total {
                        None => n,
                        Some(t) => t.add(&n).map_err(|_| {
                            FnError::Call("can't compute sum of opposing infinities".into())
                        })?,
                    });
                }
                Ok(Value::number(total.unwrap_or_else(Number::zero)))
            },
        ),
    );
    for (name, all) in [("alltrue", true), ("anytrue", false)] {
        let imp: super::Impl = if all {
            |a, _, _| bool_fold(&a[0], true)
        } else {
            |a, _, _| bool_fold(&a[0], false)
        };
        f.add(
            name,
            Function::new(
                vec![Param::new("list", Type::list(Type::Bool))],
                Returns::Fixed(Type::Bool),
                imp,
            ),
        );
    }
}

fn bool_fold(list: &Value, all: bool) -> Result<Value, FnError> {
    let mut unknown = false;
    for v in seq(list) {
        match v.as_bool() {
            Some(b) if b != all => return Ok(Value::bool(!all)),
            Some(_) => {}
            None if !v.is_known() => unknown = true,
            None => {
                if all {
                    return Ok(Value::bool(false));
                }
            }
        }
    }
    Ok(if unknown {
        Value::unknown(Type::Bool)
    } else {
        Value::bool(all)
    })
}

fn range(a: &[Value], _: &Type, _: &super::CallCtx<'_>) -> Result<Value, FnError> {
    let nums: Vec<Number> = a.iter().map(super::util::n).collect();
    let zero = Number::from_i64(0);
    let (start, end, step) = match nums.len() {
        1 => {
            let step = if nums[0].cmp_value(&zero).is_lt() {
                Number::from_i64(-1)
            } else {
                Number::from_i64(1)
            };
            (zero, nums[0].clone(), step)
        }
        2 => {
            let step = if nums[1].cmp_value(&nums[0]).is_lt() {
                Number::from_i64(-1)
            } else {
                Number::from_i64(1)
            };
            (nums[0].clone(), nums[1].clone(), step)
        }
        3 => (nums[0].clone(), nums[1].clone(), nums[2].clone()),
        _ => return fail("must have one, two, or three arguments"),
    };
    let down = step.is_negative();
    if down && end.cmp_value(&start).is_gt() {
        return arg_fail(1, "end must be less than start when step is negative");
    }
    if !down && end.cmp_value(&start).is_lt() {
        return arg_fail(1, "end must be greater than start when step is positive");
    }
    let mut vals = Vec::new();
    let mut num = start;
    loop {
        if down && num.cmp_value(&end).is_le() || !down && num.cmp_value(&end).is_ge() {
            break;
        }
        if vals.len() >= 1024 {
            return fail(
                "more than 1024 values were generated; either decrease the difference between start and end or use a smaller step",
            );
        }
        vals.push(Value::number(num.clone()));
        num = num
            .add(&step)
            .map_err(|_| FnError::Call("invalid step".into()))?;
    }
    Ok(Value::list(Type::Number, vals))
}
