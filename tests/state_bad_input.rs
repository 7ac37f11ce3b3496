//! Bad state input: a damaged state (a truncated or edited SQLite database, entry, state file or S3
//! object), a state in an unknown format version, a state written by a newer terrane. Each is a clear
//! error naming what is wrong, and nothing is written: the stored state is compared before and after
//! every command. A damaged state stays recoverable from its history with `state push -force`.

#[path = "support/moto.rs"]
mod moto;
mod support;

use std::path::Path;
use std::process::Command;
use support::Workdir;

const STACK: &str = r#"
resource "null_resource" "a" {
  triggers = { v = var.v }
}
variable "v" {
  default = "one"
}
output "v" { value = var.v }
"#;

/// Commands that read the state and would write it; none may write a damaged state.
const WRITERS: [&[&str]; 8] = [
    &["plan"],
    &["apply", "-auto-approve"],
    &["destroy", "-auto-approve"],
    &["refresh"],
    &["taint", "null_resource.a"],
    &["state", "rm", "null_resource.a"],
    &["state", "mv", "null_resource.a", "null_resource.b"],
    &["import", "null_resource.a", "1"],
];

/// Every row of the SQLite state tables, as text.
fn sqlite_rows(db: &Path) -> String {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut out = String::new();
    for q in [
        "SELECT key, serial, hex(data) FROM entries ORDER BY key, serial",
        "SELECT key, serial, hex(data) FROM current ORDER BY key",
        "SELECT serial, command, finished, '' FROM versions ORDER BY serial",
        "SELECT id, operation, who, '' FROM lock",
    ] {
        let mut stmt = c.prepare(q).unwrap();
        let rows = stmt
            .query_map([], |r| {
                Ok(format!(
                    "{:?} {:?} {:?}\n",
                    r.get::<_, rusqlite::types::Value>(0)?,
                    r.get::<_, rusqlite::types::Value>(1)?,
                    r.get::<_, rusqlite::types::Value>(2)?
                ))
            })
            .unwrap();
        for r in rows {
            out.push_str(&r.unwrap());
        }
        out.push_str("--\n");
    }
    out
}

/// Runs each writing command and checks it fails naming the problem, leaving `snapshot()` as it was.
fn refused_everywhere(w: &Workdir, expect: &str, snapshot: &dyn Fn() -> String) {
    let before = snapshot();
    for args in WRITERS {
        let r = w.run(args);
        assert_eq!(r.code, 1, "{args:?} must fail:\n{}", r.text());
        assert!(
            r.stderr.contains(expect),
            "{args:?}: the error names the problem ({expect:?}):\n{}",
            r.stderr
        );
        assert_eq!(snapshot(), before, "{args:?} changed the stored state");
    }
}

#[test]
fn an_edited_sqlite_entry_is_refused_and_restored_from_history() {
    let w = Workdir::new(&[("main.tf", STACK)]);
    w.ok(&["apply", "-auto-approve"]);
    w.ok(&["apply", "-auto-approve", "-var", "v=two"]);
    let db = w.path().join("terrane.tfstate.db");
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        // An entry cut short, as an editor or a bad disk would leave it.
        for table in ["current", "entries"] {
            c.execute(
                &format!(
                    "UPDATE {table} SET data = substr(data, 1, 30) WHERE key LIKE 'resource:%' AND serial = 2"
                ),
                [],
            )
            .unwrap();
        }
    }
    refused_everywhere(&w, "damaged", &|| sqlite_rows(&db));
    let r = w.run(&["plan"]);
    assert!(
        r.stderr.contains("state pull -version 1"),
        "the error says how to restore: {}",
        r.stderr
    );

    // The restore path: an earlier version, pushed back.
    let v1 = w.ok(&["state", "pull", "-version", "1"]).stdout;
    w.write("v1.tfstate", &v1);
    let before = sqlite_rows(&db);
    let r = w.run(&["state", "push", "v1.tfstate"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(r.stderr.contains("-force"), "{}", r.stderr);
    assert_eq!(sqlite_rows(&db), before);
    w.ok(&["state", "push", "-force", "v1.tfstate"]);
    assert_eq!(w.run(&["plan", "-detailed-exitcode"]).code, 0);
    let history = w.ok(&["state", "history"]).stdout;
    assert!(history.contains("state push"), "{history}");
    assert_eq!(w.outputs()["v"]["value"], "one");
}

#[test]
fn a_truncated_or_foreign_sqlite_file_is_refused_and_kept() {
    let w = Workdir::new(&[("main.tf", STACK)]);
    w.ok(&["apply", "-auto-approve"]);
    let db = w.path().join("terrane.tfstate.db");
    let good = std::fs::read(&db).unwrap();
    for (what, bytes, expect) in [
        ("truncated", good[..good.len() / 3].to_vec(), "malformed"),
        (
            "not a database",
            b"this file is not a state database at all, just text\n".repeat(100),
            "not a database",
        ),
    ] {
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(w.path().join(format!("terrane.tfstate.db{suffix}")));
        }
        std::fs::write(&db, &bytes).unwrap();
        refused_everywhere(&w, expect, &|| {
            format!("{:?}", std::fs::read(&db).unwrap() == bytes)
        });
        assert_eq!(std::fs::read(&db).unwrap(), bytes, "{what}: kept as it was");
    }
}

#[test]
fn a_sqlite_database_from_a_newer_terrane_is_refused_untouched() {
    let w = Workdir::new(&[("main.tf", STACK)]);
    w.ok(&["apply", "-auto-approve"]);
    let db = w.path().join("terrane.tfstate.db");
    rusqlite::Connection::open(&db)
        .unwrap()
        .pragma_update(None, "user_version", 2)
        .unwrap();
    refused_everywhere(&w, "newer terrane", &|| sqlite_rows(&db));
}

#[test]
fn bad_files_given_to_state_push_change_nothing() {
    let w = Workdir::new(&[("main.tf", STACK)]);
    w.ok(&["apply", "-auto-approve"]);
    let good = w.ok(&["state", "pull"]).stdout;
    let db = w.path().join("terrane.tfstate.db");
    let before = sqlite_rows(&db);
    for (what, text, expect) in [
        (
            "truncated",
            good[..good.len() / 2].to_string(),
            "not valid JSON",
        ),
        (
            "edited",
            good.replace("\"managed\"", "\"managd\""),
            "invalid state data",
        ),
        (
            "unknown format version",
            good.replace("\"version\": 4", "\"version\": 5"),
            "unsupported state format version 5",
        ),
        ("empty", String::new(), "not valid JSON"),
    ] {
        w.write("pushed.tfstate", &text);
        for force in [false, true] {
            let args: &[&str] = if force {
                &["state", "push", "-force", "pushed.tfstate"]
            } else {
                &["state", "push", "pushed.tfstate"]
            };
            let r = w.run(args);
            assert_eq!(r.code, 1, "{what}: {}", r.text());
            assert!(r.stderr.contains(expect), "{what}: {}", r.stderr);
            assert!(
                r.stderr.contains("Nothing was changed"),
                "{what}: {}",
                r.stderr
            );
            assert_eq!(sqlite_rows(&db), before, "{what}: the state is unchanged");
        }
    }
}

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

/// Runs SQL with psql (installed with the server by tests/support/postgres.sh).
fn psql(conn: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .args([
            conn,
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        ])
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "psql failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn pg_rows(conn: &str, schema: &str) -> String {
    psql(
        conn,
        &format!(
            "SELECT workspace, key, serial, md5(data) FROM \"{schema}\".terrane_entries ORDER BY 1, 2, 3;
             SELECT workspace, key, serial, md5(data) FROM \"{schema}\".terrane_current ORDER BY 1, 2;
             SELECT workspace, serial, command, finished FROM \"{schema}\".terrane_versions ORDER BY 1, 2;
             SELECT version FROM \"{schema}\".terrane_layout;"
        ),
    )
}

#[test]
fn pg_damaged_entries_and_newer_layouts_are_refused_untouched() {
    let Some(conn) = pg_conn() else { return };
    let schema = moto::unique("bad").replace('-', "_");
    let w = Workdir::new(&[
        (
            "backend.tf",
            &format!(
                "terraform {{\n  backend \"pg\" {{\n    conn_str    = \"{conn}\"\n    schema_name = \"{schema}\"\n  }}\n}}\n"
            ),
        ),
        ("main.tf", STACK),
    ]);
    w.ok(&["init"]);
    w.ok(&["apply", "-auto-approve"]);
    w.ok(&["apply", "-auto-approve", "-var", "v=two"]);
    psql(
        &conn,
        &format!(
            "UPDATE \"{schema}\".terrane_current SET data = substring(data from 1 for 30) WHERE key LIKE 'resource:%';
             UPDATE \"{schema}\".terrane_entries SET data = substring(data from 1 for 30) WHERE key LIKE 'resource:%' AND serial = 2;"
        ),
    );
    refused_everywhere(&w, "damaged", &|| pg_rows(&conn, &schema));
    let v1 = w.ok(&["state", "pull", "-version", "1"]).stdout;
    w.write("v1.tfstate", &v1);
    w.ok(&["state", "push", "-force", "v1.tfstate"]);
    assert_eq!(w.run(&["plan", "-detailed-exitcode"]).code, 0);

    psql(
        &conn,
        &format!("UPDATE \"{schema}\".terrane_layout SET version = 2"),
    );
    refused_everywhere(&w, "newer terrane", &|| pg_rows(&conn, &schema));
}

#[test]
fn s3_damaged_and_newer_objects_are_refused_untouched() {
    let m = moto::Moto::shared();
    let bucket = moto::unique("bad");
    m.aws_ok(&["s3api", "create-bucket", "--bucket", &bucket]);
    let w = Workdir::new(&[
        (
            "backend.tf",
            &format!(
                "terraform {{\n  backend \"s3\" {{\n    bucket = \"{bucket}\"\n    key = \"state.tfstate\"\n    region = \"{}\"\n    use_path_style = true\n    use_lockfile = true\n    endpoints {{\n      s3 = \"{}\"\n    }}\n  }}\n}}\n",
                moto::REGION,
                m.url
            ),
        ),
        ("main.tf", STACK),
    ]);
    let env = m.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let ok = |args: &[&str]| {
        let r = w.run_with(args, &env, None);
        assert_eq!(r.code, 0, "{args:?}: {}", r.text());
        r
    };
    ok(&["init"]);
    ok(&["apply", "-auto-approve"]);
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("state.json");
    let fetch = || {
        let _ = std::fs::remove_file(&local);
        m.aws_ok(&[
            "s3api",
            "get-object",
            "--bucket",
            &bucket,
            "--key",
            "state.tfstate",
            local.to_str().unwrap(),
        ]);
        std::fs::read_to_string(&local).unwrap()
    };
    let good = fetch();
    for (what, text, expect) in [
        (
            "truncated",
            good[..good.len() / 2].to_string(),
            "not valid JSON",
        ),
        (
            "unknown format version",
            good.replace("\"version\": 4", "\"version\": 5"),
            "unsupported state format version 5",
        ),
    ] {
        let body = dir.path().join("body");
        std::fs::write(&body, &text).unwrap();
        m.aws_ok(&[
            "s3api",
            "put-object",
            "--bucket",
            &bucket,
            "--key",
            "state.tfstate",
            "--body",
            body.to_str().unwrap(),
        ]);
        for args in WRITERS {
            let r = w.run_with(args, &env, None);
            assert_eq!(r.code, 1, "{what}: {args:?} must fail:\n{}", r.text());
            assert!(r.stderr.contains(expect), "{what}: {args:?}: {}", r.stderr);
            assert_eq!(fetch(), text, "{what}: {args:?} changed the object");
        }
    }
}
