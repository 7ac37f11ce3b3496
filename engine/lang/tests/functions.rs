//! The built-in functions against what Terraform returns: every case of `fixtures/functions.json`
//! (recorded from the reference Terraform by `record_functions.py`) and `fixtures/functions_manual.json`
//! (functions newer than the reference, written from Terraform's documentation) is evaluated and
//! compared exactly: value as JSON (numbers as text), type, sensitivity, or the error's summary and
//! detail.

mod recorded;

use recorded::{check_file, eval, fixtures_dir};
use terrane_config::syntax::native::parse_expression;
use terrane_lang::{EvalContext, Functions, evaluate};
use terrane_values::display::{RenderOptions, render};
use terrane_values::{Type, Value};

#[test]
fn recorded_from_terraform() {
    check_file("functions.json");
}

#[test]
fn newer_than_the_reference() {
    check_file("functions_manual.json");
}

/// Evaluates with `local.u` (an unknown string), `local.ul` (an unknown list of strings), `local.d`
/// (unknown of unknown type) and `local.s` (a sensitive string) in scope.
fn eval_with_locals(src: &str) -> Value {
    let functions = Functions::new(fixtures_dir());
    let mut ctx = EvalContext::new(&functions);
    ctx.set(
        "local",
        Value::object_from([
            ("u", Value::unknown(Type::String)),
            ("ul", Value::unknown(Type::list(Type::String))),
            ("d", Value::dynamic_unknown()),
            ("s", Value::string("secret").sensitive()),
        ]),
    );
    let expr = parse_expression("case.tf", src).expect("parses");
    let (v, diags) = evaluate(&expr, &ctx);
    assert!(!diags.has_errors(), "{src}: {diags:?}");
    v
}

/// `(expression, expected rendering)`; unknown values render as `(known after apply)`.
fn check_rendered(cases: &[(&str, &str)]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(src, want)| {
            let got = render(&eval_with_locals(src), &RenderOptions::user());
            (got != *want).then(|| format!("{src}\n    expected {want}\n    got      {got}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn unknown_values_short_circuit() {
    check_rendered(&[
        ("upper(local.u)", "(known after apply)"),
        ("length(local.ul)", "(known after apply)"),
        ("length([local.u, \"a\"])", "2"),
        ("jsonencode([local.u])", "(known after apply)"),
        ("yamlencode({a = local.u})", "(known after apply)"),
        ("format(\"%s-%s\", \"a\", local.u)", "(known after apply)"),
        ("formatlist(\"%s\", local.ul)", "(known after apply)"),
        ("coalesce(local.u, \"x\")", "(known after apply)"),
        ("coalesce(\"x\", local.u)", "\"x\""),
        ("contains([\"a\", local.u], \"a\")", "true"),
        ("join(\",\", local.ul)", "(known after apply)"),
        ("keys({a = local.u})", "[\"a\"]"),
        ("lookup({a = local.u}, \"a\")", "(known after apply)"),
        ("element([local.u, \"b\"], 1)", "\"b\""),
        ("tostring(local.d)", "(known after apply)"),
        ("regexall(local.u, \"abc\")", "(known after apply)"),
        ("cidrsubnet(local.u, 4, 1)", "(known after apply)"),
        ("formatdate(\"YYYY\", local.u)", "(known after apply)"),
        (
            "templatefile(\"files/single.tmpl\", {a = local.u})",
            "(known after apply)",
        ),
        ("sensitive(local.u)", "(sensitive value)"),
    ]);
}

#[test]
fn sensitive_values_propagate() {
    check_rendered(&[
        ("upper(local.s)", "(sensitive value)"),
        ("issensitive(local.s)", "true"),
        ("issensitive(upper(local.s))", "true"),
        ("nonsensitive(local.s)", "\"secret\""),
        ("length(local.s)", "(sensitive value)"),
        ("sha256(local.s)", "(sensitive value)"),
        ("keys({a = local.s})", "[\"a\"]"),
        ("element([local.s, \"b\"], 1)", "\"b\""),
    ]);
}

fn is_match(pattern: &str, text: &str) -> bool {
    regex::Regex::new(pattern).expect("pattern").is_match(text)
}

fn string_of(src: &str) -> String {
    eval_with_locals(src)
        .as_str()
        .expect("a known string")
        .to_string()
}

#[test]
fn uuid_is_random_version_4() {
    let (a, b) = (string_of("uuid()"), string_of("uuid()"));
    assert!(
        is_match(
            "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
            &a
        ),
        "{a}"
    );
    assert_ne!(a, b);
}

#[test]
fn timestamps_are_now_in_utc() {
    for f in ["timestamp()", "plantimestamp()"] {
        let t = string_of(f);
        assert!(
            is_match("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$", &t),
            "{f}: {t}"
        );
        let year: i32 = t[..4].parse().expect("year");
        assert!(year >= 2024, "{t}");
        // The result is a valid input for the other date functions.
        assert_eq!(string_of(&format!("timeadd(\"{t}\", \"0s\")")), t);
    }
}

#[test]
fn bcrypt_hashes_verify() {
    let h = string_of("bcrypt(\"hunter2\")");
    assert!(h.starts_with("$2a$10$") && h.len() == 60, "{h}");
    assert!(bcrypt::verify("hunter2", &h).expect("valid hash"));
    let cheap = string_of("bcrypt(\"hunter2\", 4)");
    assert!(cheap.starts_with("$2a$04$"), "{cheap}");
    assert_ne!(
        string_of("bcrypt(\"x\", 4)"),
        string_of("bcrypt(\"x\", 4)"),
        "salted"
    );
    let err = eval("bcrypt(\"x\", 3)").expect_err("cost too low");
    assert_eq!(err.0, "Error in function call");
    let err = eval("bcrypt(\"x\", 4, 5)").expect_err("too many arguments");
    assert_eq!(err.0, "Error in function call");
}

#[test]
fn base64gzip_round_trips_with_gos_header() {
    use std::io::Read;
    for text in ["test", "", "hello hello hello hello"] {
        let b64 = string_of(&format!("base64gzip(\"{text}\")"));
        let bytes = base64_decode(&b64);
        // Go's gzip.Writer: no name, no modification time, unknown OS.
        assert_eq!(
            &bytes[..10],
            &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff],
            "{b64}"
        );
        let mut out = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut out)
            .expect("gunzip");
        assert_eq!(out, text);
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let v = eval(&format!("textdecodebase64(\"{s}\", \"ISO-8859-1\")")).expect("decodes");
    v.as_str()
        .expect("string")
        .chars()
        .map(|c| c as u32 as u8)
        .collect()
}

#[test]
fn file_functions_resolve_home_and_absolute_paths() {
    let abs = fixtures_dir().join("files/hello.txt");
    assert_eq!(
        string_of(&format!("file(\"{}\")", abs.display())),
        "Hello World\n"
    );
    let home = std::env::var("HOME").unwrap_or_default();
    assert_eq!(string_of("pathexpand(\"~/x\")"), format!("{home}/x"));
    let cwd = std::env::current_dir().expect("cwd");
    assert_eq!(
        string_of("abspath(\"a/../b\")"),
        format!("{}/b", cwd.display())
    );
}

/// `templatestring` (Terraform 1.9, newer than the reference): renders a string held by a named
/// value; a template written in place is refused, as Terraform refuses it.
#[test]
fn templatestring_renders_named_templates_only() {
    let functions = Functions::new(fixtures_dir());
    let mut ctx = EvalContext::new(&functions);
    ctx.set(
        "local",
        Value::object_from([
            (
                "greeting",
                Value::string("Hello, ${name}!%{ if loud } !!%{ endif }"),
            ),
            (
                "list",
                Value::string("%{ for x in items }[${x}]%{ endfor }"),
            ),
        ]),
    );
    let eval = |src: &str| {
        let expr = parse_expression("case.tf", src).expect("parses");
        evaluate(&expr, &ctx)
    };
    let (v, d) = eval("templatestring(local.greeting, { name = \"World\", loud = true })");
    assert!(!d.has_errors(), "{d:?}");
    assert_eq!(v.as_str(), Some("Hello, World! !!"));
    let (v, _) = eval("templatestring(local.list, { items = [1, 2] })");
    assert_eq!(v.as_str(), Some("[1][2]"));
    let (_, d) = eval("templatestring(local.greeting, { loud = false })");
    let e = d.errors().next().expect("a missing variable is an error");
    assert!(
        e.detail.contains("vars map does not contain key \"name\""),
        "{e:?}"
    );
    let (_, d) = eval("templatestring(\"Hi ${name}\", { name = \"x\" })");
    let e = d.errors().next().expect("a literal template is refused");
    assert_eq!(e.summary, "Invalid function argument");
    assert!(
        e.detail.contains("must be a reference to a named value"),
        "{e:?}"
    );
}
