//! Tests of values, conversion, unification, set order and JSON against what Terraform does.

use crate::*;
use std::collections::BTreeMap;

fn s(x: &str) -> Value {
    Value::string(x)
}
fn n(x: &str) -> Value {
    Value::number(Number::parse(x).unwrap())
}
fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::object(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
    )
}
fn render(v: &Value) -> String {
    display::render(v, &display::RenderOptions::debug())
}

#[test]
fn strings_are_nfc() {
    assert_eq!(s("e\u{301}").as_str(), Some("\u{e9}"));
}

#[test]
fn equality_never_converts() {
    assert_eq!(n("1").equals(&s("1")), Some(false));
    let list = convert(&Value::tuple(vec![n("1")]), &Type::list(Type::Dynamic)).unwrap();
    assert_eq!(list.equals(&Value::tuple(vec![n("1")])), Some(false));
    assert_eq!(list.equals(&list.clone()), Some(true));
    assert_eq!(
        Value::null_dynamic().equals(&Value::null(Type::String)),
        Some(true)
    );
    assert_eq!(s("").equals(&Value::null_dynamic()), Some(false));
    assert_eq!(Value::unknown(Type::String).equals(&s("a")), None);
    assert_eq!(Value::unknown(Type::String).equals(&n("1")), Some(false));
    assert_eq!(
        obj(&[("a", n("1"))]).equals(&obj(&[("a", n("1"))])),
        Some(true)
    );
}

#[test]
fn primitive_conversions() {
    assert_eq!(
        render(&convert(&n("12.50"), &Type::String).unwrap()),
        "\"12.5\""
    );
    assert_eq!(render(&convert(&s("42"), &Type::Number).unwrap()), "42");
    assert_eq!(render(&convert(&s("true"), &Type::Bool).unwrap()), "true");
    assert_eq!(
        convert(&s("yes"), &Type::Number).unwrap_err().message,
        "a number is required"
    );
    assert_eq!(
        convert(&n("1"), &Type::Bool).unwrap_err().message,
        "bool required"
    );
}

#[test]
fn structural_conversions() {
    let servers = Value::tuple(vec![
        obj(&[
            ("name", s("web")),
            ("port", s("80")),
            ("tags", Value::empty_tuple()),
        ]),
        obj(&[
            ("name", s("db")),
            ("port", n("5432")),
            ("tags", Value::tuple(vec![s("sql"), n("1")])),
        ]),
    ]);
    let ty = Type::list(Type::object([
        ("name".to_string(), Type::String),
        ("port".to_string(), Type::Number),
        ("tags".to_string(), Type::list(Type::String)),
    ]));
    let v = convert(&servers, &ty).unwrap();
    assert_eq!(
        render(&v),
        "tolist([{name = \"web\", port = 80, tags = tolist([])}, {name = \"db\", port = 5432, tags = tolist([\"sql\", \"1\"])}])"
    );
    assert_eq!(v.ty(), ty);

    let missing = convert(
        &obj(&[("a", s("x"))]),
        &Type::object([("a".into(), Type::String), ("b".into(), Type::Number)]),
    );
    assert_eq!(missing.unwrap_err().message, "attribute \"b\" is required");

    let mixed = convert(
        &Value::tuple(vec![n("1"), s("2")]),
        &Type::list(Type::Dynamic),
    )
    .unwrap();
    assert_eq!(render(&mixed), "tolist([\"1\", \"2\"])");

    let set = convert(
        &Value::tuple(vec![s("b"), s("a"), s("b")]),
        &Type::set(Type::String),
    )
    .unwrap();
    assert_eq!(render(&set), "toset([\"a\", \"b\"])");

    let m = convert(
        &obj(&[("a", n("1")), ("b", Value::bool(true))]),
        &Type::map(Type::String),
    )
    .unwrap();
    assert_eq!(render(&m), "tomap({a = \"1\", b = \"true\"})");

    let empty = convert(&Value::empty_tuple(), &Type::list(Type::Dynamic)).unwrap();
    assert_eq!(empty.ty(), Type::list(Type::Dynamic));
}

#[test]
fn unification() {
    assert_eq!(unify(&[Type::Number, Type::String]), Some(Type::String));
    assert_eq!(unify(&[Type::Number, Type::Bool]), None);
    assert_eq!(
        unify(&[Type::tuple(vec![Type::String]), Type::empty_tuple()]),
        Some(Type::list(Type::String))
    );
    assert_eq!(
        unify(&[
            Type::object([("a".into(), Type::Number)]),
            Type::object([("b".into(), Type::String)])
        ]),
        Some(Type::map(Type::String))
    );
}

#[test]
fn set_order_follows_cty() {
    let objects: Vec<Value> = ["9", "10", "100", "5", "55", "-1"]
        .iter()
        .map(|x| obj(&[("a", n(x))]))
        .collect();
    let set = Value::set(Type::object([("a".into(), Type::Number)]), objects);
    let order: Vec<String> = set
        .as_seq()
        .unwrap()
        .iter()
        .map(|o| render(o.get_attr("a").unwrap()))
        .collect();
    assert_eq!(order, ["-1", "100", "10", "55", "5", "9"]);

    let strs = Value::set(Type::String, vec![s("b"), s("a"), s("B"), s("ab")]);
    assert_eq!(render(&strs), "toset([\"B\", \"a\", \"ab\", \"b\"])");
    let nums = Value::set(Type::Number, vec![n("10"), n("9"), n("-1")]);
    assert_eq!(render(&nums), "toset([-1, 9, 10])");
}

#[test]
fn marks_survive_conversion_and_collections() {
    let secret = s("x").sensitive();
    let v = convert(
        &Value::tuple(vec![secret, s("y")]),
        &Type::list(Type::String),
    )
    .unwrap();
    assert!(v.has_marks_deep());
    assert!(!v.is_sensitive());
    let set = Value::set(Type::String, vec![s("a").sensitive()]);
    assert!(set.is_sensitive());
    let (plain, paths) = obj(&[("a", s("1").sensitive()), ("b", s("2"))]).unmark_deep_with_paths();
    assert!(!plain.has_marks_deep());
    assert_eq!(paths.len(), 1);
    assert!(
        plain
            .mark_paths(&paths)
            .get_attr("a")
            .unwrap()
            .is_sensitive()
    );
}

#[test]
fn json_round_trips() {
    let v = obj(&[
        (
            "a",
            Value::tuple(vec![Value::bool(true), Value::null_dynamic(), s("x")]),
        ),
        ("b", n("1")),
        ("c", obj(&[("d", n("1.5"))])),
    ]);
    assert_eq!(
        json::to_json_text(&v).unwrap(),
        r#"{"a":[true,null,"x"],"b":1,"c":{"d":1.5}}"#
    );
    assert_eq!(
        json::to_json_text(&s("<a href=\"x\">&</a>")).unwrap(),
        r#""\u003ca href=\"x\"\u003e\u0026\u003c/a\u003e""#
    );
    let j = json::to_json_typed(&v, &v.ty()).unwrap();
    let back = json::from_json(&j, &v.ty()).unwrap();
    assert_eq!(back, v);
    let dynamic = json::to_json_typed(&s("x"), &Type::Dynamic).unwrap();
    assert_eq!(dynamic.to_string(), r#"{"value":"x","type":"string"}"#);
    let big: serde_json::Value = serde_json::from_str("123456789012345678901234567890").unwrap();
    assert_eq!(
        render(&json::from_json_implied(&big).unwrap()),
        "123456789012345678901234567890"
    );
    let t = Type::list(Type::object([("a".into(), Type::Number)]));
    assert_eq!(json::type_from_json(&json::type_to_json(&t)).unwrap(), t);
}
