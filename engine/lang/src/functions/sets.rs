//! Set functions (setproduct, setunion, setintersection, setsubtract) and matchkeys.

use super::util::seq;
use super::{FnError, Function, Functions, Param, Returns, arg_fail, fail};
use terrane_values::{Type, Value, convert, unify};

fn dynamic(name: &'static str) -> Param {
    Param::new(name, Type::Dynamic)
}

pub(super) fn register(f: &mut Functions) {
    f.add(
        "setproduct",
        Function::variadic(
            vec![],
            dynamic("sets"),
            Returns::Computed(setproduct_type),
            setproduct,
        ),
    );
    for (name, op) in [
        ("setunion", 0u8),
        ("setintersection", 1),
        ("setsubtract", 2),
    ] {
        let imp: super::Impl = match op {
            0 => |a, ret, _| set_op(a, ret, 0),
            1 => |a, ret, _| set_op(a, ret, 1),
            _ => |a, ret, _| set_op(a, ret, 2),
        };
        let rt: fn(&[Value]) -> Result<Type, FnError> = |a| {
            let tys: Vec<Type> = a
                .iter()
                .map(|v| v.ty().element_type().cloned().unwrap_or(Type::Dynamic))
                .collect();
            match unify(&tys) {
                Some(t) => Ok(Type::set(t)),
                None => fail("given sets must all have compatible element types"),
            }
        };
        if op == 2 {
            f.add(
                name,
                Function::new(
                    vec![
                        Param::new("a", Type::set(Type::Dynamic)),
                        Param::new("b", Type::set(Type::Dynamic)),
                    ],
                    Returns::Computed(rt),
                    imp,
                ),
            );
        } else {
            f.add(
                name,
                Function::variadic(
                    vec![Param::new("first_set", Type::set(Type::Dynamic))],
                    Param::new("other_sets", Type::set(Type::Dynamic)),
                    Returns::Computed(rt),
                    imp,
                ),
            );
        }
    }
    f.add(
        "matchkeys",
        Function::new(
            vec![
                Param::new("values", Type::list(Type::Dynamic)),
                Param::new("keys", Type::list(Type::Dynamic)),
                Param::new("searchset", Type::list(Type::Dynamic)),
            ],
            Returns::Computed(|a| Ok(a[0].ty())),
            |a, ret, _| {
                // Keys and search values are compared after conversion to their unified type.
                let ety = unify(&[a[1].ty(), a[2].ty()]).unwrap_or(Type::list(Type::Dynamic));
                let conv = |v: &Value, i: usize| {
                    convert(v, &ety)
                        .map(|c| seq(&c))
                        .map_err(|e| FnError::Arg(i, e.message))
                };
                let vals = seq(&a[0]);
                let keys = conv(&a[1], 1)?;
                let search = conv(&a[2], 2)?;
                if vals.len() != keys.len() {
                    return fail("length of keys and values should be equal");
                }
                let mut out = Vec::new();
                for (v, k) in vals.into_iter().zip(keys) {
                    for sv in &search {
                        if k.equals(sv) == Some(true) {
                            out.push(v.clone());
                            break;
                        }
                    }
                }
                Ok(Value::list(
                    ret.element_type().cloned().unwrap_or(Type::Dynamic),
                    out,
                ))
            },
        ),
    );
}

fn setproduct_type(a: &[Value]) -> Result<Type, FnError> {
    if a.len() < 2 {
        return fail("at least two arguments are required");
    }
    let mut list_count = 0;
    let mut elem_tys = Vec::new();
    for (i, v) in a.iter().enumerate() {
        match v.ty() {
            Type::Set(e) => elem_tys.push((*e).clone()),
            Type::List(e) => {
                list_count += 1;
                elem_tys.push((*e).clone());
            }
            Type::Tuple(t) => {
                list_count += 1;
                match unify(&t) {
                    Some(u) => elem_tys.push(u),
                    None if t.is_empty() => elem_tys.push(Type::Dynamic),
                    None => return arg_fail(i, "a set or a list is required"),
                }
            }
            _ => return arg_fail(i, "a set or a list is required"),
        }
    }
    let tuple = Type::tuple(elem_tys);
    Ok(if list_count == a.len() {
        Type::list(tuple)
    } else {
        Type::set(tuple)
    })
}

fn setproduct(a: &[Value], ret: &Type, _: &super::CallCtx<'_>) -> Result<Value, FnError> {
    let ety = ret.element_type().cloned().unwrap_or(Type::Dynamic);
    let elem_tys = match &ety {
        Type::Tuple(t) => (**t).clone(),
        _ => Vec::new(),
    };
    let mut total: Vec<Vec<Value>> = vec![Vec::new()];
    for (i, v) in a.iter().enumerate() {
        let items = seq(v);
        if items.is_empty() {
            total.clear();
            break;
        }
        let mut next = Vec::new();
        for prefix in &total {
            for it in &items {
                let mut p = prefix.clone();
                let conv = match elem_tys.get(i) {
                    Some(t) if *t != Type::Dynamic => {
                        convert(it, t).map_err(|e| FnError::Arg(i, e.message))?
                    }
                    _ => it.clone(),
                };
                p.push(conv);
                next.push(p);
            }
        }
        total = next;
    }
    let rows: Vec<Value> = total.into_iter().map(Value::tuple).collect();
    let rows_ty = if rows.is_empty() {
        ety.clone()
    } else {
        rows[0].ty()
    };
    Ok(match ret {
        Type::Set(_) => Value::set(rows_ty, rows),
        _ => Value::list(rows_ty, rows),
    })
}

fn set_op(a: &[Value], ret: &Type, op: u8) -> Result<Value, FnError> {
    let ety = ret.element_type().cloned().unwrap_or(Type::Dynamic);
    let sets: Vec<Vec<Value>> = a
        .iter()
        .enumerate()
        .map(|(i, v)| {
            convert(v, ret)
                .map(|c| seq(&c))
                .map_err(|e| FnError::Arg(i, e.message))
        })
        .collect::<Result<_, _>>()?;
    let contains = |set: &[Value], x: &Value| set.iter().any(|y| y.equals(x) == Some(true));
    let out: Vec<Value> = match op {
        0 => sets.iter().flatten().cloned().collect(),
        1 => sets[0]
            .iter()
            .filter(|x| sets[1..].iter().all(|s| contains(s, x)))
            .cloned()
            .collect(),
        _ => sets[0]
            .iter()
            .filter(|x| !contains(&sets[1], x))
            .cloned()
            .collect(),
    };
    Ok(Value::set(ety, out))
}
