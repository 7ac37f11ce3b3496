//! Type conversion functions and the sensitivity functions.

use super::{FnError, Function, Functions, Param, Returns, arg_fail};
use terrane_values::{Kind, Marks, Type, Value, convert};

pub(super) fn register(f: &mut Functions) {
    for (name, target) in [
        ("tostring", Type::String),
        ("tonumber", Type::Number),
        ("tobool", Type::Bool),
    ] {
        let imp: super::Impl = |a, ret, _| to_type(&a[0], ret);
        f.add(
            name,
            Function::new(
                vec![Param::new("v", Type::Dynamic).nullable().dynamic()],
                Returns::Fixed(target),
                imp,
            ),
        );
    }
    f.add(
        "tolist",
        Function::new(
            vec![Param::new("v", Type::Dynamic).nullable().dynamic()],
            Returns::Computed(|a| collection_type(&a[0], Type::list)),
            |a, ret, _| to_type(&a[0], ret),
        ),
    );
    f.add(
        "toset",
        Function::new(
            vec![Param::new("v", Type::Dynamic).nullable().dynamic()],
            Returns::Computed(|a| collection_type(&a[0], Type::set)),
            |a, ret, _| to_type(&a[0], ret),
        ),
    );
    f.add(
        "tomap",
        Function::new(
            vec![Param::new("v", Type::Dynamic).nullable().dynamic()],
            Returns::Computed(|a| collection_type(&a[0], Type::map)),
            |a, ret, _| to_type(&a[0], ret),
        ),
    );
    f.add(
        "sensitive",
        Function::new(
            vec![
                Param::new("value", Type::Dynamic)
                    .nullable()
                    .unknown()
                    .dynamic()
                    .marked(),
            ],
            Returns::Computed(|a| Ok(a[0].ty())),
            |a, _, _| Ok(a[0].clone().mark(Marks::SENSITIVE)),
        ),
    );
    f.add(
        "ephemeralasnull",
        Function::new(
            vec![
                Param::new("value", Type::Dynamic)
                    .nullable()
                    .unknown()
                    .dynamic()
                    .marked(),
            ],
            Returns::Computed(|a| Ok(a[0].ty())),
            |a, _, _| {
                // every ephemeral part becomes a null of its type; the rest is kept, marks and all
                Ok(a[0].clone().transform(&mut |_, v| {
                    let marks = v.marks();
                    if marks.contains(Marks::EPHEMERAL) {
                        Value::null(v.ty()).mark(marks.without(Marks::EPHEMERAL))
                    } else {
                        v
                    }
                }))
            },
        ),
    );
    f.add(
        "nonsensitive",
        Function::new(
            vec![
                Param::new("value", Type::Dynamic)
                    .nullable()
                    .unknown()
                    .dynamic()
                    .marked(),
            ],
            Returns::Computed(|a| Ok(a[0].ty())),
            |a, _, _| {
                let (v, marks) = a[0].clone().unmark();
                if !marks.is_sensitive() && a[0].is_known() {
                    return Err(FnError::Arg(
                        0,
                        "the given value is not sensitive, so this call is redundant".into(),
                    ));
                }
                Ok(v.mark(marks.without(Marks::SENSITIVE)))
            },
        ),
    );
    f.add(
        "issensitive",
        Function::new(
            vec![
                Param::new("value", Type::Dynamic)
                    .nullable()
                    .unknown()
                    .dynamic()
                    .marked(),
            ],
            Returns::Fixed(Type::Bool),
            |a, _, _| Ok(Value::bool(a[0].is_sensitive())),
        ),
    );
}

/// The collection type `tolist`/`toset`/`tomap` aim for: the argument's elements unified.
fn collection_type(v: &Value, make: fn(Type) -> Type) -> Result<Type, FnError> {
    let ty = v.ty();
    let want = make(Type::Dynamic);
    if ty == Type::Dynamic {
        return Ok(want);
    }
    if !terrane_values::convert::can_convert(&ty, &want) {
        return arg_fail(
            0,
            super::any_single_type(&format!(
                "cannot convert {} to {}",
                ty.friendly_name(),
                want.friendly_name()
            )),
        );
    }
    // Find the element type the conversion would produce.
    match convert(&Value::unknown(ty.clone()), &want) {
        Ok(_) => {}
        Err(e) => return arg_fail(0, e.message),
    }
    let elem = match &ty {
        Type::List(e) | Type::Set(e) | Type::Map(e) => (**e).clone(),
        Type::Tuple(t) => terrane_values::unify(t).unwrap_or(Type::Dynamic),
        Type::Object(o) => terrane_values::unify(&o.attrs.values().cloned().collect::<Vec<_>>())
            .unwrap_or(Type::Dynamic),
        _ => Type::Dynamic,
    };
    Ok(make(elem))
}

fn to_type(v: &Value, ret: &Type) -> Result<Value, FnError> {
    if v.is_null() {
        return Ok(Value::null(ret.clone()));
    }
    if let (Kind::Bool(_), Type::Number) | (Kind::Number(_), Type::Bool) = (v.kind(), ret) {
        return arg_fail(
            0,
            format!(
                "cannot convert {} to {}",
                v.ty().friendly_name(),
                ret.friendly_name()
            ),
        );
    }
    if ret.is_primitive() && !v.ty().is_primitive() {
        return arg_fail(
            0,
            format!(
                "cannot convert {} to {}",
                v.ty().friendly_name(),
                ret.friendly_name()
            ),
        );
    }
    convert(v, ret).map_err(|e| FnError::Arg(0, convert_message(v, ret, &e.message)))
}

fn convert_message(v: &Value, ret: &Type, msg: &str) -> String {
    match (v.kind(), ret) {
        (Kind::String(s), Type::Number) => format!(
            "cannot convert {s:?} to number; given string must be a decimal representation of a number"
        ),
        (Kind::String(s), Type::Bool) => format!(
            "cannot convert {s:?} to bool; only the strings \"true\" or \"false\" are allowed"
        ),
        _ => msg.to_string(),
    }
}
