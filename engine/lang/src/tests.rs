//! Expression evaluation tests: one helper, `check`, evaluates an expression with a few variables and
//! compares the rendered result (or error summary) with the expected text.

use crate::{EvalContext, Functions, evaluate};
use terrane_config::syntax::native::parse_expression;
use terrane_values::display::{RenderOptions, render};
use terrane_values::{Number, Value};

fn eval_text(src: &str) -> String {
    let functions = Functions::new(".");
    let mut ctx = EvalContext::new(&functions);
    ctx.set(
        "local",
        Value::object_from([
            (
                "list",
                Value::tuple(vec!["a".into(), "b".into(), "c".into()]),
            ),
            ("secret", Value::string("hunter2").sensitive()),
            (
                "objs",
                Value::tuple(vec![
                    Value::object_from([("tags", Value::tuple(vec!["a1".into(), "a2".into()]))]),
                    Value::object_from([("tags", Value::tuple(vec!["b1".into(), "b2".into()]))]),
                ]),
            ),
            ("unknown", Value::unknown(terrane_values::Type::String)),
            ("n", Value::number(Number::parse("3").unwrap())),
        ]),
    );
    let expr = parse_expression("test.tf", src).expect("parses");
    let (v, diags) = evaluate(&expr, &ctx);
    if let Some(d) = diags.errors().next() {
        return format!("error: {}: {}", d.summary, d.detail);
    }
    render(&v, &RenderOptions::user())
}

fn check(src: &str, expected: &str) {
    assert_eq!(eval_text(src), expected, "expression: {src}");
}

#[test]
fn arithmetic_and_precedence() {
    check("1 + 2 * 3", "7");
    check("0.1 + 0.2 == 0.3", "true");
    check("5 % 0", "5");
    check("\"1\" * 2", "2");
    check("true && false || true", "true");
    check("!true || true", "true");
    check("1 == \"1\"", "false");
    check("-local.n", "-3");
}

#[test]
fn templates_and_conditionals() {
    check(
        "\"${1.0}|${0.1 + 0.2}|${10 / 4}|${1e3}|${-0.5}\"",
        "\"1|0.3|2.5|1000|-0.5\"",
    );
    check(
        "\"${1 / 3}\"",
        "0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335",
    );
    check("true ? 1 : \"a\"", "\"1\"");
    check("false ? [\"a\"] : []", "tolist([])");
    check("\"%{ for x in local.list }${x}-%{ endfor }\"", "\"a-b-c-\"");
    check("\"x ${local.unknown}\"", "(known after apply)");
    check("\"pw: ${local.secret}\"", "(sensitive value)");
}

#[test]
fn traversals_splats_and_for() {
    check("local.list[1]", "\"b\"");
    check("local.list[\"2\"]", "\"c\"");
    check("local.list.0", "\"a\"");
    check("local.objs[*].tags[0]", "[\"a1\", \"b1\"]");
    check("local.objs.*.tags[0]", "[\"a1\", \"a2\"]");
    check(
        "[for i, v in [\"a\", \"b\"] : \"${i}=${v}\"]",
        "[\"0=a\", \"1=b\"]",
    );
    check(
        "{ for k, v in { a = \"x\", b = \"y\" } : v => k }",
        "{x = \"a\", y = \"b\"}",
    );
    check(
        "{ for s in [\"a\", \"bb\", \"a\"] : substr(s, 0, 1) => s... }",
        "{a = [\"a\", \"a\"], b = [\"bb\"]}",
    );
    check(
        "local.list[5]",
        "error: Invalid index: The given key does not identify an element in this collection value: the given index is greater than or equal to the length of the collection.",
    );
    check(
        "local.nope",
        "error: Unsupported attribute: This object does not have an attribute named \"nope\".",
    );
}

#[test]
fn functions_dispatch() {
    check("upper(\"hello école straße\")", "\"HELLO ÉCOLE STRAßE\"");
    check(
        "title(\"hello world-foo bar_baz o'neil 3rd\")",
        "\"Hello World-Foo Bar_baz O'Neil 3rd\"",
    );
    check("join(\", \", [\"foo\", \"bar\"])", "\"foo, bar\"");
    check("length(\"👍🏽\")", "1");
    check("max(local.n, 10, 2)", "10");
    check("max([3, 54]...)", "54");
    check(
        "length(null)",
        "error: Invalid function argument: Invalid value for \"value\" parameter: argument must not be null.",
    );
    check(
        "nosuch(1)",
        "error: Call to unknown function: There is no function named \"nosuch\".",
    );
    check(
        "join()",
        "error: Not enough function arguments: Function \"join\" expects at least 1 argument(s). Missing value for \"separator\".",
    );
    check("try(local.nope, \"fallback\")", "\"fallback\"");
    check("can(local.nope)", "false");
    check("upper(local.secret)", "(sensitive value)");
    check(
        "format(\"%03d|%-4s|%.2f\", 7, \"ab\", 3.14159)",
        "\"007|ab  |3.14\"",
    );
    check(
        "jsonencode({ b = 1, a = [true, null, \"x\"] })",
        "\"{\\\"a\\\":[true,null,\\\"x\\\"],\\\"b\\\":1}\"",
    );
}
