//! End-to-end tests of the built-in `random`, `local` and `time` providers through the `terrane`
//! command: apply, outputs and files on disk, no changes right after an apply, replacement when
//! `keepers` or `triggers` change, drift repaired after a file is deleted or edited, and destroy.

mod support;

use serde_json::Value as Json;
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};
use support::Workdir;

/// `plan -detailed-exitcode` with extra arguments: its exit code and output.
fn plan(w: &Workdir, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["plan", "-detailed-exitcode", "-no-color"];
    args.extend_from_slice(extra);
    let r = w.run(&args);
    (r.code, r.text())
}

fn apply(w: &Workdir, extra: &[&str]) -> String {
    let mut args = vec!["apply", "-auto-approve", "-no-color"];
    args.extend_from_slice(extra);
    w.ok(&args).text()
}

/// The value of output `name`.
fn output(outputs: &Json, name: &str) -> Json {
    outputs[name]["value"].clone()
}

fn output_str(outputs: &Json, name: &str) -> String {
    output(outputs, name)
        .as_str()
        .unwrap_or_else(|| panic!("output {name} is not a string: {outputs}"))
        .to_string()
}

const RANDOM: &str = r#"
terraform {
  required_providers {
    random = {
      source = "hashicorp/random"
    }
  }
}

variable "k" {
  default = "1"
}

resource "random_id" "id" {
  byte_length = 8
  prefix      = "p-"
  keepers     = { k = var.k }
}

resource "random_string" "s" {
  length      = 20
  special     = false
  min_upper   = 3
  min_numeric = 4
  keepers     = { k = var.k }
}

resource "random_password" "p" {
  length           = 16
  min_special      = 2
  override_special = "_%"
}

resource "random_integer" "i" {
  min  = 1
  max  = 3
  seed = "12345"
}

resource "random_shuffle" "sh" {
  input = ["a", "b", "c", "d", "e"]
  seed  = "-"
}

resource "random_pet" "pet" {
  length    = 3
  separator = "_"
  prefix    = "x"
}

resource "random_uuid" "u" {}

output "hex" { value = random_id.id.hex }
output "b64_url" { value = random_id.id.b64_url }
output "string" { value = random_string.s.result }
output "password" {
  value     = random_password.p.result
  sensitive = true
}
output "password_id" { value = random_password.p.id }
output "integer" { value = random_integer.i.result }
output "shuffled" { value = random_shuffle.sh.result }
output "pet" { value = random_pet.pet.id }
output "uuid" { value = random_uuid.u.result }
"#;

#[test]
fn random_values_are_kept_until_keepers_change() {
    let w = Workdir::new(&[("main.tf", RANDOM)]);
    w.ok(&["init", "-no-color"]);
    apply(&w, &[]);
    let out = w.outputs();

    let hex = output_str(&out, "hex");
    assert!(hex.starts_with("p-") && hex.len() == 2 + 16, "{hex}");
    assert!(output_str(&out, "b64_url").starts_with("p-"));

    let s = output_str(&out, "string");
    assert_eq!(s.chars().count(), 20);
    assert!(s.chars().all(|c| c.is_ascii_alphanumeric()), "{s}");
    assert!(
        s.chars().filter(char::is_ascii_uppercase).count() >= 3,
        "{s}"
    );
    assert!(s.chars().filter(char::is_ascii_digit).count() >= 4, "{s}");

    assert_eq!(out["password"]["sensitive"], Json::Bool(true));
    let pw = output_str(&out, "password");
    assert_eq!(pw.chars().count(), 16);
    assert!(
        pw.chars().filter(|c| "_%".contains(*c)).count() >= 2,
        "{pw}"
    );
    assert_eq!(output_str(&out, "password_id"), "none");

    // Seeded results are Terraform's.
    assert_eq!(output(&out, "integer"), Json::from(3));
    assert_eq!(
        output(&out, "shuffled"),
        serde_json::json!(["a", "c", "b", "e", "d"])
    );

    let pet = output_str(&out, "pet");
    assert_eq!(pet.split('_').count(), 4, "{pet}");
    assert!(pet.starts_with("x_"), "{pet}");
    let uuid = output_str(&out, "uuid");
    assert_eq!(uuid.len(), 36);
    assert_eq!(uuid.matches('-').count(), 4);

    let (code, text) = plan(&w, &[]);
    assert_eq!(code, 0, "no changes after apply:\n{text}");
    apply(&w, &[]);
    assert_eq!(w.outputs(), out, "a second apply changes nothing");

    let (code, text) = plan(&w, &["-var", "k=2"]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("# random_id.id must be replaced"), "{text}");
    assert!(
        text.contains("# random_string.s must be replaced"),
        "{text}"
    );
    assert!(text.contains("forces replacement"), "{text}");
    assert!(
        text.contains("Plan: 2 to add, 0 to change, 2 to destroy."),
        "{text}"
    );

    apply(&w, &["-var", "k=2"]);
    let after = w.outputs();
    assert_ne!(output_str(&after, "hex"), hex);
    assert_ne!(output_str(&after, "string"), s);
    assert_eq!(output_str(&after, "password"), pw);
    assert_eq!(output_str(&after, "uuid"), uuid);
    assert_eq!(plan(&w, &["-var", "k=2"]).0, 0);

    w.ok(&["destroy", "-auto-approve", "-no-color", "-var", "k=2"]);
    assert_eq!(w.outputs(), serde_json::json!({}));
}

const LOCAL: &str = r#"
variable "content" {
  default = "hello"
}

resource "local_file" "f" {
  filename        = "${path.module}/out/nested/hello.txt"
  content         = var.content
  file_permission = "0640"
}

resource "local_sensitive_file" "s" {
  filename = "secret.txt"
  content  = "s3cret"
}

# As under Terraform, only depends_on (not a reference alone) defers the read until the file is written.
data "local_file" "read" {
  filename   = local_file.f.filename
  depends_on = [local_file.f]
}

# What the data source read, written back out. (Not an output: terrane's destroy still evaluates root
# outputs, and one that reads an attribute of a data source fails there, where Terraform's succeeds.)
resource "local_file" "copy" {
  filename = "copy.txt"
  content  = data.local_file.read.content
}

output "id" { value = local_file.f.id }
output "sha256" { value = local_file.f.content_sha256 }
"#;

#[test]
fn local_files_are_written_repaired_and_removed() {
    let w = Workdir::new(&[("main.tf", LOCAL)]);
    let file = w.path().join("out/nested/hello.txt");
    let secret = w.path().join("secret.txt");
    let copy = w.path().join("copy.txt");
    apply(&w, &[]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "hello");
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o640
    );
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "s3cret");
    assert_eq!(
        std::fs::metadata(&secret).unwrap().permissions().mode() & 0o077,
        0,
        "0700 by default"
    );
    let out = w.outputs();
    assert_eq!(
        output_str(&out, "id"),
        "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
    );
    assert_eq!(
        output_str(&out, "sha256"),
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    );
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), "hello");

    let (code, text) = plan(&w, &[]);
    assert_eq!(code, 0, "no changes after apply:\n{text}");

    // Deleted outside terrane: the next plan writes it again.
    std::fs::remove_file(&file).unwrap();
    let (code, text) = plan(&w, &[]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("# local_file.f will be created"), "{text}");
    apply(&w, &[]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "hello");
    assert_eq!(plan(&w, &[]).0, 0);

    // Edited outside terrane: the same.
    std::fs::write(&file, "tampered").unwrap();
    let (code, text) = plan(&w, &[]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("# local_file.f will be created"), "{text}");
    apply(&w, &[]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "hello");

    // New content replaces the file.
    let (code, text) = plan(&w, &["-var", "content=bye"]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("# local_file.f must be replaced"), "{text}");
    apply(&w, &["-var", "content=bye"]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "bye");
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), "bye");

    w.ok(&[
        "destroy",
        "-auto-approve",
        "-no-color",
        "-var",
        "content=bye",
    ]);
    assert!(!file.exists());
    assert!(!secret.exists());
    assert!(!copy.exists());
    assert!(
        w.path().join("out/nested").is_dir(),
        "directories stay, as under Terraform"
    );
}

#[test]
fn local_file_paths_are_relative_to_chdir() {
    let w = Workdir::new(&[(
        "stack/main.tf",
        r#"resource "local_file" "f" {
  filename = "written.txt"
  content  = "x"
}
"#,
    )]);
    w.ok(&["-chdir=stack", "apply", "-auto-approve", "-no-color"]);
    assert_eq!(
        std::fs::read_to_string(w.path().join("stack/written.txt")).unwrap(),
        "x"
    );
    assert!(!w.path().join("written.txt").exists());
    w.ok(&["-chdir=stack", "destroy", "-auto-approve", "-no-color"]);
    assert!(!w.path().join("stack/written.txt").exists());
}

#[test]
fn invalid_local_file_arguments_are_reported() {
    let w = Workdir::new(&[(
        "main.tf",
        r#"resource "local_file" "f" {
  filename        = "f.txt"
  content         = "a"
  source          = "b"
  file_permission = "0999"
}
"#,
    )]);
    let r = w.run(&["plan", "-no-color"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(
        r.stderr.contains("Invalid Attribute Combination"),
        "{}",
        r.text()
    );
    assert!(
        r.stderr.contains("Invalid File Permission String Value"),
        "{}",
        r.text()
    );
}

const TIME: &str = r#"
variable "t" {
  default = "a"
}

resource "time_static" "fixed" {
  rfc3339 = "2020-02-12T06:36:13Z"
}

resource "time_static" "now" {
  triggers = { t = var.t }
}

resource "time_sleep" "wait" {
  create_duration = "1s"
  triggers        = { t = var.t }
}

output "fixed" {
  value = [time_static.fixed.year, time_static.fixed.month, time_static.fixed.day, time_static.fixed.hour, time_static.fixed.minute, time_static.fixed.second, time_static.fixed.unix]
}
output "fixed_id" { value = time_static.fixed.id }
output "now" { value = time_static.now.rfc3339 }
output "now_unix" { value = time_static.now.unix }
output "slept_at" { value = time_sleep.wait.id }
"#;

#[test]
fn time_static_keeps_its_time_and_time_sleep_waits() {
    let w = Workdir::new(&[("main.tf", TIME)]);
    let (code, text) = plan(&w, &[]);
    assert_eq!(code, 2, "{text}");
    let year_known = text
        .lines()
        .any(|l| l.trim_start().starts_with("+ year") && l.trim_end().ends_with("= 2020"));
    assert!(
        year_known,
        "fields of a configured time are known at plan time:\n{text}"
    );

    let start = Instant::now();
    apply(&w, &[]);
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "time_sleep waited"
    );
    let out = w.outputs();
    assert_eq!(
        output(&out, "fixed"),
        serde_json::json!([2020, 2, 12, 6, 36, 13, 1581489373])
    );
    assert_eq!(output_str(&out, "fixed_id"), "2020-02-12T06:36:13Z");
    let now = output_str(&out, "now");
    assert!(now.len() == 20 && now.ends_with('Z'), "{now}");
    assert!(output_str(&out, "slept_at").ends_with('Z'));

    let (code, text) = plan(&w, &[]);
    assert_eq!(code, 0, "no changes after apply:\n{text}");

    let (code, text) = plan(&w, &["-var", "t=b"]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("# time_static.now must be replaced"),
        "{text}"
    );
    assert!(
        text.contains("# time_sleep.wait must be replaced"),
        "{text}"
    );
    assert!(!text.contains("time_static.fixed must"), "{text}");

    std::thread::sleep(Duration::from_millis(1100));
    let start = Instant::now();
    apply(&w, &["-var", "t=b"]);
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "time_sleep waited again"
    );
    let after = w.outputs();
    assert!(output(&after, "now_unix").as_i64() > output(&out, "now_unix").as_i64());
    assert_eq!(output(&after, "fixed"), output(&out, "fixed"));

    w.ok(&["destroy", "-auto-approve", "-no-color", "-var", "t=b"]);
}
