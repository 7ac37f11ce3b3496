//! The state lock: every command that writes the state takes it, the error names who holds it (in
//! Terraform's `Lock Info` shape), `-lock=false` skips it, and a terrane killed while it holds the lock
//! leaves no lock that stops the next command, on every backend (SQLite and the local file take over a
//! dead process's lock, pg's lock ends with the killed client's session, S3's lock object names a dead
//! process).

#[path = "support/moto.rs"]
mod moto;
mod support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::Workdir;
use terrane_state_api::{LockInfo, StateStore};

const STACK: &str = r#"
resource "null_resource" "a" {}
resource "null_resource" "b" {}
resource "null_resource" "c" {}
output "o" { value = "x" }
"#;

fn foreign_holder() -> LockInfo {
    LockInfo {
        id: "held-by-a-colleague".into(),
        operation: "apply".into(),
        who: "colleague@elsewhere".into(),
        created: "2026-01-01T00:00:00Z".into(),
        pid: 4242,
        hostname: "elsewhere".into(),
        version: "terrane 9.9.9".into(),
    }
}

/// The number of versions `state history` lists.
fn history_len(w: &Workdir) -> usize {
    w.ok(&["state", "history"])
        .stdout
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .count()
}

#[test]
fn every_writing_command_takes_the_lock_and_the_error_names_the_holder() {
    let w = Workdir::new(&[("main.tf", STACK)]);
    w.ok(&["apply", "-auto-approve"]);
    let pulled = w.ok(&["state", "pull"]).stdout;
    w.write("pushed.tfstate", &pulled);
    let store =
        terrane_backend_sqlite::SqliteStore::open(&w.path().join("terrane.tfstate.db")).unwrap();
    store.lock(&foreign_holder()).unwrap();
    let versions = history_len(&w);
    let writers: [&[&str]; 13] = [
        &["plan"],
        &["apply", "-auto-approve"],
        &["destroy", "-auto-approve"],
        &["refresh"],
        &["import", "null_resource.c", "1"],
        &["taint", "null_resource.a"],
        &["untaint", "null_resource.a"],
        &["state", "rm", "null_resource.a"],
        &["state", "mv", "null_resource.a", "null_resource.z"],
        &["state", "push", "pushed.tfstate"],
        &[
            "state",
            "replace-provider",
            "-auto-approve",
            "registry.terraform.io/hashicorp/null",
            "example.com/acme/null",
        ],
        &["workspace", "delete", "-force", "default"],
        &["apply", "-auto-approve", "-lock-timeout=1s"],
    ];
    for args in writers {
        let r = w.run(args);
        assert_eq!(r.code, 1, "{args:?}:\n{}", r.text());
        if args[0] == "workspace" {
            continue; // the default workspace is never deleted, lock or not
        }
        for line in [
            "Error acquiring the state lock".to_string(),
            "ID:        held-by-a-colleague".into(),
            "Path:      terrane.tfstate.db".into(),
            "Operation: apply".into(),
            "Who:       colleague@elsewhere".into(),
            "Version:   terrane 9.9.9".into(),
            "Created:   2026-01-01T00:00:00Z".into(),
            "process 4242 on elsewhere".into(),
            "force-unlock held-by-a-colleague".into(),
        ] {
            assert!(
                r.stderr.contains(&line),
                "{args:?}: the lock error has {line:?}:\n{}",
                r.stderr
            );
        }
    }
    assert_eq!(history_len(&w), versions, "nothing was written");
    assert_eq!(
        store.lock_holder().unwrap().map(|l| l.id),
        Some("held-by-a-colleague".into()),
        "the colleague's lock is still theirs"
    );

    // -lock=false goes ahead (the user's decision), and records the version.
    w.ok(&["taint", "-lock=false", "null_resource.a"]);
    w.ok(&["untaint", "-lock=false", "null_resource.a"]);
    w.ok(&["state", "rm", "-lock=false", "null_resource.b"]);
    assert_eq!(history_len(&w), versions + 3);
    store.unlock("held-by-a-colleague").unwrap();
    w.ok(&["apply", "-auto-approve"]);
    assert!(store.lock_holder().unwrap().is_none(), "released after use");
}

/// A stack whose apply takes a minute, so that it can be killed while it holds the lock.
const SLOW: &str = r#"
resource "null_resource" "fast" {}
resource "time_sleep" "slow" {
  depends_on      = [null_resource.fast]
  create_duration = "60s"
}
"#;

fn spawn(w: &Workdir, args: &[&str], env: &[(String, String)]) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_terrane"));
    cmd.args(args)
        .current_dir(w.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().expect("terrane starts")
}

fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < Duration::from_secs(60), "{what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Starts a slow apply, waits until it holds the lock, kills it (SIGKILL), and checks that the next
/// command gets the lock and that the state is readable.
fn killed_holder_leaves_no_lock(
    w: &Workdir,
    env: &[(String, String)],
    holder: &dyn Fn() -> Option<LockInfo>,
) {
    let envs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut child = spawn(w, &["apply", "-auto-approve"], env);
    wait_until("the apply takes the lock", || {
        holder().is_some_and(|l| l.pid == child.id())
    });
    child.kill().unwrap();
    child.wait().unwrap();
    let r = w.run_with(&["plan", "-lock-timeout=20s"], &envs, None);
    assert_eq!(r.code, 0, "the next command gets the lock:\n{}", r.text());
    let r = w.run_with(&["state", "list"], &envs, None);
    assert_eq!(r.code, 0, "the state is readable:\n{}", r.text());
    let r = w.run_with(&["taint", "null_resource.nothing-here"], &envs, None);
    assert!(
        !r.stderr.contains("Error acquiring the state lock"),
        "the lock is free:\n{}",
        r.stderr
    );
}

#[test]
fn a_killed_terrane_leaves_no_lock_in_sqlite_or_the_local_file() {
    let w = Workdir::new(&[("main.tf", SLOW)]);
    let db = w.path().join("terrane.tfstate.db");
    w.ok(&["plan"]); // creates the database
    killed_holder_leaves_no_lock(&w, &[], &|| {
        terrane_backend_sqlite::SqliteStore::open(&db)
            .unwrap()
            .lock_holder()
            .unwrap()
    });

    let w = Workdir::new(&[
        ("main.tf", SLOW),
        ("backend.tf", "terraform {\n  backend \"local\" {}\n}\n"),
    ]);
    w.ok(&["init"]);
    let lock = w.path().join(".terraform.tfstate.lock.info");
    killed_holder_leaves_no_lock(&w, &[], &|| {
        std::fs::read(&lock)
            .ok()
            .and_then(|d| terrane_state_api::lock_from_json(&d).ok())
    });
}

#[test]
fn a_killed_terrane_leaves_no_lock_in_pg() {
    let Ok(conn) = std::env::var("TERRANE_TEST_PG_CONN") else {
        eprintln!(
            "SKIPPED: TERRANE_TEST_PG_CONN is not set (tests/support/postgres.sh starts a server)"
        );
        return;
    };
    let schema = moto::unique("killed").replace('-', "_");
    let w = Workdir::new(&[
        ("main.tf", SLOW),
        (
            "backend.tf",
            &format!(
                "terraform {{\n  backend \"pg\" {{\n    conn_str    = \"{conn}\"\n    schema_name = \"{schema}\"\n  }}\n}}\n"
            ),
        ),
    ]);
    w.ok(&["init"]);
    let cfg = terrane_backend_pg::PgConfig {
        conn_str: conn.clone(),
        schema_name: schema,
        ..Default::default()
    };
    let observer = terrane_backend_pg::PgStore::open(&cfg, "default").unwrap();
    killed_holder_leaves_no_lock(&w, &[], &|| observer.lock_holder().unwrap());
    assert!(observer.lock_holder().unwrap().is_none());
}

#[test]
fn a_killed_terrane_leaves_no_lock_in_s3() {
    let m = moto::Moto::shared();
    let bucket = moto::unique("killed");
    m.aws_ok(&["s3api", "create-bucket", "--bucket", &bucket]);
    let w = Workdir::new(&[
        ("main.tf", SLOW),
        (
            "backend.tf",
            &format!(
                "terraform {{\n  backend \"s3\" {{\n    bucket = \"{bucket}\"\n    key = \"slow.tfstate\"\n    region = \"{}\"\n    use_path_style = true\n    use_lockfile = true\n    endpoints {{\n      s3 = \"{}\"\n    }}\n  }}\n}}\n",
                moto::REGION,
                m.url
            ),
        ),
    ]);
    let env = m.env();
    let envs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(w.run_with(&["init"], &envs, None).code, 0);
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("lock.json");
    killed_holder_leaves_no_lock(&w, &env, &|| {
        let _ = std::fs::remove_file(&local);
        m.aws(&[
            "s3api",
            "get-object",
            "--bucket",
            &bucket,
            "--key",
            "slow.tfstate.tflock",
            local.to_str().unwrap(),
        ])
        .ok()?;
        terrane_state_api::lock_from_json(&std::fs::read(&local).ok()?).ok()
    });
}
