//! Attribute access and indexing, with HCL's rules and messages.

use terrane_diagnostics::{Diagnostic, SourceRange};
use terrane_values::{Kind, Type, Value, convert};

fn err(summary: &str, detail: impl Into<String>, range: &SourceRange) -> Diagnostic {
    Diagnostic::error(summary, detail).with_subject(range.clone())
}

fn unsupported_attribute(name: &str, range: &SourceRange) -> Diagnostic {
    err(
        "Unsupported attribute",
        format!("This object does not have an attribute named {name:?}."),
        range,
    )
}

/// `obj.name`.
pub fn get_attr(obj: &Value, name: &str, range: &SourceRange) -> Result<Value, Diagnostic> {
    if obj.is_null() {
        return Err(err(
            "Attempt to get attribute from null value",
            "This value is null, so it does not have any attributes.",
            range,
        ));
    }
    let marks = obj.marks();
    // A known object answers from its attributes, without building its type.
    if let Kind::Object(attrs) = obj.kind() {
        return match attrs.get(name) {
            Some(v) => Ok(v.clone().mark(marks)),
            None => Err(unsupported_attribute(name, range)),
        };
    }
    let ty = obj.ty();
    let out = match &ty {
        Type::Object(o) => {
            let Some(aty) = o.attrs.get(name) else {
                return Err(unsupported_attribute(name, range));
            };
            match obj.get_attr(name) {
                Some(v) => v.clone(),
                None => Value::unknown(aty.clone()),
            }
        }
        Type::Map(ety) => match obj.kind() {
            Kind::Unknown(_) => Value::unknown((**ety).clone()),
            Kind::Map(_, m) => match m.get(name) {
                Some(v) => v.clone(),
                None => {
                    return Err(err(
                        "Missing map element",
                        format!("This map does not have an element with the key {name:?}."),
                        range,
                    ));
                }
            },
            _ => Value::dynamic_unknown(),
        },
        Type::Dynamic => Value::dynamic_unknown(),
        Type::List(e) if matches!(**e, Type::Object(_)) => {
            let detail = if e.attribute_types().is_some_and(|a| a.contains_key(name)) {
                format!(
                    "Can't access attributes on a list of objects. Did you mean to access attribute {name:?} for a specific element of the list, or across all elements of the list?"
                )
            } else {
                "Can't access attributes on a list of objects. Did you mean to access an attribute for a specific element of the list, or across all elements of the list?".to_string()
            };
            return Err(err("Unsupported attribute", detail, range));
        }
        Type::Set(e) if matches!(**e, Type::Object(_)) => {
            return Err(err(
                "Unsupported attribute",
                "Can't access attributes on a set of objects. Did you mean to access an attribute across all elements of the set?",
                range,
            ));
        }
        t if t.is_primitive() => {
            return Err(err(
                "Unsupported attribute",
                format!(
                    "Can't access attributes on a primitive-typed value ({}).",
                    t.friendly_name()
                ),
                range,
            ));
        }
        _ => {
            return Err(err(
                "Unsupported attribute",
                "This value does not have any attributes.",
                range,
            ));
        }
    };
    Ok(out.mark(marks))
}

/// `collection[key]`.
pub fn index(collection: &Value, key: &Value, range: &SourceRange) -> Result<Value, Diagnostic> {
    const INVALID: &str = "Invalid index";
    if collection.is_null() {
        return Err(err(
            "Attempt to index null value",
            "This value is null, so it does not have any indices.",
            range,
        ));
    }
    if key.is_null() {
        return Err(err(
            INVALID,
            "Can't use a null value as an indexing key.",
            range,
        ));
    }
    let marks = collection.marks() | key.marks();
    let ty = collection.ty();
    let kty = key.ty();
    if kty == Type::Dynamic || ty == Type::Dynamic {
        return Ok(Value::dynamic_unknown().mark(marks));
    }
    let out = match &ty {
        Type::List(_) | Type::Tuple(_) | Type::Map(_) => {
            let want = if matches!(ty, Type::Map(_)) {
                Type::String
            } else {
                Type::Number
            };
            let key = convert(key, &want).map_err(|e| {
                err(
                    INVALID,
                    format!(
                        "The given key does not identify an element in this collection value: {}.",
                        e.message
                    ),
                    range,
                )
            })?;
            let (key, _) = key.unmark();
            if !collection.is_known() || !key.is_known() {
                return Ok(match &ty {
                    Type::List(e) | Type::Map(e) => Value::unknown((**e).clone()),
                    _ => Value::dynamic_unknown(),
                }
                .mark(marks));
            }
            match collection.kind() {
                Kind::Map(_, m) => match m.get(key.as_str().unwrap_or_default()) {
                    Some(v) => v.clone(),
                    None => {
                        return Err(err(
                            INVALID,
                            "The given key does not identify an element in this collection value.",
                            range,
                        ));
                    }
                },
                Kind::List(_, e) | Kind::Tuple(e) => {
                    let n = key.as_number().expect("converted to number");
                    if !n.is_integer() {
                        return Err(err(
                            INVALID,
                            "The given key does not identify an element in this collection value: indexing a sequence requires a whole number, but the given index has a fractional part.",
                            range,
                        ));
                    }
                    if n.is_negative() {
                        return Err(err(
                            INVALID,
                            "The given key does not identify an element in this collection value: a negative number is not a valid index for a sequence.",
                            range,
                        ));
                    }
                    match n.to_i64().and_then(|i| e.get(i as usize)) {
                        Some(v) => v.clone(),
                        None if e.is_empty() => {
                            return Err(err(
                                INVALID,
                                "The given key does not identify an element in this collection value: the collection has no elements.",
                                range,
                            ));
                        }
                        None => {
                            return Err(err(
                                INVALID,
                                "The given key does not identify an element in this collection value: the given index is greater than or equal to the length of the collection.",
                                range,
                            ));
                        }
                    }
                }
                _ => Value::dynamic_unknown(),
            }
        }
        Type::Object(o) => {
            let was_number = kty == Type::Number;
            let key = convert(key, &Type::String).map_err(|e| {
                err(
                    INVALID,
                    format!(
                        "The given key does not identify an element in this collection value: {}.",
                        e.message
                    ),
                    range,
                )
            })?;
            if !collection.is_known() || !key.is_known() {
                return Ok(Value::dynamic_unknown().mark(marks));
            }
            let name = key.as_str().unwrap_or_default();
            if !o.attrs.contains_key(name) {
                let suggestion = if was_number {
                    " An object only supports looking up attributes by name, not by numeric index."
                } else {
                    ""
                };
                return Err(err(
                    INVALID,
                    format!(
                        "The given key does not identify an element in this collection value.{suggestion}"
                    ),
                    range,
                ));
            }
            collection
                .get_attr(name)
                .cloned()
                .unwrap_or_else(Value::dynamic_unknown)
        }
        Type::Set(_) => {
            return Err(err(
                INVALID,
                "Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set.",
                range,
            ));
        }
        _ => return Err(err(INVALID, "This value does not have any indices.", range)),
    };
    Ok(out.mark(marks))
}
