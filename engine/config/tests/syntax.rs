//! Syntax errors against what Terraform reports: every file of `fixtures/syntax.json` (recorded from
//! the reference Terraform by `record_syntax.py` from `fixtures/syntax_cases.txt`) is parsed, and the
//! first error must be Terraform's first: same summary, detail, start and end. A file Terraform
//! parses must parse without errors.

use serde_json::Value as Json;
use std::path::PathBuf;
use terrane_config::syntax::native::parse_file;

/// Files where terrane knowingly answers differently, with the reason.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[
    (
        "provider::",
        "provider-defined function names (Terraform 1.8) are newer than the reference Terraform",
    ),
    (
        "a = foo[0\n",
        "Terraform points at the end of the file after its error recovery; terrane at the token",
    ),
    (
        "a = foo[*\n",
        "Terraform points at the end of the file after its error recovery; terrane at the token",
    ),
];

fn known(text: &str) -> bool {
    KNOWN_DIFFERENCES.iter().any(|(k, _)| text.contains(k))
}

#[test]
fn first_error_is_terraforms() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/syntax.json");
    let cases: Vec<Json> = serde_json::from_str(&std::fs::read_to_string(path).expect("fixture"))
        .expect("fixture JSON");
    let mut failures = Vec::new();
    let mut now_passing = Vec::new();
    for case in &cases {
        let text = case["text"].as_str().expect("text");
        let (_, diags) = parse_file("main.tf", text);
        let got = diags.errors().next().map(|d| {
            let r = d.subject.as_ref().expect("a syntax error has a range");
            format!(
                "{} | {} | {}:{}-{}:{}",
                d.summary, d.detail, r.start.line, r.start.column, r.end.line, r.end.column
            )
        });
        let want = case["errors"].get(0).map(|e| {
            format!(
                "{} | {} | {}:{}-{}:{}",
                e["summary"].as_str().unwrap_or(""),
                e["detail"].as_str().unwrap_or(""),
                e["start"][0],
                e["start"][1],
                e["end"][0],
                e["end"][1]
            )
        });
        match (got == want, known(text)) {
            (false, false) => failures.push(format!(
                "{text}\n    expected {}\n    got      {}",
                want.as_deref().unwrap_or("no error"),
                got.as_deref().unwrap_or("no error")
            )),
            (true, true) => now_passing.push(text.to_string()),
            _ => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} files differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(
        now_passing.is_empty(),
        "remove from KNOWN_DIFFERENCES, these pass now:\n{}",
        now_passing.join("\n")
    );
}
