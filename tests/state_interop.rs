//! Terraform interop, both ways, proven with the reference Terraform (1.0.3 with hashicorp/null,
//! installed offline by `../shared/tools/reference-terraform.sh`): a stack applied by Terraform is
//! planned by terrane with no changes, a stack applied by terrane is planned by Terraform with no
//! changes, and a Terraform state pushed into terrane's SQLite backend plans with no changes.
//!
//! Without the reference script (a clone without `../shared`), the tests say so and pass;
//! tests/run-all.sh runs them whenever the script is there.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use support::Workdir;

const STACK: &str = r#"
variable "name" {
  default = "alpha"
}
resource "null_resource" "single" {
  triggers = { name = var.name }
}
resource "null_resource" "counted" {
  count    = 2
  triggers = { index = count.index, single = null_resource.single.id }
}
resource "null_resource" "keyed" {
  for_each = toset(["x", "y"])
  triggers = { key = each.key }
}
output "single_id" { value = null_resource.single.id }
output "name" { value = var.name }
"#;

fn with_backend(stack: &str) -> String {
    format!("terraform {{\n  backend \"local\" {{}}\n}}\n{stack}")
}

/// The reference Terraform's environment (PATH and CLI configuration), or `None` to skip.
fn reference() -> Option<Vec<(String, String)>> {
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/reference-terraform.sh");
    if !script.exists() {
        eprintln!(
            "SKIPPED: {} is not present, so the Terraform interop tests cannot run here",
            script.display()
        );
        return None;
    }
    let out = Command::new("bash")
        .arg(&script)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "the reference Terraform could not be installed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut env = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some(rest) = line.strip_prefix("export ") else {
            continue;
        };
        let Some((k, v)) = rest.split_once('=') else {
            continue;
        };
        let v = match k {
            "PATH" => {
                let dir = v.split(':').next().unwrap_or("").trim_matches('\'');
                format!("{dir}:{}", std::env::var("PATH").unwrap_or_default())
            }
            _ => v.trim_matches('\'').to_string(),
        };
        env.push((k.to_string(), v));
    }
    Some(env)
}

struct Terraform {
    env: Vec<(String, String)>,
}

impl Terraform {
    fn run(&self, dir: &Path, args: &[&str]) -> (i32, String) {
        let mut cmd = Command::new("terraform");
        cmd.args(args)
            .current_dir(dir)
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env_remove("TF_WORKSPACE");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("terraform runs");
        (
            out.status.code().unwrap_or(-1),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    }

    fn ok(&self, dir: &Path, args: &[&str]) -> String {
        let (code, out) = self.run(dir, args);
        assert_eq!(code, 0, "terraform {args:?} failed:\n{out}");
        out
    }
}

fn setup() -> Option<Terraform> {
    reference().map(|env| Terraform { env })
}

fn state_file(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("terraform.tfstate")).unwrap()).unwrap()
}

#[test]
fn a_stack_applied_by_terraform_is_planned_by_terrane_with_no_changes() {
    let Some(tf) = setup() else { return };
    let w = Workdir::new(&[("main.tf", &with_backend(STACK))]);
    tf.ok(w.path(), &["init", "-input=false", "-no-color"]);
    tf.ok(
        w.path(),
        &["apply", "-auto-approve", "-input=false", "-no-color"],
    );
    let r = w.run(&["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(r.code, 0, "terrane sees no changes:\n{}", r.text());
    assert_eq!(
        w.ok(&["state", "list"]).stdout,
        "null_resource.counted[0]\nnull_resource.counted[1]\nnull_resource.keyed[\"x\"]\nnull_resource.keyed[\"y\"]\nnull_resource.single\n"
    );
    // terrane changes it; Terraform continues from terrane's state with no changes.
    let before = state_file(w.path());
    w.ok(&["apply", "-auto-approve", "-var", "name=beta"]);
    let after = state_file(w.path());
    assert_eq!(after["lineage"], before["lineage"], "the lineage is kept");
    assert!(after["serial"].as_u64() > before["serial"].as_u64());
    let (code, out) = tf.run(
        w.path(),
        &[
            "plan",
            "-detailed-exitcode",
            "-input=false",
            "-no-color",
            "-var",
            "name=beta",
        ],
    );
    assert_eq!(
        code, 0,
        "Terraform reads terrane's state with no changes:\n{out}"
    );
}

#[test]
fn a_stack_applied_by_terrane_is_planned_by_terraform_with_no_changes() {
    let Some(tf) = setup() else { return };
    let w = Workdir::new(&[("main.tf", &with_backend(STACK))]);
    w.ok(&["apply", "-auto-approve"]);
    tf.ok(w.path(), &["init", "-input=false", "-no-color"]);
    let (code, out) = tf.run(
        w.path(),
        &["plan", "-detailed-exitcode", "-input=false", "-no-color"],
    );
    assert_eq!(code, 0, "Terraform sees no changes:\n{out}");
    let out = tf.ok(w.path(), &["output", "-json"]);
    let outputs: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(outputs["name"]["value"], "alpha");
    // Terraform changes it; terrane continues with no changes.
    tf.ok(
        w.path(),
        &[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-var",
            "name=gamma",
        ],
    );
    let r = w.run(&["plan", "-detailed-exitcode", "-var", "name=gamma"]);
    assert_eq!(r.code, 0, "{}", r.text());
}

#[test]
fn a_terraform_state_pushed_into_sqlite_plans_with_no_changes() {
    let Some(tf) = setup() else { return };
    let tfdir = Workdir::new(&[("main.tf", STACK)]);
    tf.ok(tfdir.path(), &["init", "-input=false", "-no-color"]);
    tf.ok(
        tfdir.path(),
        &["apply", "-auto-approve", "-input=false", "-no-color"],
    );
    let pushed: PathBuf = tfdir.path().join("terraform.tfstate");
    let w = Workdir::new(&[("main.tf", STACK)]);
    w.ok(&["state", "push", pushed.to_str().unwrap()]);
    let r = w.run(&["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(r.code, 0, "{}", r.text());
    let original = state_file(tfdir.path());
    let pulled: serde_json::Value = serde_json::from_str(&w.ok(&["state", "pull"]).stdout).unwrap();
    assert_eq!(pulled["lineage"], original["lineage"]);
    assert_eq!(pulled["serial"], original["serial"]);
    assert_eq!(
        pulled["resources"], original["resources"],
        "every object as Terraform wrote it"
    );
    // And back: the state terrane pulls is one Terraform accepts.
    std::fs::write(
        tfdir.path().join("terraform.tfstate"),
        w.ok(&["state", "pull"]).stdout,
    )
    .unwrap();
    let (code, out) = tf.run(
        tfdir.path(),
        &["plan", "-detailed-exitcode", "-input=false", "-no-color"],
    );
    assert_eq!(code, 0, "{out}");
}
