//! End-to-end tests of state encryption at rest (OpenTofu's `encryption` block): on the SQLite and
//! local backends, the key from a variable or the environment, key rotation with `fallback`, moving an
//! unencrypted state to encryption, and a wrong key that changes nothing.

mod support;

use support::Workdir;

const SECRET: &str = "very-secret-trigger-value";

fn stack(backend: &str, state_block: &str) -> String {
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
    key_provider "pbkdf2" "old" {{
      passphrase = "the old passphrase, kept for reading"
    }}
    method "aes_gcm" "main" {{
      keys = key_provider.pbkdf2.main
    }}
    method "aes_gcm" "old" {{
      keys = key_provider.pbkdf2.old
    }}
    method "unencrypted" "plain" {{}}
    state {{
      {state_block}
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

const PASS: &str = "correct horse battery staple";

fn run(w: &Workdir, pass: &str, args: &[&str]) -> support::Run {
    w.run_with(args, &[("TF_VAR_passphrase", pass)], None)
}

fn ok(w: &Workdir, pass: &str, args: &[&str]) -> support::Run {
    let r = run(w, pass, args);
    assert_eq!(r.code, 0, "terrane {args:?} failed:\n{}", r.text());
    r
}

fn raw_db(w: &Workdir) -> String {
    let conn = rusqlite::Connection::open(w.path().join("terrane.tfstate.db")).unwrap();
    let mut stmt = conn.prepare("SELECT data FROM entries").unwrap();
    let rows: Vec<Vec<u8>> = stmt
        .query_map([], |r| r.get::<_, Option<Vec<u8>>>(0))
        .unwrap()
        .filter_map(|r| r.unwrap())
        .collect();
    rows.iter()
        .map(|r| String::from_utf8_lossy(r).into_owned())
        .collect()
}

#[test]
fn sqlite_state_is_encrypted_and_a_wrong_key_changes_nothing() {
    let w = Workdir::new(&[("main.tf", &stack("", "method = method.aes_gcm.main"))]);
    ok(&w, PASS, &["apply", "-auto-approve"]);
    let raw = raw_db(&w);
    assert!(raw.contains("encrypted_data"), "entries are sealed");
    assert!(!raw.contains(SECRET), "no plaintext at rest");
    let pulled = ok(&w, PASS, &["state", "pull"]).stdout;
    assert!(pulled.contains(SECRET), "pull decrypts");
    assert_eq!(run(&w, PASS, &["plan", "-detailed-exitcode"]).code, 0);

    let versions = ok(&w, PASS, &["state", "history"]).stdout;
    for args in [
        &["plan"][..],
        &["apply", "-auto-approve"],
        &["taint", "null_resource.a"],
    ] {
        let r = run(&w, "a wrong passphrase, long enough", args);
        assert_eq!(r.code, 1, "{args:?}");
        assert!(r.stderr.contains("cannot be decrypted"), "{}", r.stderr);
    }
    assert_eq!(
        ok(&w, PASS, &["state", "history"]).stdout,
        versions,
        "nothing written"
    );

    w.write(
        "main.tf",
        &stack("", "method = method.aes_gcm.main").replace("  encryption {", "  encryptionx {"),
    );
    let r = w.run(&["plan"]);
    assert_eq!(r.code, 1);
}

#[test]
fn no_key_configured_for_an_encrypted_state_is_a_clear_error() {
    let w = Workdir::new(&[("main.tf", &stack("", "method = method.aes_gcm.main"))]);
    ok(&w, PASS, &["apply", "-auto-approve"]);
    w.write(
        "main.tf",
        "resource \"null_resource\" \"a\" {\n  triggers = { secret = \"x\" }\n}\n",
    );
    let r = w.run(&["plan"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("the state is encrypted"), "{}", r.stderr);
}

#[test]
fn keys_rotate_with_a_fallback_and_plain_state_moves_to_encryption() {
    // Start unencrypted, move to the old key with the unencrypted fallback.
    let w = Workdir::new(&[("main.tf", &stack("", "method = method.unencrypted.plain"))]);
    ok(&w, PASS, &["apply", "-auto-approve"]);
    assert!(raw_db(&w).contains(SECRET));
    w.write("main.tf", &stack("", "method = method.aes_gcm.old"));
    let r = run(&w, PASS, &["plan"]);
    assert!(r.stderr.contains("not encrypted"), "{}", r.stderr);
    w.write(
        "main.tf",
        &stack(
            "",
            "method = method.aes_gcm.old\n      fallback {\n        method = method.unencrypted.plain\n      }",
        ),
    );
    ok(&w, PASS, &["taint", "null_resource.a"]);
    ok(&w, PASS, &["untaint", "null_resource.a"]);
    // Every current entry is now sealed with the old key; rotate to the new one.
    w.write(
        "main.tf",
        &stack(
            "",
            "method = method.aes_gcm.main\n      fallback {\n        method = method.aes_gcm.old\n      }",
        ),
    );
    ok(
        &w,
        PASS,
        &["apply", "-auto-approve", "-replace", "null_resource.a"],
    );
    w.write("main.tf", &stack("", "method = method.aes_gcm.main"));
    assert_eq!(
        run(&w, PASS, &["plan", "-detailed-exitcode"]).code,
        0,
        "only the new key is needed"
    );
    assert!(ok(&w, PASS, &["state", "pull"]).stdout.contains(SECRET));
}

#[test]
fn local_file_is_sealed_whole_and_the_key_can_come_from_the_environment() {
    let w = Workdir::new(&[(
        "main.tf",
        &stack("backend \"local\" {}", "method = method.aes_gcm.main"),
    )]);
    ok(&w, PASS, &["apply", "-auto-approve"]);
    let file = std::fs::read_to_string(w.path().join("terraform.tfstate")).unwrap();
    assert!(
        file.contains("encrypted_data") && !file.contains(SECRET),
        "{file}"
    );
    let r = run(
        &w,
        "wrong passphrase, long enough",
        &["apply", "-auto-approve"],
    );
    assert_eq!(r.code, 1);
    assert_eq!(
        std::fs::read_to_string(w.path().join("terraform.tfstate")).unwrap(),
        file,
        "a wrong key leaves the file untouched"
    );
    // OpenTofu's TF_ENCRYPTION overrides the key provider of the configuration.
    let env = format!("key_provider \"pbkdf2\" \"main\" {{\n  passphrase = \"{PASS}\"\n}}\n");
    let r = w.run_with(
        &["state", "pull"],
        &[
            ("TF_VAR_passphrase", "ignored, overridden"),
            ("TF_ENCRYPTION", &env),
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.text());
    assert!(r.stdout.contains(SECRET));
}
