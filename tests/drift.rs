//! `terrane drift` with the built-in providers (no cloud account): a clean stack is no drift, a file
//! changed or removed on disk is drift, in every report format; the JSON report follows its
//! documented schema; the state is neither written nor left locked; `-recursive` checks every stack
//! below a directory and reports a broken one as an error without hiding the others.

#[path = "support/drift_report.rs"]
mod drift_report;
mod support;

use support::Workdir;

const FILES: &str = r#"
resource "local_file" "a" {
  filename = "${path.module}/a.txt"
  content  = "hello"
}

resource "local_sensitive_file" "s" {
  filename = "${path.module}/s.txt"
  content  = "secret"
}

resource "random_pet" "p" {}
"#;

fn json(r: &support::Run) -> serde_json::Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.text()))
}

fn serial(w: &Workdir) -> u64 {
    let s: serde_json::Value = serde_json::from_str(&w.ok(&["state", "pull"]).stdout).unwrap();
    s["serial"].as_u64().unwrap()
}

#[test]
fn a_clean_stack_has_no_drift_and_files_changed_on_disk_are_drift_in_every_format() {
    let w = Workdir::new(&[("main.tf", FILES)]);
    w.ok(&["apply", "-auto-approve", "-no-color"]);
    let before = serial(&w);

    let r = w.run(&["drift", "-no-color"]);
    assert_eq!(r.code, 0, "{}", r.text());
    assert!(
        r.stdout
            .starts_with("No drift. 1 stack, 3 resources checked: 3 in sync"),
        "{}",
        r.stdout
    );
    let r = w.run(&["drift", "-format=json"]);
    assert_eq!(r.code, 0, "{}", r.text());
    let doc = json(&r);
    drift_report::check(&doc);
    assert_eq!(doc["drift_detected"], false);
    assert_eq!(doc["summary"]["in_sync"], 3);

    // changed and removed behind terrane's back (the local provider treats a file whose content
    // changed as gone, as Terraform's does)
    w.write("a.txt", "changed");
    w.remove("s.txt");
    let r = w.run(&["drift", "-format=json"]);
    assert_eq!(r.code, 2, "{}", r.text());
    let doc = json(&r);
    drift_report::check(&doc);
    assert_eq!(doc["drift_detected"], true);
    let statuses: Vec<(String, String)> = doc["stacks"][0]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["address"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("local_file.a".to_string(), "deleted".to_string()),
            ("local_sensitive_file.s".to_string(), "deleted".to_string()),
            ("random_pet.p".to_string(), "in_sync".to_string()),
        ]
    );
    assert_eq!(doc["summary"]["deleted"], 2);
    assert_eq!(
        doc["summary"]["api_calls"], 0,
        "the built-in providers call no API"
    );

    let r = w.run(&["drift", "-no-color"]);
    assert_eq!(r.code, 2, "{}", r.text());
    assert!(r.stdout.contains("Drift detected."), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("- local_file.a has been deleted outside terrane"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("random_pet.p"),
        "in-sync resources are not listed: {}",
        r.stdout
    );

    let r = w.run(&["drift", "-format=markdown"]);
    assert_eq!(r.code, 2, "{}", r.text());
    assert!(
        r.stdout.starts_with("## :warning: terrane found drift"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("| `.` | drifted | 0 | 2 | 0 |"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("`local_file.a` was deleted outside terrane"),
        "{}",
        r.stdout
    );

    let r = w.run(&["drift", "-format=junit"]);
    assert_eq!(r.code, 2, "{}", r.text());
    assert!(r.stdout.starts_with("<?xml"), "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "<testsuite name=\".\" tests=\"3\" failures=\"2\" errors=\"0\" skipped=\"0\">"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("<testcase classname=\".\" name=\"random_pet.p\"/>"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(
            "<failure type=\"deleted\" message=\"local_file.a has been deleted outside terrane\">"
        ),
        "{}",
        r.stdout
    );

    // -out writes the report to a file and prints the text summary
    let r = w.run(&["drift", "-format=junit", "-out", "report.xml"]);
    assert_eq!(r.code, 2, "{}", r.text());
    let xml = std::fs::read_to_string(w.path().join("report.xml")).unwrap();
    assert!(
        xml.contains("<testsuites name=\"terrane drift\" tests=\"3\" failures=\"2\""),
        "{xml}"
    );
    assert!(r.stdout.starts_with("Drift detected."), "{}", r.stdout);

    // nothing was written, and no lock was left behind
    assert_eq!(serial(&w), before, "drift writes no state");
    let p = w.run(&[
        "plan",
        "-refresh-only",
        "-detailed-exitcode",
        "-no-color",
        "-lock-timeout=0s",
    ]);
    assert_eq!(p.code, 2, "{}", p.text());
    assert!(
        p.stdout.contains("Objects have changed outside of terrane"),
        "{}",
        p.stdout
    );
}

#[test]
fn drift_of_a_directory_and_usage_errors() {
    let w = Workdir::new(&[("stack/main.tf", FILES)]);
    let r = w.run(&["-chdir=stack", "apply", "-auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.text());
    let r = w.run(&["drift", "-format=json", "stack"]);
    assert_eq!(r.code, 0, "{}", r.text());
    assert_eq!(json(&r)["stacks"][0]["path"], "stack");
    let r = w.run(&["drift", "-format=yaml", "stack"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(r.stderr.contains("-format must be one of"), "{}", r.stderr);
    let r = w.run(&[
        "drift",
        "-unmanaged",
        "-unmanaged-filter",
        "nonsense",
        "stack",
    ]);
    assert_eq!(r.code, 1, "{}", r.text());
    // the built-in providers list nothing; a stack's own filters must be valid
    let r = w.run(&["drift", "-unmanaged", "-format=json", "stack"]);
    assert_eq!(r.code, 0, "{}", r.text());
    let doc = json(&r);
    drift_report::check(&doc);
    assert_eq!(doc["unmanaged"]["objects"], serde_json::json!([]));
    w.write(
        "stack/terrane-drift.json",
        "{\"unmanaged_filters\": \"tag:Team=x\"}",
    );
    let r = w.run(&["drift", "-unmanaged", "-format=json", "stack"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert_eq!(
        json(&r)["stacks"][0]["errors"][0]["summary"],
        "Invalid terrane-drift.json"
    );
}

#[test]
fn recursive_checks_every_stack_and_a_broken_one_does_not_hide_the_others() {
    let w = Workdir::new(&[
        (
            "clean/main.tf",
            "module \"m\" {\n  source = \"../modules/m\"\n}\n",
        ),
        ("modules/m/main.tf", "resource \"random_pet\" \"p\" {}\n"),
        ("drifted/main.tf", FILES),
        (
            "broken/main.tf",
            "resource \"local_file\" \"x\" {\n  content = \n}\n",
        ),
        (
            "nested/deeper/main.tf",
            "variable \"len\" {\n  type = number\n}\n\nresource \"random_id\" \"i\" {\n  byte_length = var.len\n}\n",
        ),
    ]);
    for d in ["clean", "drifted", "nested/deeper"] {
        let r = w.run_with(
            &[&format!("-chdir={d}"), "apply", "-auto-approve"],
            &[("TF_VAR_len", "4")],
            None,
        );
        assert_eq!(r.code, 0, "{d}: {}", r.text());
    }
    // -var applies to the stacks that declare the variable
    let r = w.run(&["drift", "-recursive", "-format=json", "-var", "len=4", "."]);
    assert_eq!(r.code, 1, "a broken stack is an error: {}", r.text());
    let doc = json(&r);
    drift_report::check(&doc);
    let stacks: Vec<(String, String)> = doc["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        stacks,
        [
            ("broken".to_string(), "error".to_string()),
            ("clean".to_string(), "in_sync".to_string()),
            ("drifted".to_string(), "in_sync".to_string()),
            ("nested/deeper".to_string(), "in_sync".to_string()),
        ],
        "the module the clean stack calls is not a stack"
    );
    assert!(
        doc["stacks"][0]["errors"][0]["summary"]
            .as_str()
            .unwrap()
            .contains("Invalid"),
        "{}",
        doc["stacks"][0]
    );
    assert_eq!(doc["summary"]["resources"], 5);

    std::fs::remove_file(w.path().join("drifted/a.txt")).unwrap();
    w.remove("broken/main.tf");
    w.write("broken/main.tf", "resource \"random_pet\" \"q\" {}\n");
    let r = w.run(&[
        "drift",
        "-recursive",
        "-var",
        "len=4",
        "-concurrency=2",
        "-format=markdown",
        ".",
    ]);
    assert_eq!(r.code, 2, "{}", r.text());
    assert!(
        r.stdout.contains("| `drifted` | drifted | 0 | 1 | 0 |"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("| `clean` | in_sync | 0 | 0 | 0 |"),
        "{}",
        r.stdout
    );
}

#[test]
fn no_drift_right_after_applying_the_quickstart_example() {
    let w = Workdir::copy_of(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/quickstart"),
    );
    w.ok(&["apply", "-auto-approve", "-no-color"]);
    let r = w.run(&["drift", "-format=json"]);
    assert_eq!(r.code, 0, "{}", r.text());
    let doc = json(&r);
    drift_report::check(&doc);
    assert!(doc["summary"]["resources"].as_u64().unwrap() > 3, "{doc:#}");
    assert_eq!(doc["summary"]["in_sync"], doc["summary"]["resources"]);
}

#[test]
fn refresh_only_plans_show_the_drift_as_terraform_does() {
    let w = Workdir::new(&[(
        "main.tf",
        "resource \"local_file\" \"a\" {\n  filename = \"${path.module}/a.txt\"\n  content  = \"hello\"\n}\n\nresource \"random_pet\" \"p\" {}\n",
    )]);
    w.ok(&["apply", "-auto-approve", "-no-color"]);
    let r = w.run(&["plan", "-refresh-only", "-no-color", "-detailed-exitcode"]);
    assert_eq!(r.code, 0, "{}", r.text());
    assert!(
        r.stdout
            .contains("No changes. Your infrastructure still matches the configuration."),
        "{}",
        r.stdout
    );

    w.remove("a.txt");
    let r = w.run(&[
        "plan",
        "-refresh-only",
        "-no-color",
        "-detailed-exitcode",
        "-out=drift.plan",
    ]);
    assert_eq!(r.code, 2, "{}", r.text());
    let at = r
        .stdout
        .find("Note: Objects have changed outside of terrane")
        .expect(&r.stdout);
    let section = &r.stdout[at..];
    let head = "Note: Objects have changed outside of terrane\n\nterrane detected the following changes made outside of terrane since the\nlast \"terrane apply\" which may have affected this plan:\n\n  # local_file.a has been deleted\n  - resource \"local_file\" \"a\" {\n";
    assert!(section.starts_with(head), "{section}");
    let tail = "    }\n\n\nThis is a refresh-only plan, so terrane will not take any actions to undo\nthese. If you were expecting these changes then you can apply this plan to\nrecord the updated values in the terrane state without changing any remote\nobjects.\n\n─────";
    assert!(section.contains(tail), "{section}");
    assert!(
        !section.contains("Unless you have made equivalent changes"),
        "{section}"
    );

    // show -json: resource_drift in Terraform's format
    let shown = w.ok(&["show", "-json", "drift.plan"]);
    let plan: serde_json::Value = serde_json::from_str(&shown.stdout).unwrap();
    let drift = &plan["resource_drift"][0];
    for (k, v) in [
        ("address", "local_file.a"),
        ("mode", "managed"),
        ("type", "local_file"),
        ("name", "a"),
        ("provider_name", "registry.terraform.io/hashicorp/local"),
    ] {
        assert_eq!(drift[k], v, "{drift:#}");
    }
    assert_eq!(drift["change"]["actions"], serde_json::json!(["delete"]));
    assert_eq!(drift["change"]["before"]["content"], "hello");
    assert!(drift["change"]["after"].is_null());
    assert_eq!(
        plan["resource_drift"].as_array().unwrap().len(),
        1,
        "random_pet.p did not drift"
    );
    assert!(
        plan.get("resource_changes").is_none_or(|c| c
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["change"]["actions"] == serde_json::json!(["no-op"]))),
        "{plan:#}"
    );

    // apply -refresh-only accepts it into the state; then nothing has drifted
    w.ok(&["apply", "-refresh-only", "-auto-approve", "-no-color"]);
    assert!(!w.ok(&["state", "list"]).stdout.contains("local_file.a"));
    let r = w.run(&["drift", "-no-color"]);
    assert_eq!(r.code, 0, "{}", r.text());
}
