//! The drift report as JUnit XML, so CI systems show each resource as a test: one test suite per
//! stack, one test case per resource (a failure when it drifted or was deleted, an error when it
//! could not be refreshed), and a suite of the unmanaged objects, each a failure.

use crate::drift::report::change_text;
use serde_json::Value as Json;

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => {}
            c => out.push(c),
        }
    }
    out
}

struct Case {
    name: String,
    /// (element, type, message, text)
    outcome: Option<(&'static str, &'static str, String, String)>,
}

fn suite(out: &mut String, name: &str, cases: &[Case]) {
    let failures = cases
        .iter()
        .filter(|c| matches!(c.outcome, Some(("failure", ..))))
        .count();
    let errors = cases
        .iter()
        .filter(|c| matches!(c.outcome, Some(("error", ..))))
        .count();
    let skipped = cases
        .iter()
        .filter(|c| matches!(c.outcome, Some(("skipped", ..))))
        .count();
    out.push_str(&format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">\n",
        esc(name),
        cases.len()
    ));
    for c in cases {
        let open = format!(
            "    <testcase classname=\"{}\" name=\"{}\"",
            esc(name),
            esc(&c.name)
        );
        match &c.outcome {
            None => out.push_str(&format!("{open}/>\n")),
            Some((element, ty, message, text)) => out.push_str(&format!(
                "{open}>\n      <{element} type=\"{ty}\" message=\"{}\">{}</{element}>\n    </testcase>\n",
                esc(message),
                esc(text)
            )),
        }
    }
    out.push_str("  </testsuite>\n");
}

/// Renders the report.
pub fn render(doc: &Json) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    let mut add = |name: &str, cases: Vec<Case>| {
        tests += cases.len();
        for c in &cases {
            match c.outcome {
                Some(("failure", ..)) => failures += 1,
                Some(("error", ..)) => errors += 1,
                _ => {}
            }
        }
        suite(&mut suites, name, &cases);
    };
    for st in doc["stacks"].as_array().into_iter().flatten() {
        let mut cases = Vec::new();
        for e in st["errors"].as_array().into_iter().flatten() {
            let summary = e["summary"].as_str().unwrap_or("").to_string();
            cases.push(Case {
                name: "(stack)".into(),
                outcome: Some((
                    "error",
                    "error",
                    summary.clone(),
                    format!("{summary}: {}", e["detail"].as_str().unwrap_or("")),
                )),
            });
        }
        for r in st["resources"].as_array().into_iter().flatten() {
            let name = r["address"].as_str().unwrap_or("").to_string();
            let outcome = match r["status"].as_str() {
                Some("drifted") => {
                    let lines: Vec<String> = r["changes"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(change_text)
                        .collect();
                    Some((
                        "failure",
                        "drift",
                        format!("{name} has changed outside terrane"),
                        lines.join("\n"),
                    ))
                }
                Some("deleted") => Some((
                    "failure",
                    "deleted",
                    format!("{name} has been deleted outside terrane"),
                    String::new(),
                )),
                Some("error") => Some((
                    "error",
                    "refresh",
                    format!("{name} could not be refreshed"),
                    r["error"].as_str().unwrap_or("").to_string(),
                )),
                Some("not_checked") => Some((
                    "skipped",
                    "not_checked",
                    "not checked: the stack has errors".into(),
                    String::new(),
                )),
                _ => None,
            };
            cases.push(Case { name, outcome });
        }
        add(st["path"].as_str().unwrap_or("."), cases);
    }
    if let Some(u) = doc.get("unmanaged") {
        let mut cases: Vec<Case> = u["objects"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|o| {
                let name = format!(
                    "{} {}",
                    o["type"].as_str().unwrap_or(""),
                    o["id"].as_str().unwrap_or("")
                );
                Case {
                    outcome: Some((
                        "failure",
                        "unmanaged",
                        format!(
                            "{name} is in no state checked (import id {})",
                            o["import_id"].as_str().unwrap_or("")
                        ),
                        o["name"].as_str().unwrap_or("").to_string(),
                    )),
                    name,
                }
            })
            .collect();
        for e in u["errors"].as_array().into_iter().flatten() {
            cases.push(Case {
                name: "(listing)".into(),
                outcome: Some((
                    "error",
                    "error",
                    e["summary"].as_str().unwrap_or("").to_string(),
                    e["detail"].as_str().unwrap_or("").to_string(),
                )),
            });
        }
        add("unmanaged", cases);
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"terrane drift\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n{suites}</testsuites>\n"
    )
}
