//! End-to-end tests of the state commands on the default SQLite backend: history, pull of past
//! versions, diff, mv, rm, push, replace-provider, import, taint/untaint, force-unlock and
//! -lock-timeout, workspaces, and damaged state input.

mod support;

use expect_test::expect;
use support::Workdir;

const STACK: &str = r#"
resource "null_resource" "a" {
  triggers = { v = var.v }
}
resource "null_resource" "b" {
  count    = 2
  triggers = { i = count.index }
}
variable "v" {
  default = "one"
}
output "v" { value = var.v }
"#;

fn applied() -> Workdir {
    let w = Workdir::new(&[("main.tf", STACK)]);
    w.ok(&["apply", "-auto-approve"]);
    w
}

fn pulled(w: &Workdir, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["state", "pull"];
    a.extend(args);
    serde_json::from_str(&w.ok(&a).stdout).unwrap()
}

#[test]
fn history_lists_every_version_and_old_versions_can_be_pulled_and_compared() {
    let w = applied();
    w.ok(&["apply", "-auto-approve", "-var", "v=two"]);
    w.ok(&["state", "rm", "null_resource.b[1]"]);
    let r = w.ok(&["state", "history"]);
    let text = support::normalize(&r.stdout, w.path());
    let text = regex::Regex::new(r"\S+@\S+")
        .unwrap()
        .replace_all(&text, "<who>");
    expect![[r#"
        SERIAL  TIME                  USER                     COMMAND            CHANGES
        1       <time>  <who>               apply              4 changed
                output.v
                null_resource.a
                null_resource.b[0]
                null_resource.b[1]
        2       <time>  <who>               apply              2 changed
                output.v
                null_resource.a
        3       <time>  <who>               state rm           1 changed
                null_resource.b[1]
    "#]]
    .assert_eq(&text);
    let v1 = pulled(&w, &["-version", "1"]);
    assert_eq!(v1["outputs"]["v"]["value"], "one");
    assert_eq!(v1["resources"][1]["instances"].as_array().unwrap().len(), 2);
    let now = pulled(&w, &[]);
    assert_eq!(now["serial"], 3);
    assert_eq!(now["outputs"]["v"]["value"], "two");
    let d = w.ok(&["state", "diff", "1", "3"]);
    let text = regex::Regex::new(r#""\d{6,}""#)
        .unwrap()
        .replace_all(&d.stdout, "\"<id>\"");
    expect![[r#"
        ~ null_resource.a
            id: "<id>" -> "<id>"
            triggers["v"]: "one" -> "two"
        - null_resource.b[1]
        ~ output.v
            (value): "one" -> "two"
    "#]]
    .assert_eq(&text);
    let missing = w.run(&["state", "pull", "-version", "9"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("no version 9"),
        "{}",
        missing.stderr
    );
}

#[test]
fn mv_and_rm_follow_terraform_and_plan_agrees() {
    let w = applied();
    w.write(
        "main.tf",
        &STACK
            .replace("\"a\"", "\"renamed\"")
            .replace("\"b\" {\n  count    = 2", "\"b\" {\n  count    = 1"),
    );
    let r = w.ok(&[
        "state",
        "mv",
        "-dry-run",
        "null_resource.a",
        "null_resource.renamed",
    ]);
    assert_eq!(
        r.stdout,
        "Would move \"null_resource.a\" to \"null_resource.renamed\"\n"
    );
    let r = w.ok(&["state", "mv", "null_resource.a", "null_resource.renamed"]);
    assert_eq!(
        r.stdout,
        "Move \"null_resource.a\" to \"null_resource.renamed\"\nSuccessfully moved 1 object(s).\n"
    );
    let r = w.ok(&["state", "rm", "null_resource.b[1]"]);
    assert_eq!(
        r.stdout,
        "Removed null_resource.b[1]\nSuccessfully removed 1 resource instance(s).\n"
    );
    assert_eq!(
        w.run(&["plan", "-detailed-exitcode"]).code,
        0,
        "the moved state matches the configuration"
    );
    let bad = w.run(&["state", "mv", "null_resource.renamed", "null_resource.b[0]"]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("already exists"), "{}", bad.stderr);
    let none = w.run(&["state", "rm", "null_resource.nothing"]);
    assert_eq!(none.code, 1);
    assert_eq!(
        w.ok(&["state", "list"]).stdout,
        "null_resource.b[0]\nnull_resource.renamed\n"
    );
}

#[test]
fn push_refuses_other_lineages_and_older_serials_without_force() {
    let w = applied();
    let mut state = pulled(&w, &[]);
    let serial = state["serial"].as_u64().unwrap();
    let lineage = state["lineage"].as_str().unwrap().to_string();
    state["serial"] = serial.saturating_sub(1).into();
    w.write("older.tfstate", &state.to_string());
    let r = w.run(&["state", "push", "older.tfstate"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("over newer state"), "{}", r.stderr);
    state["serial"] = (serial + 5).into();
    state["lineage"] = "another-lineage".into();
    w.write("other.tfstate", &state.to_string());
    let r = w.run(&["state", "push", "other.tfstate"]);
    assert!(r.stderr.contains("unrelated state"), "{}", r.stderr);
    assert_eq!(
        pulled(&w, &[])["lineage"],
        lineage.as_str(),
        "nothing changed"
    );
    w.ok(&["state", "push", "-force", "other.tfstate"]);
    let now = pulled(&w, &[]);
    assert_eq!(now["lineage"], "another-lineage");
    assert_eq!(now["serial"], serial + 5, "a pushed serial is kept");
    let damaged = w.run(&["state", "push", "main.tf"]);
    assert_eq!(damaged.code, 1);
    assert!(damaged.stderr.contains("not a usable Terraform state"));
}

#[test]
fn replace_provider_taint_and_untaint_record_versions() {
    let w = applied();
    let r = w.ok(&[
        "state",
        "replace-provider",
        "-auto-approve",
        "hashicorp/null",
        "registry.example.com/acme/null",
    ]);
    assert!(
        r.stdout
            .contains("Successfully replaced provider for 2 resources.")
    );
    let state = pulled(&w, &[]);
    assert_eq!(
        state["resources"][0]["provider"],
        "provider[\"registry.example.com/acme/null\"]"
    );
    w.ok(&[
        "state",
        "replace-provider",
        "-auto-approve",
        "registry.example.com/acme/null",
        "hashicorp/null",
    ]);
    let r = w.ok(&["taint", "null_resource.a"]);
    assert_eq!(
        r.stdout,
        "Resource instance null_resource.a has been marked as tainted.\n"
    );
    assert_eq!(
        pulled(&w, &[])["resources"][0]["instances"][0]["status"],
        "tainted"
    );
    let plan = w.ok(&["plan", "-no-color"]);
    assert!(
        plan.stdout.contains("is tainted, so must be replaced"),
        "{}",
        plan.stdout
    );
    w.ok(&["untaint", "null_resource.a"]);
    assert_eq!(w.run(&["plan", "-detailed-exitcode"]).code, 0);
    assert_eq!(w.run(&["untaint", "null_resource.a"]).code, 1);
    assert_eq!(w.run(&["taint", "null_resource.zzz"]).code, 1);
    w.ok(&["taint", "-allow-missing", "null_resource.zzz"]);
    let history = w.ok(&["state", "history"]).stdout;
    for cmd in ["state replace-provider", "taint", "untaint"] {
        assert!(history.contains(cmd), "{history}");
    }
}

#[test]
fn import_reads_the_object_through_the_provider_and_records_it() {
    let w = Workdir::new(&[(
        "main.tf",
        "resource \"null_resource\" \"x\" {}\nresource \"random_string\" \"s\" {\n  length = 5\n}\n",
    )]);
    let r = w.ok(&["import", "null_resource.x", "4242"]);
    assert!(r.stdout.contains("Import successful!"), "{}", r.stdout);
    assert_eq!(
        pulled(&w, &[])["resources"][0]["instances"][0]["attributes"]["id"],
        "4242"
    );
    w.ok(&["import", "random_string.s", "AbCdE"]);
    assert_eq!(
        w.ok(&["state", "list"]).stdout,
        "null_resource.x\nrandom_string.s\n"
    );
    assert_eq!(
        w.run(&["plan", "-detailed-exitcode"]).code,
        0,
        "the imported objects match their configuration"
    );
    let again = w.run(&["import", "null_resource.x", "1"]);
    assert!(again.stderr.contains("already managed"), "{}", again.stderr);
    let undeclared = w.run(&["import", "null_resource.nope", "1"]);
    assert!(
        undeclared.stderr.contains("does not exist"),
        "{}",
        undeclared.stderr
    );
    assert!(w.ok(&["state", "history"]).stdout.contains("import"));
}

#[test]
fn a_held_lock_is_waited_for_named_and_force_unlocked() {
    use terrane_state_api::StateStore;
    let w = applied();
    let store =
        terrane_backend_sqlite::SqliteStore::open(&w.path().join("terrane.tfstate.db")).unwrap();
    let held = terrane_state_api::LockInfo {
        id: "held-by-a-colleague".into(),
        operation: "apply".into(),
        who: "colleague@elsewhere".into(),
        created: "2026-01-01T00:00:00Z".into(),
        pid: 1,
        hostname: "elsewhere".into(),
        version: "terrane 0.0.1".into(),
    };
    store.lock(&held).unwrap();
    for args in [
        &["state", "rm", "null_resource.a"][..],
        &["taint", "null_resource.a"],
        &["import", "null_resource.a", "1"],
        &["apply", "-auto-approve"],
    ] {
        let r = w.run(args);
        assert_eq!(r.code, 1, "{args:?}");
        assert!(
            r.stderr.contains("colleague@elsewhere") && r.stderr.contains("held-by-a-colleague"),
            "the lock error names who holds it: {}",
            r.stderr
        );
    }
    // -lock-timeout waits: release the lock while the command waits.
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(1500));
        store.unlock("held-by-a-colleague").unwrap();
    });
    let start = std::time::Instant::now();
    w.ok(&["state", "rm", "-lock-timeout=30s", "null_resource.b[0]"]);
    assert!(start.elapsed() >= std::time::Duration::from_millis(1400));
    releaser.join().unwrap();

    let store =
        terrane_backend_sqlite::SqliteStore::open(&w.path().join("terrane.tfstate.db")).unwrap();
    store.lock(&held).unwrap();
    let wrong = w.run(&["force-unlock", "-force", "not-the-id"]);
    assert_eq!(wrong.code, 1);
    let r = w.ok(&["force-unlock", "-force", "held-by-a-colleague"]);
    assert!(r.stdout.contains("successfully unlocked"), "{}", r.stdout);
    w.ok(&["taint", "null_resource.a"]);
}

#[test]
fn workspaces_keep_separate_states_and_terraform_workspace() {
    let w = Workdir::new(&[(
        "main.tf",
        "resource \"null_resource\" \"a\" {\n  triggers = { ws = terraform.workspace }\n}\noutput \"ws\" { value = terraform.workspace }\n",
    )]);
    w.ok(&["apply", "-auto-approve"]);
    let r = w.ok(&["workspace", "new", "staging"]);
    assert!(
        r.stdout
            .contains("Created and switched to workspace \"staging\"!")
    );
    assert_eq!(w.ok(&["workspace", "show"]).stdout, "staging\n");
    assert_eq!(
        w.ok(&["state", "list"]).stdout,
        "",
        "a new workspace is empty"
    );
    w.ok(&["apply", "-auto-approve"]);
    assert_eq!(w.outputs()["ws"]["value"], "staging");
    assert_eq!(
        w.ok(&["workspace", "list"]).stdout,
        "  default\n* staging\n\n"
    );
    assert!(
        w.path()
            .join("terrane.tfstate.d/staging/terrane.tfstate.db")
            .exists()
    );
    assert_eq!(
        std::fs::read_to_string(w.path().join(".terraform/environment")).unwrap(),
        "staging"
    );
    w.ok(&["workspace", "select", "default"]);
    assert_eq!(w.outputs()["ws"]["value"], "default");
    let env = w.run_with(
        &["output", "-raw", "ws"],
        &[("TF_WORKSPACE", "staging")],
        None,
    );
    assert_eq!(env.stdout, "staging");
    assert_eq!(w.run(&["workspace", "select", "nope"]).code, 1);
    assert_eq!(w.run(&["workspace", "new", "staging"]).code, 1);
    assert_eq!(w.run(&["workspace", "new", "bad/name"]).code, 1);
    let r = w.run(&["workspace", "delete", "staging"]);
    assert!(r.stderr.contains("is not empty"), "{}", r.stderr);
    w.ok(&["workspace", "delete", "-force", "staging"]);
    assert_eq!(w.ok(&["workspace", "list"]).stdout, "* default\n\n");
    assert_eq!(w.run(&["workspace", "delete", "default"]).code, 1);
}

#[test]
fn damaged_state_is_a_clear_error_and_is_left_alone() {
    let w = Workdir::new(&[(
        "main.tf",
        "terraform {\n  backend \"local\" {}\n}\nresource \"null_resource\" \"a\" {}\n",
    )]);
    w.ok(&["apply", "-auto-approve"]);
    let good = std::fs::read_to_string(w.path().join("terraform.tfstate")).unwrap();
    let cases = [
        ("truncated", good[..good.len() / 2].to_string()),
        ("edited", good.replace("\"managed\"", "\"managd\"")),
        (
            "unknown version",
            good.replace("\"version\": 4", "\"version\": 5"),
        ),
    ];
    for (what, text) in cases {
        w.write("terraform.tfstate", &text);
        for args in [
            &["plan"][..],
            &["apply", "-auto-approve"],
            &["state", "rm", "null_resource.a"],
        ] {
            let r = w.run(args);
            assert_eq!(r.code, 1, "{what}: {args:?}");
            assert!(r.stderr.contains("state"), "{what}: {}", r.stderr);
            assert_eq!(
                std::fs::read_to_string(w.path().join("terraform.tfstate")).unwrap(),
                text,
                "{what}: the damaged state is not overwritten"
            );
        }
    }
    let r = w.run(&["plan"]);
    assert!(
        r.stderr.contains("unsupported state format version 5"),
        "{}",
        r.stderr
    );
    // A database written by a newer terrane.
    let w = Workdir::new(&[("main.tf", "resource \"null_resource\" \"a\" {}\n")]);
    w.ok(&["apply", "-auto-approve"]);
    rusqlite::Connection::open(w.path().join("terrane.tfstate.db"))
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let r = w.run(&["plan"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("newer terrane"), "{}", r.stderr);
}
