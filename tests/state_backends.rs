//! End-to-end tests of the team backends against real servers: `pg` against PostgreSQL
//! (`TERRANE_TEST_PG_CONN`, started by tests/support/postgres.sh in tests/run-all.sh), `s3` against
//! moto's S3 (tests/support/moto.rs), and `init -migrate-state` between backends. Without a server
//! the tests that need it say so and pass.

#[path = "support/moto.rs"]
mod moto;
mod support;

use support::Workdir;

const STACK: &str = r#"
resource "null_resource" "a" {
  triggers = { v = var.v }
}
resource "null_resource" "b" {
  count = 2
}
variable "v" {
  default = "one"
}
output "v" { value = var.v }
"#;

fn pg_conn() -> Option<String> {
    match std::env::var("TERRANE_TEST_PG_CONN") {
        Ok(c) => Some(c),
        Err(_) => {
            eprintln!(
                "SKIPPED: TERRANE_TEST_PG_CONN is not set (tests/support/postgres.sh starts a server)"
            );
            None
        }
    }
}

fn unique(prefix: &str) -> String {
    moto::unique(prefix).replace('-', "_")
}

fn pg_backend(conn: &str, schema: &str) -> String {
    format!(
        "terraform {{\n  backend \"pg\" {{\n    conn_str    = \"{conn}\"\n    schema_name = \"{schema}\"\n  }}\n}}\n"
    )
}

#[test]
fn pg_keeps_history_and_workspaces_and_locks_die_with_their_session() {
    let Some(conn) = pg_conn() else { return };
    let schema = unique("e2e");
    let w = Workdir::new(&[
        ("backend.tf", &pg_backend(&conn, &schema)),
        ("main.tf", STACK),
    ]);
    w.ok(&["init"]);
    w.ok(&["apply", "-auto-approve"]);
    w.ok(&["apply", "-auto-approve", "-var", "v=two"]);
    assert_eq!(
        w.run(&["plan", "-detailed-exitcode", "-var", "v=two"]).code,
        0
    );
    let history = w.ok(&["state", "history"]).stdout;
    assert!(
        history.contains("\n2 ") && history.contains("apply"),
        "{history}"
    );
    let v1: serde_json::Value =
        serde_json::from_str(&w.ok(&["state", "pull", "-version", "1"]).stdout).unwrap();
    assert_eq!(v1["outputs"]["v"]["value"], "one");
    assert!(
        !w.path().join("terrane.tfstate.db").exists(),
        "nothing local"
    );

    // Another client holds the lock: commands fail naming it, and the lock ends with its session.
    use terrane_state_api::StateStore;
    let cfg = terrane_backend_pg::PgConfig {
        conn_str: conn.clone(),
        schema_name: schema.clone(),
        ..Default::default()
    };
    let other = terrane_backend_pg::PgStore::open(&cfg, "default").unwrap();
    other
        .lock(&terrane_state_api::LockInfo {
            id: "pg-holder".into(),
            operation: "apply".into(),
            who: "someone@elsewhere".into(),
            created: "2026-01-01T00:00:00Z".into(),
            pid: 1,
            hostname: "elsewhere".into(),
            version: "terrane 0.0.1".into(),
        })
        .unwrap();
    let r = w.run(&["taint", "null_resource.a"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("someone@elsewhere"), "{}", r.stderr);
    drop(other);
    w.ok(&["taint", "-lock-timeout=10s", "null_resource.a"]);

    w.ok(&["workspace", "new", "dev"]);
    w.ok(&["apply", "-auto-approve"]);
    assert_eq!(w.ok(&["workspace", "list"]).stdout, "  default\n* dev\n\n");
    w.ok(&["workspace", "select", "default"]);
    assert_eq!(
        w.ok(&["state", "list"]).stdout,
        "null_resource.a\nnull_resource.b[0]\nnull_resource.b[1]\n"
    );
}

#[test]
fn init_migrates_state_from_sqlite_to_pg_to_the_local_file() {
    let Some(conn) = pg_conn() else { return };
    let w = Workdir::new(&[("main.tf", STACK)]);
    w.ok(&["apply", "-auto-approve"]);
    w.ok(&["apply", "-auto-approve", "-var", "v=two"]);
    w.ok(&["workspace", "new", "dev"]);
    w.ok(&["apply", "-auto-approve"]);
    w.ok(&["workspace", "select", "default"]);
    let before = w.ok(&["state", "pull"]).stdout;

    w.write("backend.tf", &pg_backend(&conn, &unique("migrate")));
    let r = w.run(&["init"]);
    assert_eq!(r.code, 1, "a changed backend needs -migrate-state");
    assert!(r.stderr.contains("-migrate-state"), "{}", r.stderr);
    let r = w.ok(&["init", "-migrate-state"]);
    assert!(
        r.stdout.contains("Successfully migrated 2 workspace(s)"),
        "{}",
        r.stdout
    );
    assert_eq!(
        w.ok(&["state", "pull"]).stdout,
        before,
        "the state is the same"
    );
    assert_eq!(
        w.run(&["plan", "-detailed-exitcode", "-var", "v=two"]).code,
        0
    );
    let history = w.ok(&["state", "history"]).stdout;
    assert_eq!(
        history.matches(" apply ").count(),
        2,
        "history came along: {history}"
    );
    w.ok(&["workspace", "select", "dev"]);
    assert_eq!(w.run(&["plan", "-detailed-exitcode"]).code, 0);
    w.ok(&["workspace", "select", "default"]);

    w.write("backend.tf", "terraform {\n  backend \"local\" {}\n}\n");
    w.ok(&["init", "-migrate-state"]);
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path().join("terraform.tfstate")).unwrap())
            .unwrap();
    assert_eq!(file["outputs"]["v"]["value"], "two");
    assert!(
        w.path()
            .join("terraform.tfstate.d/dev/terraform.tfstate")
            .exists()
    );
    assert_eq!(
        w.run(&["plan", "-detailed-exitcode", "-var", "v=two"]).code,
        0
    );
}

fn s3_backend(m: &moto::Moto, bucket: &str) -> String {
    format!(
        r#"terraform {{
  backend "s3" {{
    bucket         = "{bucket}"
    key            = "platform/network.tfstate"
    region         = "{region}"
    use_path_style = true
    use_lockfile   = true
    encrypt        = true
    endpoints {{
      s3 = "{url}"
    }}
  }}
}}
"#,
        region = moto::REGION,
        url = m.url
    )
}

fn run_env(w: &Workdir, m: &moto::Moto, args: &[&str]) -> support::Run {
    let env = m.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = w.run_with(args, &env, None);
    assert_eq!(r.code, 0, "terrane {args:?} failed:\n{}", r.text());
    r
}

#[test]
fn s3_keeps_terraform_layout_and_locks_with_conditional_writes() {
    let m = moto::Moto::shared();
    let bucket = moto::unique("tfstate");
    m.aws_ok(&["s3api", "create-bucket", "--bucket", &bucket]);
    let w = Workdir::new(&[("backend.tf", &s3_backend(m, &bucket)), ("main.tf", STACK)]);
    run_env(&w, m, &["init"]);
    run_env(&w, m, &["apply", "-auto-approve"]);
    let env = m.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        w.run_with(&["plan", "-detailed-exitcode"], &env, None).code,
        0
    );
    let head = m.aws_ok(&[
        "s3api",
        "head-object",
        "--bucket",
        &bucket,
        "--key",
        "platform/network.tfstate",
    ]);
    assert_eq!(head["ServerSideEncryption"], "AES256");
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("state.json");
    m.aws_ok(&[
        "s3api",
        "get-object",
        "--bucket",
        &bucket,
        "--key",
        "platform/network.tfstate",
        local.to_str().unwrap(),
    ]);
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&local).unwrap()).unwrap();
    assert_eq!(doc["version"], 4, "Terraform's format");
    assert_eq!(doc["resources"].as_array().unwrap().len(), 2);

    // A lock object written by someone else stops writers, naming the holder.
    let lock = dir.path().join("lock.json");
    std::fs::write(
        &lock,
        r#"{"ID":"s3-holder","Operation":"OperationTypeApply","Info":"","Who":"ci@runner","Version":"1.10.0","Created":"2026-01-01T00:00:00Z","Path":"x"}"#,
    )
    .unwrap();
    m.aws_ok(&[
        "s3api",
        "put-object",
        "--bucket",
        &bucket,
        "--key",
        "platform/network.tfstate.tflock",
        "--body",
        lock.to_str().unwrap(),
    ]);
    let r = w.run_with(&["taint", "null_resource.a"], &env, None);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("ci@runner") && r.stderr.contains("s3-holder"),
        "{}",
        r.stderr
    );
    run_env(&w, m, &["force-unlock", "-force", "s3-holder"]);
    run_env(&w, m, &["taint", "null_resource.a"]);

    run_env(&w, m, &["workspace", "new", "dev"]);
    run_env(&w, m, &["apply", "-auto-approve"]);
    m.aws_ok(&[
        "s3api",
        "head-object",
        "--bucket",
        &bucket,
        "--key",
        "env:/dev/platform/network.tfstate",
    ]);
    assert_eq!(
        run_env(&w, m, &["workspace", "list"]).stdout,
        "  default\n* dev\n\n"
    );
}

#[test]
fn init_migrates_state_from_sqlite_to_s3() {
    let m = moto::Moto::shared();
    let bucket = moto::unique("migrate");
    m.aws_ok(&["s3api", "create-bucket", "--bucket", &bucket]);
    let w = Workdir::new(&[("main.tf", STACK)]);
    w.ok(&["apply", "-auto-approve"]);
    let before = w.ok(&["state", "pull"]).stdout;
    w.write("backend.tf", &s3_backend(m, &bucket));
    let r = run_env(&w, m, &["init", "-migrate-state"]);
    assert!(
        r.stdout.contains("Successfully migrated 1 workspace(s)"),
        "{}",
        r.stdout
    );
    assert_eq!(run_env(&w, m, &["state", "pull"]).stdout, before);
    let env = m.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        w.run_with(&["plan", "-detailed-exitcode"], &env, None).code,
        0
    );
}
