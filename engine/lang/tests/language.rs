//! The Terraform language's expressions against what Terraform returns: operators and their
//! precedence, number exactness, conditionals, collections, indexing, `for` expressions, splats,
//! string templates with directives and strip markers, heredocs, and conversions. Every case of
//! `fixtures/language.json` (recorded from the reference Terraform by `record_functions.py` from
//! `fixtures/language_cases.txt`) is evaluated and compared exactly, errors included.

mod recorded;

#[test]
fn recorded_from_terraform() {
    recorded::check_file("language.json");
}
