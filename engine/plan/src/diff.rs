//! Which attributes differ between two objects: the paths a change touches, each with its values
//! before and after (marks kept, so that callers can hide sensitive ones).

use terrane_values::{Kind, Path, Value};

/// One attribute that differs.
#[derive(Clone, Debug)]
pub struct AttributeChange {
    /// Where in the object (`tags["Team"]`, `ingress`, `allocated_storage`).
    pub path: Path,
    /// The value before (null when the attribute or key was absent).
    pub before: Value,
    /// The value after (null when it is gone).
    pub after: Value,
}

/// The attributes that differ between `before` and `after`, in path order. Objects and maps are
/// compared key by key and lists and tuples of the same length element by element; anything else
/// that differs (a set, a list that grew, a scalar, a sensitive value) is one change as a whole.
pub fn changed_attributes(before: &Value, after: &Value) -> Vec<AttributeChange> {
    let mut out = Vec::new();
    walk(&Path::root(), before, after, &mut out);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Whether two paths touch the same part of an object (one contains the other).
pub fn overlaps(a: &Path, b: &Path) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

fn plain_equal(a: &Value, b: &Value) -> bool {
    a.clone()
        .unmark_deep()
        .0
        .raw_equals(&b.clone().unmark_deep().0)
}

fn walk(path: &Path, before: &Value, after: &Value, out: &mut Vec<AttributeChange>) {
    if plain_equal(before, after) {
        return;
    }
    let sensitive = before.is_sensitive() || after.is_sensitive();
    if !sensitive {
        match (before.kind(), after.kind()) {
            (Kind::Object(b), Kind::Object(a)) | (Kind::Map(_, b), Kind::Map(_, a)) => {
                let object = matches!(before.kind(), Kind::Object(_));
                let keys: std::collections::BTreeSet<&String> = b.keys().chain(a.keys()).collect();
                for k in keys {
                    let step = if object { path.attr(k) } else { path.key(k) };
                    let none = Value::null_dynamic();
                    walk(
                        &step,
                        b.get(k).unwrap_or(&none),
                        a.get(k).unwrap_or(&none),
                        out,
                    );
                }
                return;
            }
            (Kind::List(_, b), Kind::List(_, a)) | (Kind::Tuple(b), Kind::Tuple(a))
                if b.len() == a.len() =>
            {
                for (i, (x, y)) in b.iter().zip(a.iter()).enumerate() {
                    walk(&path.index(i as i64), x, y, out);
                }
                return;
            }
            _ => {}
        }
    }
    out.push(AttributeChange {
        path: path.clone(),
        before: before.clone(),
        after: after.clone(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use terrane_values::Type;

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    fn tags(pairs: &[(&str, &str)]) -> Value {
        Value::map(
            Type::String,
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), Value::string(v)))
                .collect(),
        )
    }

    fn paths(b: &Value, a: &Value) -> Vec<String> {
        changed_attributes(b, a)
            .iter()
            .map(|c| c.path.to_string())
            .collect()
    }

    #[test]
    fn finds_map_keys_list_elements_and_whole_values() {
        let before = obj(&[
            ("id", Value::string("x")),
            ("size", Value::int(20)),
            ("tags", tags(&[("Team", "a"), ("Env", "dev")])),
            (
                "ports",
                Value::list_of(vec![Value::int(80), Value::int(443)]),
            ),
            ("cidrs", Value::list_of(vec![Value::string("a")])),
            ("password", Value::string("p").sensitive()),
        ]);
        let after = obj(&[
            ("id", Value::string("x")),
            ("size", Value::int(30)),
            ("tags", tags(&[("Team", "b"), ("Owner", "me")])),
            (
                "ports",
                Value::list_of(vec![Value::int(80), Value::int(8443)]),
            ),
            (
                "cidrs",
                Value::list_of(vec![Value::string("a"), Value::string("b")]),
            ),
            ("password", Value::string("q").sensitive()),
        ]);
        assert_eq!(
            paths(&before, &after),
            [
                "cidrs",
                "password",
                "ports[1]",
                "size",
                "tags[\"Env\"]",
                "tags[\"Owner\"]",
                "tags[\"Team\"]"
            ]
        );
        let c = changed_attributes(&before, &after);
        let env = c
            .iter()
            .find(|c| c.path.to_string() == "tags[\"Env\"]")
            .unwrap();
        assert!(env.after.is_null());
        assert!(
            c.iter()
                .find(|c| c.path.to_string() == "password")
                .unwrap()
                .after
                .is_sensitive()
        );
    }

    #[test]
    fn equal_objects_and_marks_alone_are_no_change() {
        let a = obj(&[("x", Value::string("1"))]);
        let b = obj(&[("x", Value::string("1").sensitive())]);
        assert!(changed_attributes(&a, &b).is_empty());
    }
}
