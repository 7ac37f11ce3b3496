//! Cases recorded from the reference Terraform (by `record_functions.py`), evaluated by terrane and
//! compared exactly: value as JSON (numbers as text), type, sensitivity, or the error's summary and
//! detail. Shared by the function and language tests.

use serde_json::Value as Json;
use std::path::PathBuf;
use terrane_config::syntax::native::parse_expression;
use terrane_lang::{EvalContext, Functions, evaluate};
use terrane_values::Value;
use terrane_values::json::{to_json, type_to_json};

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Evaluates an expression with the fixtures folder as the working directory of file functions.
pub fn eval(src: &str) -> Result<Value, (String, String)> {
    let functions = Functions::new(fixtures_dir());
    let ctx = EvalContext::new(&functions);
    let expr = parse_expression("case.tf", src).map_err(|d| (d.summary, d.detail))?;
    let (v, diags) = evaluate(&expr, &ctx);
    match diags.errors().next() {
        Some(d) => Err((d.summary.clone(), d.detail.clone())),
        None => Ok(v),
    }
}

/// Compares one case with its expected outcome; `None` when they agree.
fn check(case: &Json) -> Option<String> {
    let expr = case["expr"].as_str().expect("expr");
    let got = eval(expr);
    if let Some(err) = case.get("error") {
        let (summary, detail) = (
            err["summary"].as_str().unwrap_or(""),
            err["detail"].as_str(),
        );
        return match got {
            Ok(v) => Some(format!(
                "{expr}\n    expected error {summary}: {detail:?}\n    got {v:?}"
            )),
            Err((s, d)) if s == summary && detail.is_none_or(|x| x == d) => None,
            Err((s, d)) => Some(format!(
                "{expr}\n    expected error {summary}: {}\n    got error      {s}: {d}",
                detail.unwrap_or("(any)")
            )),
        };
    }
    let v = match got {
        Ok(v) => v,
        Err((s, d)) => {
            return Some(format!(
                "{expr}\n    expected {}\n    got error {s}: {d}",
                case["value"]
            ));
        }
    };
    let sensitive = case
        .get("sensitive")
        .and_then(Json::as_bool)
        .unwrap_or(false);
    if v.marks_deep().is_sensitive() != sensitive {
        return Some(format!(
            "{expr}\n    expected sensitive={sensitive}, got {v:?}"
        ));
    }
    let (v, _) = v.unmark_deep();
    if let Some(inf) = case.get("infinity") {
        let want_neg = inf.as_str() == Some("-Inf");
        return match v.as_number() {
            Some(n) if n.is_infinite() && n.is_negative() == want_neg => None,
            _ => Some(format!("{expr}\n    expected {inf}\n    got {v:?}")),
        };
    }
    if case["type"].is_null() {
        return if v.is_null() {
            None
        } else {
            Some(format!("{expr}\n    expected null\n    got {v:?}"))
        };
    }
    let got_ty = type_to_json(&v.ty());
    let got_val = match to_json(&v) {
        Ok(j) => j,
        Err(e) => {
            return Some(format!(
                "{expr}\n    expected {}\n    got {v:?} ({e})",
                case["value"]
            ));
        }
    };
    if got_val != case["value"] || got_ty != case["type"] {
        return Some(format!(
            "{expr}\n    expected {} : {}\n    got      {} : {}",
            case["value"], case["type"], got_val, got_ty
        ));
    }
    None
}

/// Expressions whose result is known to differ from Terraform's, one a line in
/// `fixtures/known_differences.txt` (with the reason in a comment above each group).
fn known_differences() -> Vec<String> {
    let text =
        std::fs::read_to_string(fixtures_dir().join("known_differences.txt")).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Checks every case of a fixture file, allowing for the known differences.
pub fn check_file(name: &str) {
    let text = std::fs::read_to_string(fixtures_dir().join(name)).expect("fixture file");
    let cases: Vec<Json> = serde_json::from_str(&text).expect("fixture JSON");
    let known = known_differences();
    let mut failures = Vec::new();
    let mut now_passing = Vec::new();
    for case in &cases {
        let expr = case["expr"].as_str().unwrap_or_default();
        match (check(case), known.iter().any(|k| k == expr)) {
            (Some(f), false) => failures.push(f),
            (None, true) => now_passing.push(expr.to_string()),
            _ => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases in {name} differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(
        now_passing.is_empty(),
        "remove from known_differences.txt, these pass now:\n{}",
        now_passing.join("\n")
    );
}
