//! `init -migrate-state` between backends not covered by tests/state_backends.rs (local → SQLite,
//! pg → S3), and state encryption on the team backends: the pg rows and the S3 object never hold the
//! state in the clear, a wrong key is an error that changes nothing, and an encrypted state migrates
//! from pg to S3 still encrypted.

#[path = "support/moto.rs"]
mod moto;
mod support;

use std::process::Command;
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

#[test]
fn init_migrates_state_from_the_local_file_to_sqlite() {
    let w = Workdir::new(&[
        ("main.tf", STACK),
        ("backend.tf", "terraform {\n  backend \"local\" {}\n}\n"),
    ]);
    w.ok(&["init"]);
    w.ok(&["apply", "-auto-approve"]);
    w.ok(&["apply", "-auto-approve", "-var", "v=two"]);
    w.ok(&["workspace", "new", "dev"]);
    w.ok(&["apply", "-auto-approve"]);
    w.ok(&["workspace", "select", "default"]);
    let before = w.ok(&["state", "pull"]).stdout;
    let file: serde_json::Value = serde_json::from_str(&before).unwrap();

    // No backend block: the embedded SQLite database.
    w.remove("backend.tf");
    let r = w.run(&["plan"]);
    assert_eq!(r.code, 1, "a changed backend is not used before init");
    assert!(
        r.stderr.contains("Backend initialization required"),
        "{}",
        r.stderr
    );
    let r = w.run(&["init"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(r.stderr.contains("-migrate-state"), "{}", r.stderr);
    let r = w.ok(&["init", "-migrate-state"]);
    assert!(
        r.stdout.contains("Successfully migrated 2 workspace(s)"),
        "{}",
        r.stdout
    );
    assert!(w.path().join("terrane.tfstate.db").exists());
    let after: serde_json::Value = serde_json::from_str(&w.ok(&["state", "pull"]).stdout).unwrap();
    for k in ["lineage", "serial", "outputs", "resources"] {
        assert_eq!(after[k], file[k], "{k} came along");
    }
    assert_eq!(
        w.run(&["plan", "-detailed-exitcode", "-var", "v=two"]).code,
        0
    );
    assert!(
        w.ok(&["state", "history"])
            .stdout
            .contains("init -migrate-state")
    );
    w.ok(&["workspace", "select", "dev"]);
    assert_eq!(w.run(&["plan", "-detailed-exitcode"]).code, 0);
    assert_eq!(
        w.ok(&["state", "list"]).stdout,
        "null_resource.a\nnull_resource.b[0]\nnull_resource.b[1]\n"
    );
    // The local files are left as they were: the migration copies.
    assert!(w.path().join("terraform.tfstate").exists());
}

const SECRET: &str = "a-trigger-that-must-stay-secret";
const PASS: &str = "correct horse battery staple";

fn encrypted(backend: &str) -> String {
    format!(
        r#"
variable "passphrase" {{
  type      = string
  sensitive = true
}}
terraform {{
  {backend}
  encryption {{
    key_provider "pbkdf2" "main" {{
      passphrase = var.passphrase
    }}
    method "aes_gcm" "main" {{
      keys = key_provider.pbkdf2.main
    }}
    state {{
      method   = method.aes_gcm.main
      enforced = true
    }}
  }}
}}
resource "null_resource" "a" {{
  triggers = {{ secret = "{SECRET}" }}
}}
output "id" {{ value = null_resource.a.id }}
"#
    )
}

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

#[test]
fn encrypted_state_in_pg_migrates_to_s3_encrypted() {
    let Ok(conn) = std::env::var("TERRANE_TEST_PG_CONN") else {
        eprintln!(
            "SKIPPED: TERRANE_TEST_PG_CONN is not set (tests/support/postgres.sh starts a server)"
        );
        return;
    };
    let m = moto::Moto::shared();
    let bucket = moto::unique("enc");
    m.aws_ok(&["s3api", "create-bucket", "--bucket", &bucket]);
    let schema = moto::unique("enc").replace('-', "_");
    let pg = format!(
        "backend \"pg\" {{\n    conn_str    = \"{conn}\"\n    schema_name = \"{schema}\"\n  }}"
    );
    let s3 = format!(
        "backend \"s3\" {{\n    bucket = \"{bucket}\"\n    key = \"enc/terraform.tfstate\"\n    region = \"{}\"\n    use_path_style = true\n    use_lockfile = true\n    encrypt = true\n    endpoints {{\n      s3 = \"{}\"\n    }}\n  }}",
        moto::REGION,
        m.url
    );
    let mut env = m.env();
    let run = |w: &Workdir, env: &[(String, String)], pass: &str, args: &[&str]| {
        let mut e: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        e.push(("TF_VAR_passphrase", pass));
        w.run_with(args, &e, None)
    };
    let ok = |w: &Workdir, env: &[(String, String)], args: &[&str]| {
        let r = run(w, env, PASS, args);
        assert_eq!(r.code, 0, "terrane {args:?} failed:\n{}", r.text());
        r
    };
    env.retain(|(k, _)| !k.starts_with("PG"));

    let w = Workdir::new(&[("main.tf", &encrypted(&pg))]);
    ok(&w, &env, &["init"]);
    ok(&w, &env, &["apply", "-auto-approve"]);
    ok(&w, &env, &["workspace", "new", "dev"]);
    ok(&w, &env, &["apply", "-auto-approve"]);
    ok(&w, &env, &["workspace", "select", "default"]);
    let before = ok(&w, &env, &["state", "pull"]).stdout;
    assert!(before.contains(SECRET), "pull shows the state in the clear");
    let rows = || {
        psql(
            &conn,
            &format!(
                "SELECT key, encode(data, 'escape') FROM \"{schema}\".terrane_entries ORDER BY 1, serial"
            ),
        )
    };
    let raw = rows();
    assert!(
        !raw.is_empty() && !raw.contains(SECRET),
        "pg rows are sealed: {raw}"
    );

    // A wrong key is an error and writes nothing.
    for args in [
        &["plan"][..],
        &["apply", "-auto-approve"],
        &["taint", "null_resource.a"],
    ] {
        let r = run(&w, &env, "not the passphrase", args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.text());
        assert!(r.stderr.contains("decrypt"), "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains(SECRET) && !r.stdout.contains(SECRET));
        assert_eq!(rows(), raw, "{args:?} changed the pg rows");
    }

    w.write("main.tf", &encrypted(&s3));
    let r = ok(&w, &env, &["init", "-migrate-state"]);
    assert!(
        r.stdout.contains("Successfully migrated 2 workspace(s)"),
        "{}",
        r.stdout
    );
    assert_eq!(ok(&w, &env, &["state", "pull"]).stdout, before);
    assert_eq!(
        run(&w, &env, PASS, &["plan", "-detailed-exitcode"]).code,
        0,
        "the migrated state plans with no changes"
    );
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("obj");
    let fetch = |key: &str| {
        let _ = std::fs::remove_file(&local);
        m.aws_ok(&[
            "s3api",
            "get-object",
            "--bucket",
            &bucket,
            "--key",
            key,
            local.to_str().unwrap(),
        ]);
        std::fs::read(&local).unwrap()
    };
    for key in ["enc/terraform.tfstate", "env:/dev/enc/terraform.tfstate"] {
        let obj = String::from_utf8_lossy(&fetch(key)).into_owned();
        assert!(!obj.contains(SECRET), "{key} is sealed: {obj}");
    }
    let sealed = fetch("enc/terraform.tfstate");
    let r = run(&w, &env, "not the passphrase", &["apply", "-auto-approve"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(r.stderr.contains("decrypt"), "{}", r.stderr);
    assert_eq!(
        fetch("enc/terraform.tfstate"),
        sealed,
        "the object is unchanged"
    );
    ok(&w, &env, &["workspace", "select", "dev"]);
    assert_eq!(run(&w, &env, PASS, &["plan", "-detailed-exitcode"]).code, 0);
}
