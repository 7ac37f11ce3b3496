//! `terrane fmt` against the reference `terraform fmt`: every input of `fixtures/fmt.json` (recorded by
//! `record_fmt.py`) must come out as Terraform wrote it, and formatting Terraform's output again must
//! change nothing. An input Terraform refused must be refused.

use serde_json::Value as Json;
use std::path::PathBuf;
use terrane_config::fmt::format_file;

#[test]
fn formats_as_terraform_does() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fmt.json");
    let cases: Vec<Json> = serde_json::from_str(&std::fs::read_to_string(path).expect("fixture"))
        .expect("fixture JSON");
    assert!(cases.len() > 50, "the fixture holds the recorded inputs");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().expect("name");
        let input = case["input"].as_str().expect("input");
        let got = format_file("main.tf", input).ok();
        let want = case["output"].as_str();
        if got.as_deref() != want {
            failures.push(format!(
                "{name}\n--- input\n{input}\n--- terraform\n{}\n--- terrane\n{}",
                want.unwrap_or("(refused)"),
                got.as_deref().unwrap_or("(refused)")
            ));
            continue;
        }
        if let Some(want) = want {
            let again = format_file("main.tf", want).expect("Terraform's output parses");
            if again != want {
                failures.push(format!(
                    "{name}: formatting Terraform's output changed it:\n{again}"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
