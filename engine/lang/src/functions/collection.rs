//! List and tuple functions: length, concat, contains, element, flatten, range, slice, sort, sum and the rest.

use super::util::{s, seq};
use super::{FnError, Function, Functions, Param, Returns, arg_fail, fail};
use terrane_values::{Kind, Type, Value, convert, unify};
use unicode_segmentation::UnicodeSegmentation;

fn dynamic(name: &'static str) -> Param {
    Param::new(name, Type::Dynamic)
}

pub(super) fn register(f: &mut Functions) {
    // `list` and `map` were removed in Terraform 0.12 and answer with how to write the literal
    f.add(
        "list",
        Function::variadic(
            vec![],
            Param::new("vals", Type::Dynamic).nullable().unknown().dynamic(),
            Returns::Fixed(Type::Dynamic),
            |_, _, _| {
                super::fail(
                    "the \"list\" function was deprecated in Terraform v0.12 and is no longer available; use tolist([ ... ]) syntax to write a literal list",
                )
            },
        ),
    );
    f.add(
        "map",
        Function::variadic(
            vec![],
            Param::new("vals", Type::Dynamic).nullable().unknown().dynamic(),
            Returns::Fixed(Type::Dynamic),
            |_, _, _| {
                super::fail(
                    "the \"map\" function was deprecated in Terraform v0.12 and is no longer available; use tomap({ ... }) syntax to write a literal map",
                )
            },
        ),
    );
    f.add(
        "length",
        Function::new(
            vec![dynamic("value").dynamic().unknown().marked()],
            Returns::Computed(|a| match a[0].ty() {
                Type::String
                | Type::Tuple(_)
                | Type::Object(_)
                | Type::List(_)
                | Type::Map(_)
                | Type::Set(_)
                | Type::Dynamic => Ok(Type::Number),
                _ => fail("argument must be a string, a collection type, or a structural type"),
            }),
            |a, _, _| {
                let v = &a[0];
                let marks = v.marks();
                let out = match v.ty() {
                    Type::Tuple(t) => Value::int(t.len() as i64),
                    Type::Object(o) => Value::int(o.attrs.len() as i64),
                    _ if !v.is_known() => Value::unknown(Type::Number),
                    Type::String => {
                        let (v, _) = v.clone().unmark_deep();
                        Value::int(v.as_str().unwrap_or_default().graphemes(true).count() as i64)
                    }
                    _ => match v.length() {
                        Some(n) => Value::int(n as i64),
                        None => Value::unknown(Type::Number),
                    },
                };
                Ok(out.mark(marks))
            },
        ),
    );
    f.add(
        "concat",
        Function::variadic(
            vec![],
            dynamic("seqs"),
            Returns::Computed(concat_type),
            concat,
        ),
    );
    f.add(
        "contains",
        Function::new(
            vec![dynamic("list"), dynamic("value")],
            Returns::Fixed(Type::Bool),
            |a, _, _| {
                if !matches!(a[0].ty(), Type::List(_) | Type::Tuple(_) | Type::Set(_)) {
                    return fail("argument must be list, tuple, or set");
                }
                let mut unknown = false;
                for v in seq(&a[0]) {
                    match a[1].equals(&v) {
                        Some(true) => return Ok(Value::bool(true)),
                        Some(false) => {}
                        None => unknown = true,
                    }
                }
                Ok(if unknown {
                    Value::unknown(Type::Bool)
                } else {
                    Value::bool(false)
                })
            },
        ),
    );
    f.add(
        "index",
        Function::new(
            vec![dynamic("list"), dynamic("value")],
            Returns::Fixed(Type::Number),
            |a, _, _| {
                if !matches!(a[0].ty(), Type::List(_) | Type::Tuple(_)) {
                    return fail("argument must be a list or tuple");
                }
                if a[0].length() == Some(0) {
                    return fail("cannot search an empty list");
                }
                for (i, v) in seq(&a[0]).iter().enumerate() {
                    match a[1].equals(v) {
                        Some(true) => return Ok(Value::int(i as i64)),
                        Some(false) => {}
                        None => return Ok(Value::unknown(Type::Number)),
                    }
                }
                fail("item not found")
            },
        ),
    );
    f.add(
        "element",
        Function::new(
            vec![dynamic("list").marked(), Param::new("index", Type::Number)],
            Returns::Computed(|a| match a[0].ty() {
                Type::List(e) => Ok((*e).clone()),
                Type::Tuple(t) => {
                    if !a[1].is_known() {
                        return Ok(Type::Dynamic);
                    }
                    let i = super::util::to_int(&a[1])
                        .map_err(|m| FnError::Call(format!("invalid index: {m}")))?;
                    if t.is_empty() {
                        return fail("cannot use element function with an empty list");
                    }
                    if i < 0 {
                        return fail("cannot use element function with a negative index");
                    }
                    Ok(t[(i as usize) % t.len()].clone())
                }
                other => fail(format!(
                    "cannot read elements from {}",
                    other.friendly_name()
                )),
            }),
            |a, _, _| {
                let (list, marks) = a[0].clone().unmark();
                if !list.is_known() {
                    return Ok(Value::dynamic_unknown().mark(marks));
                }
                let i = super::util::to_int(&a[1])
                    .map_err(|m| FnError::Call(format!("invalid index: {m}")))?;
                let items = seq(&list);
                if items.is_empty() {
                    return fail("cannot use element function with an empty list");
                }
                if i < 0 {
                    return fail("cannot use element function with a negative index");
                }
                Ok(items[(i as usize) % items.len()].clone().mark(marks))
            },
        ),
    );
    f.add(
        "flatten",
        Function::new(
            vec![dynamic("list")],
            Returns::Computed(|a| {
                if !matches!(a[0].ty(), Type::List(_) | Type::Set(_) | Type::Tuple(_)) {
                    return fail("can only flatten lists, sets and tuples");
                }
                match flatten_values(&a[0]) {
                    Some(vals) => Ok(Type::tuple(vals.iter().map(Value::ty).collect())),
                    None => Ok(Type::Dynamic),
                }
            }),
            |a, _, _| match flatten_values(&a[0]) {
                Some(vals) => Ok(Value::tuple(vals)),
                None => Ok(Value::dynamic_unknown()),
            },
        ),
    );
    f.add(
        "distinct",
        Function::new(
            vec![Param::new("list", Type::list(Type::Dynamic))],
            Returns::Computed(|a| Ok(a[0].ty())),
            |a, ret, _| {
                let mut out: Vec<Value> = Vec::new();
                for v in seq(&a[0]) {
                    if !out.iter().any(|o| o.equals(&v) == Some(true)) {
                        out.push(v);
                    }
                }
                Ok(Value::list(
                    ret.element_type().cloned().unwrap_or(Type::Dynamic),
                    out,
                ))
            },
        ),
    );
    f.add(
        "sort",
        Function::new(
            vec![Param::new("list", Type::list(Type::String))],
            Returns::Fixed(Type::list(Type::String)),
            |a, _, _| {
                let items = seq(&a[0]);
                if items.iter().any(|v| !v.is_known()) {
                    return Ok(Value::unknown(Type::list(Type::String)));
                }
                if let Some(i) = items.iter().position(Value::is_null) {
                    return fail(format!(
                        "given list element {i} is null; a null string cannot be sorted"
                    ));
                }
                let mut strs: Vec<&str> = items.iter().map(s).collect();
                strs.sort_unstable();
                Ok(Value::list(
                    Type::String,
                    strs.into_iter().map(Value::string).collect(),
                ))
            },
        ),
    );
    f.add(
        "reverse",
        Function::new(
            vec![dynamic("list")],
            Returns::Computed(|a| match a[0].ty() {
                Type::List(e) | Type::Set(e) => Ok(Type::list((*e).clone())),
                Type::Tuple(t) => Ok(Type::tuple(t.iter().rev().cloned().collect())),
                other => arg_fail(
                    0,
                    format!(
                        "can only reverse list or tuple values, not {}",
                        other.friendly_name()
                    ),
                ),
            }),
            |a, ret, _| {
                let mut items = seq(&a[0]);
                items.reverse();
                Ok(match ret {
                    Type::List(e) => Value::list((**e).clone(), items),
                    _ => Value::tuple(items),
                })
            },
        ),
    );
    f.add(
        "slice",
        Function::new(
            vec![dynamic("list"), Param::new("start_index", Type::Number), Param::new("end_index", Type::Number)],
            Returns::Computed(|a| match a[0].ty() {
                Type::Set(_) => arg_fail(0, "cannot slice a set, because its elements do not have indices; explicitly convert to a list if the ordering of the result is not important"),
                Type::List(e) => Ok(Type::list((*e).clone())),
                Type::Tuple(t) => {
                    if !a[1].is_known() || !a[2].is_known() {
                        return Ok(Type::Dynamic);
                    }
                    let (st, en) = slice_bounds(&a[1], &a[2], t.len())?;
                    Ok(Type::tuple(t[st..en].to_vec()))
                }
                _ => arg_fail(0, "must be a list or tuple value"),
            }),
            |a, ret, _| {
                let items = seq(&a[0]);
                let (st, en) = slice_bounds(&a[1], &a[2], items.len())?;
                let out = items[st..en].to_vec();
                Ok(match ret {
                    Type::List(e) => Value::list((**e).clone(), out),
                    _ => Value::tuple(out),
                })
            },
        ),
    );
    f.add(
        "one",
        Function::new(
            vec![dynamic("list")],
            Returns::Computed(|a| match a[0].ty() {
                Type::List(e) | Type::Set(e) => Ok((*e).clone()),
                Type::Tuple(t) => match t.len() {
                    0 => Ok(Type::Dynamic),
                    1 => Ok(t[0].clone()),
                    _ => arg_fail(
                        0,
                        "must be a list, set, or tuple value with either zero or one elements",
                    ),
                },
                _ => arg_fail(
                    0,
                    "must be a list, set, or tuple value with either zero or one elements",
                ),
            }),
            |a, ret, _| {
                let items = seq(&a[0]);
                match items.len() {
                    0 => Ok(Value::null(ret.clone())),
                    1 => Ok(items[0].clone()),
                    _ => arg_fail(
                        0,
                        "must be a list, set, or tuple value with either zero or one elements",
                    ),
                }
            },
        ),
    );
    f.add(
        "chunklist",
        Function::new(
            vec![
                Param::new("list", Type::list(Type::Dynamic)),
                Param::new("size", Type::Number),
            ],
            Returns::Computed(|a| Ok(Type::list(a[0].ty()))),
            |a, ret, _| {
                let size = super::util::to_int(&a[1])
                    .map_err(|m| FnError::Call(format!("invalid size: {m}")))?;
                if size < 0 {
                    return fail("the size argument must be positive");
                }
                let items = seq(&a[0]);
                let inner = ret.element_type().cloned().unwrap_or(Type::Dynamic);
                let ety = inner.element_type().cloned().unwrap_or(Type::Dynamic);
                if items.is_empty() {
                    return Ok(Value::list(inner, Vec::new()));
                }
                let chunks: Vec<Value> = if size == 0 {
                    vec![Value::list(ety.clone(), items)]
                } else {
                    items
                        .chunks(size as usize)
                        .map(|c| Value::list(ety.clone(), c.to_vec()))
                        .collect()
                };
                Ok(Value::list(inner, chunks))
            },
        ),
    );
}

fn slice_bounds(start: &Value, end: &Value, len: usize) -> Result<(usize, usize), FnError> {
    let st = super::util::to_int(start)
        .map_err(|m| FnError::Arg(1, format!("invalid start index: {m}")))?;
    let en =
        super::util::to_int(end).map_err(|m| FnError::Arg(2, format!("invalid end index: {m}")))?;
    if st < 0 {
        return arg_fail(1, "start index must not be less than zero");
    }
    if en > len as i64 {
        return arg_fail(
            2,
            "end index must not be greater than the length of the list",
        );
    }
    if st > en {
        return arg_fail(1, "start index must not be greater than end index");
    }
    Ok((st as usize, en as usize))
}

fn concat_type(a: &[Value]) -> Result<Type, FnError> {
    if a.is_empty() {
        return fail("at least one argument is required");
    }
    if matches!(a[0].ty(), Type::List(_)) {
        let tys: Vec<Type> = a.iter().map(Value::ty).collect();
        if tys.iter().all(|t| matches!(t, Type::List(_))) {
            if let Some(t) = unify(&tys) {
                return Ok(t);
            }
        }
    }
    let mut etys = Vec::new();
    for (i, v) in a.iter().enumerate() {
        match v.ty() {
            Type::Tuple(t) => etys.extend(t.iter().cloned()),
            Type::List(e) => {
                if !v.is_known() {
                    return Ok(Type::Dynamic);
                }
                for _ in 0..v.length().unwrap_or(0) {
                    etys.push((*e).clone());
                }
            }
            other => {
                return arg_fail(
                    i,
                    format!(
                        "all arguments must be lists or tuples; got {}",
                        other.friendly_name()
                    ),
                );
            }
        }
    }
    Ok(Type::tuple(etys))
}

fn concat(a: &[Value], ret: &Type, _: &super::CallCtx<'_>) -> Result<Value, FnError> {
    match ret {
        Type::List(e) => {
            let mut out = Vec::new();
            for (i, v) in a.iter().enumerate() {
                let v = convert(v, ret).map_err(|err| FnError::Arg(i, err.message))?;
                out.extend(seq(&v));
            }
            Ok(Value::list((**e).clone(), out))
        }
        _ => Ok(Value::tuple(a.iter().flat_map(seq).collect())),
    }
}

/// Flattens nested sequences; `None` when something is unknown.
fn flatten_values(v: &Value) -> Option<Vec<Value>> {
    let mut out = Vec::new();
    for e in seq(v) {
        if !e.is_known()
            && matches!(
                e.ty(),
                Type::List(_) | Type::Set(_) | Type::Tuple(_) | Type::Dynamic
            )
        {
            return None;
        }
        let (inner, marks) = e.clone().unmark();
        if !inner.is_null()
            && matches!(
                inner.kind(),
                Kind::List(..) | Kind::Set(..) | Kind::Tuple(_)
            )
        {
            let flat = flatten_values(&inner)?;
            out.extend(flat.into_iter().map(|x| x.mark(marks)));
        } else {
            out.push(e);
        }
    }
    Some(out)
}
