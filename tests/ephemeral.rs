//! Ephemeral input variables (`ephemeral = true`): their values live for one run. They may flow into
//! locals, conditions, ephemeral module outputs and `ephemeralasnull`, never into resource arguments
//! or root outputs, and neither a saved plan nor the state holds them; applying a saved plan takes
//! them again.

mod support;

use support::Workdir;

const STACK: &str = r#"
variable "token" {
  type      = string
  ephemeral = true
}
variable "name" {
  type    = string
  default = "app"
}
locals {
  header = "Bearer ${var.token}"
}
module "auth" {
  source = "./auth"
  token  = local.header
}
resource "terraform_data" "app" {
  input = {
    name        = var.name
    token_given = ephemeralasnull(module.auth.header) == null
  }
  lifecycle {
    precondition {
      condition     = length(var.token) >= 6
      error_message = "The token is too short."
    }
  }
}
output "name" {
  value = terraform_data.app.output.name
}
"#;

const AUTH: &str = r#"
variable "token" {
  type      = string
  ephemeral = true
}
output "header" {
  value     = var.token
  ephemeral = true
}
"#;

fn stack() -> Workdir {
    let w = Workdir::new(&[("main.tf", STACK), ("auth/main.tf", AUTH)]);
    w.ok(&["init"]);
    w
}

#[test]
fn ephemeral_values_are_used_and_never_stored() {
    let w = stack();
    w.ok(&["plan", "-out=tfplan", "-var", "token=s3cr3t-value"]);
    let saved = std::fs::read(w.path().join("tfplan")).unwrap();
    assert!(
        !String::from_utf8_lossy(&saved).contains("s3cr3t-value"),
        "the saved plan holds the ephemeral value"
    );
    // the saved plan does not have it: applying asks for it again
    let r = w.run(&["apply", "-no-color", "tfplan"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(
        r.stderr
            .contains("The ephemeral variables var.token are not saved in the plan file"),
        "{}",
        r.text()
    );
    // only ephemeral variables may be given when applying a saved plan
    let r = w.run(&[
        "apply",
        "-no-color",
        "-var",
        "name=other",
        "-var",
        "token=s3cr3t-value",
        "tfplan",
    ]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(
        r.stderr.contains("Can't set variables for the apply phase"),
        "{}",
        r.text()
    );
    assert!(r.stderr.contains("var.name"), "{}", r.text());
    w.ok(&["apply", "-var", "token=s3cr3t-value", "tfplan"]);
    assert_eq!(w.outputs()["name"]["value"], "app");
    let state = w.ok(&["state", "pull"]).stdout;
    assert!(
        !state.contains("s3cr3t"),
        "the state holds the ephemeral value:\n{state}"
    );
    assert!(state.contains("\"token_given\": true"), "{state}");
    // conditions may use it: a short token fails the precondition
    let r = w.run(&["plan", "-no-color", "-var", "token=abc"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(r.stderr.contains("The token is too short."), "{}", r.text());
}

#[test]
fn ephemeral_values_are_refused_where_they_would_be_stored() {
    let w = Workdir::new(&[
        (
            "main.tf",
            &STACK.replace(
                "token_given = ephemeralasnull(module.auth.header) == null",
                "token_given = module.auth.header",
            ),
        ),
        ("auth/main.tf", AUTH),
    ]);
    w.ok(&["init"]);
    let r = w.run(&["plan", "-no-color", "-var", "token=s3cr3t-value"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(
        r.stderr.contains("Error: Invalid use of ephemeral value"),
        "{}",
        r.text()
    );
    assert!(
        r.stderr.contains("Ephemeral values are not valid in resource arguments, because resource instances must persist between Terraform phases."),
        "{}",
        r.text()
    );
    assert!(
        r.stderr.contains("in resource \"terraform_data\" \"app\""),
        "{}",
        r.text()
    );
    assert!(!r.stderr.contains("s3cr3t"), "{}", r.text());

    let w = Workdir::new(&[
        (
            "main.tf",
            &format!("{STACK}\noutput \"token\" {{\n  value = var.token\n}}\n"),
        ),
        ("auth/main.tf", AUTH),
    ]);
    w.ok(&["init"]);
    let r = w.run(&["plan", "-no-color", "-var", "token=s3cr3t-value"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(
        r.stderr.contains("Error: Ephemeral value not allowed"),
        "{}",
        r.text()
    );

    let w = Workdir::new(&[
        (
            "main.tf",
            &format!(
                "{STACK}\noutput \"token\" {{\n  value     = var.token\n  ephemeral = true\n}}\n"
            ),
        ),
        ("auth/main.tf", AUTH),
    ]);
    let r = w.run(&["validate", "-no-color"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(
        r.stderr
            .contains("Ephemeral outputs are not allowed in context of a root module"),
        "{}",
        r.text()
    );

    // a child module output that is not declared ephemeral cannot pass an ephemeral value on
    let w = Workdir::new(&[
        ("main.tf", STACK),
        (
            "auth/main.tf",
            &AUTH.replace("  ephemeral = true\n}\n", "}\n"),
        ),
    ]);
    w.ok(&["init"]);
    let r = w.run(&["plan", "-no-color", "-var", "token=s3cr3t-value"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(
        r.stderr
            .contains("This output value is not declared as returning an ephemeral value"),
        "{}",
        r.text()
    );
    assert!(r.stderr.contains("on auth/main.tf line"), "{}", r.text());
}
