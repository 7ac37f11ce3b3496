//! End-to-end tests of the `terrane` command on the built-in providers: exit codes, output and state,
//! snapshotted with volatile parts (ids, times, paths) replaced.

mod support;

use expect_test::expect;
use support::Workdir;

const PAIR: &str = r#"
variable "name" {
  type    = string
  default = "alpha"
}
resource "null_resource" "a" {
  triggers = { name = var.name }
}
resource "null_resource" "b" {
  triggers = { a = null_resource.a.id }
}
output "name" { value = null_resource.a.triggers.name }
"#;

#[test]
fn plan_shows_creates_and_the_summary() {
    let w = Workdir::new(&[("main.tf", PAIR)]);
    let r = w.run(&["plan", "-no-color"]);
    expect![[r#"
        exit: 0
        --- stdout

        terrane used the selected providers to generate the following execution
        plan. Resource actions are indicated with the following symbols:
          + create

        terrane will perform the following actions:

          # null_resource.a will be created
          + resource "null_resource" "a" {
              + id       = (known after apply)
              + triggers = {
                  + "name" = "alpha"
                }
            }

          # null_resource.b will be created
          + resource "null_resource" "b" {
              + id       = (known after apply)
              + triggers = {
                  + "a" = (known after apply)
                }
            }

        Plan: 2 to add, 0 to change, 0 to destroy.

        Changes to Outputs:
          + name = "alpha"

        ─────────────────────────────────────────────────────────────────────────────

        Note: You didn't use the -out option to save this plan, so terrane can't
        guarantee to take exactly these actions if you run "terrane apply" now.
        --- stderr
    "#]]
    .assert_eq(&r.normalized());
}

#[test]
fn apply_then_plan_has_no_changes_and_exit_codes_follow_terraform() {
    let w = Workdir::new(&[("main.tf", PAIR)]);
    assert_eq!(
        w.run(&["plan", "-detailed-exitcode", "-no-color"]).code,
        2,
        "changes pending"
    );
    let r = w.ok(&["apply", "-auto-approve", "-no-color"]);
    expect![[r#"
        null_resource.a: Creating...
        null_resource.a: Creation complete after <t> [id=<id>]
        null_resource.b: Creating...
        null_resource.b: Creation complete after <t> [id=<id>]

        Apply complete! Resources: 2 added, 0 changed, 0 destroyed.

        Outputs:

        name = "alpha"
    "#]]
    .assert_eq(&support::normalize(
        &r.stdout[r.stdout.find("null_resource.a: Creating").unwrap()..],
        w.path(),
    ));
    let again = w.run(&["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(again.code, 0, "{}", again.text());
    assert!(again.stdout.contains("No changes."));
    assert_eq!(w.outputs()["name"]["value"], "alpha");
    // An error gives 1 with -detailed-exitcode too.
    w.write(
        "main.tf",
        "resource \"null_resource\" \"a\" {\n  trigger = {}\n}\n",
    );
    assert_eq!(w.run(&["plan", "-detailed-exitcode", "-no-color"]).code, 1);
}

#[test]
fn replacement_names_the_attribute_that_forces_it() {
    let w = Workdir::new(&[("main.tf", PAIR)]);
    w.ok(&["apply", "-auto-approve", "-no-color"]);
    let r = w.run(&["plan", "-no-color", "-var", "name=beta"]);
    let text = support::normalize(&r.stdout, w.path());
    expect![[r#"
        null_resource.a: Refreshing state... [id=<id>]
        null_resource.b: Refreshing state... [id=<id>]

        terrane used the selected providers to generate the following execution
        plan. Resource actions are indicated with the following symbols:
        -/+ destroy and then create replacement

        terrane will perform the following actions:

          # null_resource.a must be replaced
        -/+ resource "null_resource" "a" {
              ~ id       = "<id>" -> (known after apply)
              ~ triggers = { # forces replacement
                  ~ "name" = "alpha" -> "beta"
                }
            }

          # null_resource.b must be replaced
        -/+ resource "null_resource" "b" {
              ~ id       = "<id>" -> (known after apply)
              ~ triggers = { # forces replacement
                  ~ "a" = "<id>" -> (known after apply)
                }
            }

        Plan: 2 to add, 0 to change, 2 to destroy.

        Changes to Outputs:
          ~ name = "alpha" -> "beta"

        ─────────────────────────────────────────────────────────────────────────────

        Note: You didn't use the -out option to save this plan, so terrane can't
        guarantee to take exactly these actions if you run "terrane apply" now.
    "#]]
    .assert_eq(&text);
}

#[test]
fn saved_plans_apply_exactly_and_refuse_when_stale() {
    let w = Workdir::new(&[("main.tf", PAIR)]);
    w.ok(&["plan", "-out=tfplan", "-no-color"]);
    let show: serde_json::Value =
        serde_json::from_str(&w.ok(&["show", "-json", "tfplan"]).stdout).unwrap();
    assert_eq!(show["format_version"], "1.2");
    let changes = show["resource_changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0]["address"], "null_resource.a");
    assert_eq!(
        changes[0]["change"]["actions"],
        serde_json::json!(["create"])
    );
    assert_eq!(changes[0]["change"]["after"]["triggers"]["name"], "alpha");
    assert_eq!(changes[0]["change"]["after_unknown"]["id"], true);
    assert_eq!(
        show["output_changes"]["name"]["actions"],
        serde_json::json!(["create"])
    );
    assert_eq!(
        show["planned_values"]["root_module"]["resources"][0]["values"]["triggers"]["name"],
        "alpha"
    );
    // A second, stale plan.
    w.ok(&["plan", "-out=stale", "-no-color", "-var", "name=gamma"]);
    let applied = w.ok(&["apply", "-no-color", "tfplan"]);
    assert!(
        applied
            .stdout
            .contains("Apply complete! Resources: 2 added"),
        "{}",
        applied.text()
    );
    let stale = w.run(&["apply", "-no-color", "stale"]);
    assert_eq!(stale.code, 1);
    assert!(
        stale.stderr.contains("Saved plan is stale"),
        "{}",
        stale.text()
    );
    assert_eq!(
        w.outputs()["name"]["value"],
        "alpha",
        "the stale plan changed nothing"
    );
}

#[test]
fn saved_plans_made_with_variables_files_apply_and_refuse_changed_configuration() {
    let w = Workdir::new(&[
        ("main.tf", PAIR),
        ("environments/prod.tfvars", "name = \"beta\"\n"),
    ]);
    w.ok(&[
        "plan",
        "-out=tfplan",
        "-no-color",
        "-var-file=environments/prod.tfvars",
    ]);
    w.ok(&["apply", "-no-color", "tfplan"]);
    assert_eq!(w.outputs()["name"]["value"], "beta");

    w.ok(&["plan", "-out=next", "-no-color", "-var", "name=gamma"]);
    w.write("main.tf", &PAIR.replace("alpha", "delta"));
    let changed = w.run(&["apply", "-no-color", "next"]);
    assert_eq!(changed.code, 1, "{}", changed.text());
    assert!(
        changed
            .stderr
            .contains("Saved plan does not match the configuration"),
        "{}",
        changed.text()
    );
}

#[test]
fn configuration_errors_point_at_file_line_and_column_and_are_all_reported() {
    let w = Workdir::new(&[(
        "main.tf",
        r#"resource "null_resource" "a" {
  trigger = { x = "1" }
}
output "x" { value = var.nope }
"#,
    )]);
    let r = w.run(&["plan", "-no-color"]);
    expect![[r#"
        exit: 1
        --- stdout
        --- stderr
        ╷
        │ Error: Reference to undeclared input variable
        │
        │   on main.tf line 4, in output "x":
        │    4: output "x" { value = var.nope }
        │                            ^^^^^^^^
        │
        │ An input variable with the name "nope" has not been declared. This variable can be declared with a variable "nope" {} block.
        ╵
        ╷
        │ Error: Unsupported argument
        │
        │   on main.tf line 2, in resource "null_resource" "a":
        │    2:   trigger = { x = "1" }
        │         ^^^^^^^
        │
        │ An argument named "trigger" is not expected here. Did you mean "triggers"?
        ╵
    "#]]
    .assert_eq(&r.normalized());
    assert!(
        !w.path().join("terrane.tfstate.db").exists()
            || w.run(&["state", "list"]).stdout.is_empty()
    );
}

#[test]
fn syntax_errors_are_located() {
    let w = Workdir::new(&[(
        "main.tf",
        "resource \"null_resource\" \"a\" {\n  triggers = {\n}\n",
    )]);
    let r = w.run(&["validate", "-no-color"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("on main.tf line"), "{}", r.text());
    let j = w.run(&["validate", "-json"]);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["diagnostics"][0]["range"]["filename"], "main.tf");
}

#[test]
fn variables_come_from_files_environment_and_flags_in_terraform_order() {
    let w = Workdir::new(&[
        (
            "main.tf",
            r#"
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "e" { type = list(number) }
output "all" { value = [var.a, var.b, var.c, var.d] }
output "e" { value = var.e }
"#,
        ),
        (
            "terraform.tfvars",
            "a = \"tfvars\"\nb = \"tfvars\"\nc = \"tfvars\"\n",
        ),
        ("x.auto.tfvars", "b = \"auto\"\nc = \"auto\"\n"),
        ("extra.tfvars", "c = \"file\"\n"),
    ]);
    w.ok(&[
        "apply",
        "-auto-approve",
        "-no-color",
        "-var-file=extra.tfvars",
        "-var",
        "e=[1, 2]",
    ]);
    let r = w.run_with(
        &[
            "apply",
            "-auto-approve",
            "-no-color",
            "-var-file=extra.tfvars",
        ],
        &[("TF_VAR_d", "env"), ("TF_VAR_e", "[3]")],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.text());
    let out = w.outputs();
    assert_eq!(
        out["all"]["value"],
        serde_json::json!(["tfvars", "auto", "file", "env"])
    );
    assert_eq!(out["e"]["value"], serde_json::json!([3]));
    let bad = w.run(&["plan", "-no-color", "-var", "nope=1", "-var", "e=[]"]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains("Value for undeclared variable"),
        "{}",
        bad.text()
    );
    let missing = Workdir::new(&[("main.tf", "variable \"x\" {}\n")]);
    let r = missing.run(&["plan", "-no-color", "-input=false"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("No value for required variable"),
        "{}",
        r.text()
    );
}

#[test]
fn sensitive_values_are_hidden_in_plans_and_outputs() {
    let w = Workdir::new(&[(
        "main.tf",
        r#"
variable "pw" {
  type      = string
  sensitive = true
  default   = "hunter2"
}
resource "null_resource" "a" {
  triggers = { pw = var.pw }
}
output "pw" {
  value     = var.pw
  sensitive = true
}
"#,
    )]);
    let plan = w.run(&["plan", "-no-color"]);
    assert!(!plan.stdout.contains("hunter2"), "{}", plan.text());
    assert!(plan.stdout.contains("(sensitive value)"), "{}", plan.text());
    let apply = w.ok(&["apply", "-auto-approve", "-no-color"]);
    assert!(!apply.stdout.contains("hunter2"), "{}", apply.text());
    assert!(apply.stdout.contains("pw = <sensitive>"));
    assert_eq!(
        w.ok(&["output", "-raw", "pw"]).stdout,
        "hunter2",
        "-raw shows it when asked by name"
    );
    let out = w.outputs();
    assert_eq!(out["pw"]["sensitive"], true);
    // An output exposing a sensitive value without declaring it is an error.
    w.write("main.tf", "variable \"pw\" {\n  sensitive = true\n  default = \"x\"\n}\noutput \"leak\" { value = var.pw }\n");
    let r = w.run(&["plan", "-no-color"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("Output refers to sensitive values"));
}

#[test]
fn destroy_removes_everything_and_prompts_without_auto_approve() {
    let w = Workdir::new(&[("main.tf", PAIR)]);
    let no = w.run_with(&["apply", "-no-color"], &[], Some("no\n"));
    assert_eq!(no.code, 1);
    assert!(no.stdout.contains("Apply cancelled."));
    let yes = w.run_with(&["apply", "-no-color"], &[], Some("yes\n"));
    assert_eq!(yes.code, 0, "{}", yes.text());
    assert_eq!(
        w.ok(&["state", "list"]).stdout,
        "null_resource.a\nnull_resource.b\n"
    );
    let plan = w.run(&["plan", "-destroy", "-no-color"]);
    assert!(
        plan.stdout
            .contains("Plan: 0 to add, 0 to change, 2 to destroy."),
        "{}",
        plan.text()
    );
    let d = w.ok(&["destroy", "-auto-approve", "-no-color"]);
    assert!(
        d.stdout
            .contains("Destroy complete! Resources: 2 destroyed."),
        "{}",
        d.text()
    );
    assert_eq!(w.ok(&["state", "list"]).stdout, "");
    assert_eq!(w.outputs(), serde_json::json!({}));
}

#[test]
fn targets_and_replace_limit_and_force_changes() {
    let w = Workdir::new(&[(
        "main.tf",
        &format!("{PAIR}\nresource \"null_resource\" \"c\" {{}}\n"),
    )]);
    let r = w.ok(&[
        "apply",
        "-auto-approve",
        "-no-color",
        "-target=null_resource.b",
    ]);
    assert!(r.stdout.contains("2 added"), "{}", r.text());
    assert_eq!(
        w.ok(&["state", "list"]).stdout,
        "null_resource.a\nnull_resource.b\n"
    );
    w.ok(&["apply", "-auto-approve", "-no-color"]);
    let p = w.run(&["plan", "-no-color", "-replace=null_resource.c"]);
    assert!(
        p.stdout
            .contains("# null_resource.c will be replaced, as requested"),
        "{}",
        p.text()
    );
    assert!(
        p.stdout
            .contains("Plan: 1 to add, 0 to change, 1 to destroy.")
    );
}

#[test]
fn state_commands_show_terraform_formats() {
    let w = Workdir::new(&[("main.tf", PAIR)]);
    w.ok(&["apply", "-auto-approve", "-no-color"]);
    let pulled: serde_json::Value = serde_json::from_str(&w.ok(&["state", "pull"]).stdout).unwrap();
    assert_eq!(pulled["version"], 4);
    assert_eq!(pulled["resources"][0]["type"], "null_resource");
    assert_eq!(
        pulled["resources"][0]["provider"],
        "provider[\"registry.terraform.io/hashicorp/null\"]"
    );
    assert_eq!(pulled["outputs"]["name"]["value"], "alpha");
    let show = w.ok(&["state", "show", "null_resource.a"]);
    assert!(
        show.stdout
            .starts_with("# null_resource.a:\nresource \"null_resource\" \"a\" {"),
        "{}",
        show.text()
    );
    let sj: serde_json::Value = serde_json::from_str(&w.ok(&["show", "-json"]).stdout).unwrap();
    assert_eq!(
        sj["values"]["root_module"]["resources"][0]["address"],
        "null_resource.a"
    );
    assert_eq!(w.ok(&["output", "name"]).stdout, "\"alpha\"\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(w.path().join("terrane.tfstate.db"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "the state is readable by its owner only");
    }
}

#[test]
fn a_held_lock_stops_a_second_apply_naming_the_holder() {
    use terrane_state_api::StateStore;
    let w = Workdir::new(&[("main.tf", PAIR)]);
    w.ok(&["apply", "-auto-approve", "-no-color"]);
    let store =
        terrane_backend_sqlite::SqliteStore::open(&w.path().join("terrane.tfstate.db")).unwrap();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap_or_default()
        .trim()
        .to_string();
    store
        .lock(&terrane_state_api::LockInfo {
            id: "held-by-test".into(),
            operation: "apply".into(),
            who: "someone@elsewhere".into(),
            created: "2026-01-01T00:00:00Z".into(),
            pid: std::process::id(),
            hostname: host,
            version: String::new(),
        })
        .unwrap();
    let r = w.run(&["apply", "-auto-approve", "-no-color", "-var", "name=beta"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("Error acquiring the state lock"),
        "{}",
        r.text()
    );
    assert!(
        r.stderr.contains("someone@elsewhere") && r.stderr.contains("2026-01-01T00:00:00Z"),
        "names who and since when"
    );
    store.unlock("held-by-test").unwrap();
    w.ok(&["apply", "-auto-approve", "-no-color", "-var", "name=beta"]);
}

#[test]
fn chdir_colors_and_version() {
    let w = Workdir::new(&[("stack/main.tf", PAIR)]);
    let r = w.ok(&["-chdir=stack", "plan"]);
    assert!(r.stdout.contains("\x1b["), "colored by default");
    let r = w.run_with(&["-chdir=stack", "plan"], &[("NO_COLOR", "1")], None);
    assert!(!r.stdout.contains("\x1b["), "NO_COLOR disables colors");
    assert!(w.ok(&["version"]).stdout.starts_with("Terrane v"));
}

#[test]
fn multi_line_strings_are_diffed_line_by_line() {
    let cfg = |text: &str| {
        format!("resource \"terraform_data\" \"t\" {{\n  input = <<-EOT\n{text}  EOT\n}}\n")
    };
    let w = Workdir::new(&[("main.tf", &cfg("    one\n    two\n    three\n"))]);
    w.ok(&["apply", "-auto-approve", "-no-color"]);
    w.write("main.tf", &cfg("    one\n    2\n    three\n"));
    let r = w.run(&["plan", "-no-color"]);
    let text = r.stdout;
    assert!(
        text.contains("      - two\n")
            && text.contains("      + 2\n")
            && text.contains("        one\n"),
        "{text}"
    );
}

#[test]
fn the_quickstart_example_applies_and_destroys() {
    let w = Workdir::copy_of(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/quickstart"),
    );
    w.ok(&["init", "-no-color"]);
    w.ok(&["apply", "-auto-approve", "-no-color"]);
    let out = w.outputs();
    assert_eq!(out["total_replicas"]["value"], 3);
    assert_eq!(
        out["endpoints"]["value"]["api"],
        "qs-dev-api.qs-dev-net.internal:8080"
    );
    assert_eq!(
        w.run(&["plan", "-detailed-exitcode", "-no-color"]).code,
        0,
        "no changes after apply"
    );
    w.ok(&["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(w.ok(&["state", "list"]).stdout, "");
}

/// Strings holding JSON are shown as `jsonencode(...)` structures and multi-line strings as heredocs,
/// indented as Terraform 1.0.3 indents them (the expected blocks are its output for the same stack).
#[test]
fn json_and_multi_line_strings_render_as_terraform_renders_them() {
    const STACK: &str = r#"
resource "null_resource" "a" {
  triggers = {
    doc  = jsonencode({ b = [1, 2], a = "x", n = null, o = { k = true } })
    list = jsonencode(["p", 3])
    num  = jsonencode(5)
    str  = "plain"
    ml   = "line1\nline2\n"
  }
}
"#;
    fn block(out: &str) -> String {
        let start = out.find("  # null_resource.a").expect("a resource block");
        let end = out.find("\nPlan:").expect("a summary");
        out[start..end].trim_end().to_string()
    }
    let w = Workdir::new(&[("main.tf", STACK)]);
    let created = w.ok(&["plan", "-no-color"]).stdout;
    assert_eq!(
        block(&created),
        r#"  # null_resource.a will be created
  + resource "null_resource" "a" {
      + id       = (known after apply)
      + triggers = {
          + "doc"  = jsonencode(
                {
                  + a = "x"
                  + b = [
                      + 1,
                      + 2,
                    ]
                  + n = null
                  + o = {
                      + k = true
                    }
                }
            )
          + "list" = jsonencode(
                [
                  + "p",
                  + 3,
                ]
            )
          + "ml"   = <<-EOT
                line1
                line2
            EOT
          + "num"  = "5"
          + "str"  = "plain"
        }
    }"#
    );
    w.ok(&["apply", "-auto-approve"]);
    w.write(
        "main.tf",
        &STACK
            .replace(r#"a = "x""#, r#"a = "y""#)
            .replace(r#"["p", 3]"#, r#"["p", 4]"#)
            .replace("line2", "line3"),
    );
    let changed = w.ok(&["plan", "-no-color"]).normalized();
    let changed = block(&changed);
    for part in [
        r#"          ~ "doc"  = jsonencode(
              ~ {
                  ~ a = "x" -> "y"
                    # (3 unchanged elements hidden)
                }
            )"#,
        r#"          ~ "ml"   = <<-EOT
                line1
              - line2
              + line3
            EOT"#,
        r#"          ~ "list" = jsonencode(
              ~ ["#,
        r#"                  - 3,
                  + 4,
                ]
            )"#,
    ] {
        assert!(changed.contains(part), "{part}\n--- not in ---\n{changed}");
    }
}

#[test]
fn misspelled_names_get_terraforms_suggestions() {
    // the wording and suggestions of Terraform 1.0.3 for the same mistakes
    let w = Workdir::new(&[(
        "main.tf",
        r#"variable "region" {
  default = "eu"
}
locals {
  name = "x"
}
resource "null_resource" "x" {}
output "a" { value = var.regoin }
output "b" { value = local.nme }
output "c" { value = null_resource.x.idd }
output "d" { value = uper("x") }
output "e" { value = try(can(tonumber("x")), false) }
"#,
    )]);
    let r = w.run(&["validate", "-no-color"]);
    expect![[r#"
        exit: 1
        --- stdout
        --- stderr
        ╷
        │ Error: Reference to undeclared input variable
        │
        │   on main.tf line 8, in output "a":
        │    8: output "a" { value = var.regoin }
        │                            ^^^^^^^^^^
        │
        │ An input variable with the name "regoin" has not been declared. Did you mean "region"?
        ╵
        ╷
        │ Error: Reference to undeclared local value
        │
        │   on main.tf line 9, in output "b":
        │    9: output "b" { value = local.nme }
        │                            ^^^^^^^^^
        │
        │ A local value with the name "nme" has not been declared. Did you mean "name"?
        ╵
        ╷
        │ Error: Unsupported attribute
        │
        │   on main.tf line 10, in output "c":
        │   10: output "c" { value = null_resource.x.idd }
        │                                           ^^^^
        │
        │ This object has no argument, nested block, or exported attribute named "idd". Did you mean "id"?
        ╵
        ╷
        │ Error: Call to unknown function
        │
        │   on main.tf line 11, in output "d":
        │   11: output "d" { value = uper("x") }
        │                            ^^^^
        │
        │ There is no function named "uper". Did you mean "upper"?
        ╵
    "#]]
    .assert_eq(&r.normalized());
}

const VALIDATE_MAIN: &str = "variable \"region\" {\n  default = \"eu\"\n}\nvariable \"n\" {\n  default = \"three\"\n}\nlocals {\n  name = \"x\"\n}\nresource \"null_resource\" \"x\" {}\nresource \"null_resource\" \"b\" {\n  tigers = {}\n}\n";
const VALIDATE_MORE: &str = "resource \"null_resource\" \"c\" {\n  count = 2\n}\noutput \"p\" { value = null_resource.c[0].idd }\noutput \"q\" { value = null_resource.c[*].id }\noutput \"r\" { value = null_resource.x.triggers }\n";
const VALIDATE_RECORDED: &str = r#"{"format_version": "0.1", "valid": false, "error_count": 2, "warning_count": 0, "diagnostics": [{"severity": "error", "summary": "Unsupported argument", "detail": "An argument named \"tigers\" is not expected here. Did you mean \"triggers\"?", "range": {"filename": "main.tf", "start": {"line": 12, "column": 3, "byte": 165}, "end": {"line": 12, "column": 9, "byte": 171}}, "snippet": {"context": "resource \"null_resource\" \"b\"", "code": "  tigers = {}", "start_line": 12, "highlight_start_offset": 2, "highlight_end_offset": 8, "values": []}}, {"severity": "error", "summary": "Unsupported attribute", "detail": "This object has no argument, nested block, or exported attribute named \"idd\". Did you mean \"id\"?", "range": {"filename": "more.tf", "start": {"line": 4, "column": 40, "byte": 84}, "end": {"line": 4, "column": 44, "byte": 88}}, "snippet": {"context": "output \"p\"", "code": "output \"p\" { value = null_resource.c[0].idd }", "start_line": 4, "highlight_start_offset": 39, "highlight_end_offset": 43, "values": []}}]}"#;

#[test]
fn validate_json_is_terraforms() {
    // recorded from Terraform 1.0.3's `validate -json` on the same files; diagnostics compared in
    // file and line order (Terraform orders them by its graph walk)
    let w = Workdir::new(&[("main.tf", VALIDATE_MAIN), ("more.tf", VALIDATE_MORE)]);
    let r = w.run(&["validate", "-json"]);
    assert_eq!(r.code, 1, "{}", r.text());
    let mut got: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let mut want: serde_json::Value = serde_json::from_str(VALIDATE_RECORDED).unwrap();
    for v in [&mut got, &mut want] {
        v["diagnostics"].as_array_mut().unwrap().sort_by_key(|d| {
            (
                d["range"]["filename"].to_string(),
                d["range"]["start"]["byte"].as_u64(),
            )
        });
    }
    assert_eq!(got, want);
}

#[test]
fn validate_evaluates_as_terraforms_validate_does() {
    // Terraform 1.0.3's validate reports these three errors on this file (variables unknown, each
    // resource's configuration evaluated once with count.index and each unknown)
    let w = Workdir::new(&[(
        "main.tf",
        "variable \"names\" {\n  type    = list(string)\n  default = [\"a\", \"b\"]\n}\nvariable \"n\" {\n  type = number\n}\nresource \"null_resource\" \"a\" {\n  for_each = [\"a\", \"b\"]\n}\nresource \"null_resource\" \"b\" {\n  count    = var.n\n  triggers = { i = count.index, x = cidrsubnet(\"10.0.0.0/8\", 8, 300) }\n}\nresource \"null_resource\" \"c\" {\n  for_each = toset(var.names)\n  triggers = { k = each.key, bad = \"x\" + 1 }\n}\noutput \"o\" {\n  value = null_resource.b[0].id\n}\n",
    )]);
    let r = w.run(&["validate", "-json"]);
    assert_eq!(r.code, 1, "{}", r.text());
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let mut found: Vec<(String, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["summary"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    found.sort_by_key(|f| f.1);
    assert_eq!(
        found,
        [
            ("Invalid for_each argument".to_string(), 9),
            ("Error in function call".to_string(), 13),
            ("Invalid operand".to_string(), 17),
        ]
    );

    // module calls with count are unknown while validating, and a default outside its type is refused
    let w = Workdir::new(&[
        (
            "main.tf",
            "variable \"o\" {\n  type    = object({ a = string, b = number })\n  default = { a = \"x\", b = 1 }\n}\nmodule \"m\" {\n  source = \"./m\"\n  count  = 3\n}\noutput \"second\" {\n  value = module.m[1].label\n}\n",
        ),
        ("m/main.tf", "output \"label\" {\n  value = \"x\"\n}\n"),
    ]);
    let r = w.run(&["validate", "-no-color"]);
    assert_eq!(r.code, 0, "{}", r.text());
    w.write(
        "main.tf",
        &std::fs::read_to_string(w.path().join("main.tf"))
            .unwrap()
            .replace(", b = 1 }", " }"),
    );
    let r = w.run(&["validate", "-no-color"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(
        r.stderr
            .contains("Error: Invalid default value for variable"),
        "{}",
        r.text()
    );
    assert!(r.stderr.contains("This default value is not compatible with the variable's type constraint: attribute \"b\" is required."), "{}", r.text());
}

#[test]
fn init_can_leave_the_backend_and_modules_alone() {
    // a CI job that only validates: `init -backend=false`, the backend unreachable
    let w = Workdir::new(&[
        (
            "main.tf",
            "terraform {\n  backend \"pg\" {\n    conn_str = \"postgres://nobody@127.0.0.1:1/none\"\n  }\n}\nmodule \"m\" {\n  source = \"./m\"\n}\n",
        ),
        ("m/main.tf", "resource \"null_resource\" \"a\" {}\n"),
    ]);
    let r = w.run(&[
        "init",
        "-backend=false",
        "-get=false",
        "-input=false",
        "-lockfile=readonly",
        "-no-color",
    ]);
    assert_eq!(r.code, 0, "{}", r.text());
    assert!(
        !r.stdout.contains("Initializing the backend"),
        "{}",
        r.text()
    );
    assert!(!r.stdout.contains("Initializing modules"), "{}", r.text());
    assert!(!w.path().join(".terraform/modules/modules.json").exists());
    w.ok(&["validate"]);
    // the plain init does both, and fails on the backend it cannot reach
    let r = w.run(&["init", "-no-color"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(
        r.stderr.contains("cannot connect to PostgreSQL"),
        "{}",
        r.text()
    );
}

#[test]
fn self_references_are_reported_in_terraforms_words() {
    // Terraform 1.0.3 reports the local the same way (it stops there, before the resource)
    let w = Workdir::new(&[(
        "main.tf",
        "locals {\n  a = \"${local.a}-x\"\n}\nresource \"null_resource\" \"r\" {\n  triggers = { id = null_resource.r.id }\n}\n",
    )]);
    w.ok(&["init"]);
    let r = w.run(&["plan", "-no-color"]);
    expect![[r#"
        exit: 1
        --- stdout
        --- stderr
        ╷
        │ Error: Self-referencing local value
        │
        │   on main.tf line 2, in locals:
        │    2:   a = "${local.a}-x"
        │                ^^^^^^^
        │
        │ Local value local.a cannot use its own result as part of its expression.
        ╵
        ╷
        │ Error: Self-referential block
        │
        │   on main.tf line 5, in resource "null_resource" "r":
        │    5:   triggers = { id = null_resource.r.id }
        │                           ^^^^^^^^^^^^^^^
        │
        │ Configuration for null_resource.r may not refer to itself.
        ╵
    "#]]
    .assert_eq(&r.normalized());
}
