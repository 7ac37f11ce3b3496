//! Type conversion exactly as Terraform (cty's `convert` package) does it: the implicit conversions
//! between primitives, between structural and collection types, and to type constraints with `any`.

use crate::number::Number;
use crate::path::Path;
use crate::types::{ObjectType, Type};
use crate::unify::unify;
use crate::value::{Kind, Value};
use std::collections::BTreeMap;
use std::fmt;

/// Why a value could not be converted to a type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConvertError {
    /// Where in the value the problem is.
    pub path: Path,
    /// What was expected, in Terraform's words (`a number is required`, `attribute "b" is required`).
    pub message: String,
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ConvertError {}

fn err(path: &Path, message: impl Into<String>) -> ConvertError {
    ConvertError {
        path: path.clone(),
        message: message.into(),
    }
}

/// Converts `value` to type `want` (which may contain `any`), keeping marks.
pub fn convert(value: &Value, want: &Type) -> Result<Value, ConvertError> {
    convert_at(value, want, &Path::root())
}

fn convert_at(value: &Value, want: &Type, path: &Path) -> Result<Value, ConvertError> {
    if *want == Type::Dynamic {
        return Ok(value.clone());
    }
    let (value, marks) = value.clone().unmark();
    let in_ty = value.ty();
    if in_ty == *want {
        return Ok(value.mark(marks));
    }
    if !can_convert(&in_ty, want) {
        return Err(err(path, mismatch_message(&in_ty, want)));
    }
    let out = match value.kind() {
        Kind::Unknown(_) => Value::unknown(without_optional(want)),
        Kind::Null(_) => Value::null(without_optional(want)),
        _ => convert_known(&value, &in_ty, want, path)?,
    };
    Ok(out.mark(marks))
}

/// Removes `optional` markers from object types, for types that values carry.
pub fn without_optional(ty: &Type) -> Type {
    match ty {
        Type::List(e) => Type::list(without_optional(e)),
        Type::Set(e) => Type::set(without_optional(e)),
        Type::Map(e) => Type::map(without_optional(e)),
        Type::Tuple(t) => Type::tuple(t.iter().map(without_optional).collect()),
        Type::Object(o) => Type::object(
            o.attrs
                .iter()
                .map(|(k, t)| (k.clone(), without_optional(t))),
        ),
        t => t.clone(),
    }
}

/// Whether a conversion from `from` to `to` can exist (cty's `GetConversionUnsafe` is not nil).
pub fn can_convert(from: &Type, to: &Type) -> bool {
    if from == to || *to == Type::Dynamic || *from == Type::Dynamic {
        return true;
    }
    match (from, to) {
        (a, b) if a.is_primitive() && b.is_primitive() => *a == Type::String || *b == Type::String,
        (Type::Object(a), Type::Object(b)) => {
            b.attrs.iter().all(|(name, bt)| match a.attrs.get(name) {
                Some(at) => can_convert(at, bt),
                None => b.optional.contains(name),
            })
        }
        (Type::Tuple(a), Type::Tuple(b)) => {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| can_convert(x, y))
        }
        (Type::List(a) | Type::Set(a), Type::List(b) | Type::Set(b)) => can_convert(a, b),
        (Type::Map(a), Type::Map(b)) => can_convert(a, b),
        (Type::Tuple(elems), Type::List(e) | Type::Set(e)) => {
            tuple_to_collection_elem(elems, e).is_some()
        }
        (Type::Object(o), Type::Map(e)) => object_to_map_elem(o, e).is_some(),
        (Type::Map(e), Type::Object(o)) => o.attrs.values().all(|t| can_convert(e, t)),
        _ => false,
    }
}

/// The element type a tuple converts to for a list or set of `want`, if one exists.
fn tuple_to_collection_elem(elems: &[Type], want: &Type) -> Option<Type> {
    if elems.is_empty() {
        return Some(want.clone());
    }
    let ety = if *want == Type::Dynamic {
        let u = unify(elems)?;
        if u == Type::Dynamic && !elems.iter().all(|t| *t == Type::Dynamic) {
            return None;
        }
        u
    } else {
        want.clone()
    };
    elems.iter().all(|t| can_convert(t, &ety)).then_some(ety)
}

/// The element type an object converts to for a map of `want`, if one exists.
fn object_to_map_elem(o: &ObjectType, want: &Type) -> Option<Type> {
    if o.attrs.is_empty() {
        return Some(want.clone());
    }
    let ety = if *want == Type::Dynamic {
        let tys: Vec<Type> = o.attrs.values().cloned().collect();
        unify(&tys)?
    } else {
        want.clone()
    };
    o.attrs
        .values()
        .all(|t| can_convert(t, &ety))
        .then_some(ety)
}

fn convert_known(
    value: &Value,
    in_ty: &Type,
    want: &Type,
    path: &Path,
) -> Result<Value, ConvertError> {
    match (value.kind(), want) {
        (_, t) if t.is_primitive() => convert_primitive(value, want, path),
        (Kind::Object(attrs), Type::Object(o)) => {
            let mut out = BTreeMap::new();
            for (name, v) in attrs.iter() {
                if let Some(t) = o.attrs.get(name) {
                    let v = convert_at(v, t, &path.attr(name))?;
                    out.insert(name.clone(), v);
                }
            }
            for (name, t) in &o.attrs {
                if !out.contains_key(name) {
                    out.insert(name.clone(), Value::null(without_optional(t)));
                }
            }
            Ok(Value::object(out))
        }
        (Kind::Tuple(elems), Type::Tuple(want_elems)) => {
            let out: Result<Vec<Value>, ConvertError> = elems
                .iter()
                .zip(want_elems.iter())
                .enumerate()
                .map(|(i, (v, t))| convert_at(v, t, &path.index(i as i64)))
                .collect();
            Ok(Value::tuple(out?))
        }
        (Kind::List(_, elems) | Kind::Set(_, elems), Type::List(ety) | Type::Set(ety)) => {
            let is_set = matches!(want, Type::Set(_));
            let in_ety = in_ty.element_type().cloned().unwrap_or(Type::Dynamic);
            let conv: Result<Vec<Value>, ConvertError> = elems
                .iter()
                .enumerate()
                .map(|(i, v)| convert_at(v, ety, &path.index(i as i64)))
                .collect();
            let conv = conv?;
            let out_ety = if **ety == Type::Dynamic {
                in_ety
            } else {
                without_optional(ety)
            };
            finish_sequence(conv, &out_ety, is_set, path)
        }
        (Kind::Tuple(elems), Type::List(ety) | Type::Set(ety)) => {
            let is_set = matches!(want, Type::Set(_));
            let elem_tys: Vec<Type> = elems.iter().map(Value::ty).collect();
            let target = tuple_to_collection_elem(&elem_tys, ety)
                .ok_or_else(|| err(path, mismatch_message(in_ty, want)))?;
            let conv: Result<Vec<Value>, ConvertError> = elems
                .iter()
                .enumerate()
                .map(|(i, v)| convert_at(v, &target, &path.index(i as i64)))
                .collect();
            finish_sequence(conv?, &without_optional(&target), is_set, path)
        }
        (Kind::Map(_, elems), Type::Map(ety)) => {
            let mut out = BTreeMap::new();
            for (k, v) in elems.iter() {
                out.insert(k.clone(), convert_at(v, ety, &path.key(k))?);
            }
            let out_ety = if **ety == Type::Dynamic {
                in_ty.element_type().cloned().unwrap_or(Type::Dynamic)
            } else {
                without_optional(ety)
            };
            finish_map(out, &out_ety, path)
        }
        (Kind::Object(attrs), Type::Map(ety)) => {
            let o = match in_ty {
                Type::Object(o) => o.clone(),
                _ => unreachable!("object value has object type"),
            };
            let target = object_to_map_elem(&o, ety)
                .ok_or_else(|| err(path, mismatch_message(in_ty, want)))?;
            let mut out = BTreeMap::new();
            for (k, v) in attrs.iter() {
                out.insert(k.clone(), convert_at(v, &target, &path.key(k))?);
            }
            finish_map(out, &without_optional(&target), path)
        }
        (Kind::Map(_, elems), Type::Object(o)) => {
            let mut out = BTreeMap::new();
            for (k, v) in elems.iter() {
                let Some(t) = o.attrs.get(k) else {
                    return Err(err(path, format!("unsupported attribute {k:?}")));
                };
                out.insert(k.clone(), convert_at(v, t, &path.key(k))?);
            }
            for (name, t) in &o.attrs {
                if !out.contains_key(name) {
                    if o.optional.contains(name) {
                        out.insert(name.clone(), Value::null(without_optional(t)));
                    } else {
                        return Err(err(
                            path,
                            format!("map has no element for required attribute {name:?}"),
                        ));
                    }
                }
            }
            Ok(Value::object(out))
        }
        _ => Err(err(path, mismatch_message(in_ty, want))),
    }
}

/// Builds a list or set from converted elements, which must end up with one type.
fn finish_sequence(
    elems: Vec<Value>,
    ety: &Type,
    is_set: bool,
    path: &Path,
) -> Result<Value, ConvertError> {
    let ety = if elems.is_empty() {
        ety.clone()
    } else {
        common_type(&elems).ok_or_else(|| {
            err(
                path,
                format!(
                    "element types must all match for conversion to {}",
                    if is_set { "set" } else { "list" }
                ),
            )
        })?
    };
    Ok(if is_set {
        Value::set(ety, elems)
    } else {
        Value::list(ety, elems)
    })
}

fn finish_map(
    elems: BTreeMap<String, Value>,
    ety: &Type,
    path: &Path,
) -> Result<Value, ConvertError> {
    let ety = if elems.is_empty() {
        ety.clone()
    } else {
        let vals: Vec<Value> = elems.values().cloned().collect();
        common_type(&vals)
            .ok_or_else(|| err(path, "element types must all match for conversion to map"))?
    };
    Ok(Value::map(ety, elems))
}

/// The one type all values share, treating typed nulls and unknowns of `any` as fitting any type.
fn common_type(values: &[Value]) -> Option<Type> {
    let mut found: Option<Type> = None;
    for v in values {
        let t = v.ty();
        match &found {
            None => found = Some(t),
            Some(f) if *f == t => {}
            Some(f) if *f == Type::Dynamic && (v.is_null() || !v.is_known()) => {}
            Some(f) if *f == Type::Dynamic => found = Some(t),
            Some(_) if t == Type::Dynamic && (v.is_null() || !v.is_known()) => {}
            Some(_) => return None,
        }
    }
    found
}

fn convert_primitive(value: &Value, want: &Type, path: &Path) -> Result<Value, ConvertError> {
    match (value.kind(), want) {
        (Kind::Number(n), Type::String) => Ok(Value::string(n.to_string())),
        (Kind::Bool(b), Type::String) => Ok(Value::string(if *b { "true" } else { "false" })),
        (Kind::String(s), Type::Number) => Number::parse(s)
            .map(Value::number)
            .map_err(|_| err(path, "a number is required")),
        (Kind::String(s), Type::Bool) => match &**s {
            "true" | "1" => Ok(Value::bool(true)),
            "false" | "0" => Ok(Value::bool(false)),
            other => Err(err(
                path,
                match other.to_lowercase().as_str() {
                    "true" => "a bool is required; to convert from string, use lowercase \"true\"",
                    "false" => {
                        "a bool is required; to convert from string, use lowercase \"false\""
                    }
                    _ => "a bool is required",
                },
            )),
        },
        _ => Err(err(path, mismatch_message(&value.ty(), want))),
    }
}

/// Whether type `given` conforms to `want` (cty's `TestConformance`): equal, or `any` where `want` has it.
pub fn conforms(given: &Type, want: &Type) -> bool {
    if *want == Type::Dynamic || given == want {
        return true;
    }
    match (given, want) {
        (Type::Object(a), Type::Object(b)) => {
            a.attrs.len() == b.attrs.len()
                && a.attrs
                    .iter()
                    .all(|(k, t)| b.attrs.get(k).is_some_and(|bt| conforms(t, bt)))
        }
        (Type::Tuple(a), Type::Tuple(b)) => {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| conforms(x, y))
        }
        (Type::List(a), Type::List(b))
        | (Type::Set(a), Type::Set(b))
        | (Type::Map(a), Type::Map(b)) => conforms(a, b),
        _ => false,
    }
}

/// cty's `MismatchMessage`: why a value of type `got` cannot become `want`.
pub fn mismatch_message(got: &Type, want: &Type) -> String {
    match (got, want) {
        (Type::Object(g), Type::Object(w)) => {
            let mut missing = Vec::new();
            for (name, wt) in &w.attrs {
                match g.attrs.get(name) {
                    None => {
                        if !w.optional.contains(name) {
                            missing.push(name.clone());
                        }
                    }
                    Some(gt) if gt == wt => {}
                    Some(gt) => {
                        if !can_convert(gt, wt) {
                            return format!("attribute {name:?}: {}", mismatch_message(gt, wt));
                        }
                    }
                }
            }
            match missing.len() {
                0 => "incorrect object attributes".into(),
                1 => format!("attribute {:?} is required", missing[0]),
                _ => {
                    let quoted: Vec<String> = missing.iter().map(|m| format!("{m:?}")).collect();
                    let (last, rest) = quoted.split_last().expect("at least two");
                    format!("attributes {} and {} are required", rest.join(", "), last)
                }
            }
        }
        (Type::Tuple(_), Type::List(e)) if **e == Type::Dynamic => {
            "all list elements must have the same type".into()
        }
        (Type::Tuple(_), Type::Set(e)) if **e == Type::Dynamic => {
            "all set elements must have the same type".into()
        }
        (Type::Object(_), Type::Map(e)) if **e == Type::Dynamic => {
            "all map elements must have the same type".into()
        }
        (Type::Tuple(elems), Type::List(e) | Type::Set(e)) => {
            for (i, t) in elems.iter().enumerate() {
                if !can_convert(t, e) {
                    return format!("element {i}: {}", mismatch_message(t, e));
                }
            }
            format!("{} required", want.friendly_name_for_constraint())
        }
        (Type::Object(o), Type::Map(e)) => {
            for (k, t) in &o.attrs {
                if !can_convert(t, e) {
                    return format!("element {k:?}: {}", mismatch_message(t, e));
                }
            }
            format!("{} required", want.friendly_name_for_constraint())
        }
        (
            Type::List(g) | Type::Set(g) | Type::Map(g),
            Type::List(w) | Type::Set(w) | Type::Map(w),
        ) if std::mem::discriminant(got) == std::mem::discriminant(want) => {
            format!(
                "incorrect {}: {}",
                collection_word(want),
                mismatch_message(g, w)
            )
        }
        _ => format!("{} required", want.friendly_name_for_constraint()),
    }
}

fn collection_word(t: &Type) -> &'static str {
    match t {
        Type::List(_) => "list element type",
        Type::Set(_) => "set element type",
        _ => "map element type",
    }
}
