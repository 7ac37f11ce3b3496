//! Module sources beyond local paths: Git repositories on this machine (`git::file://...?ref=`) are
//! installed by `init` (and `get`) into `.terraform/modules`, as Terraform installs them; sources
//! that need the network are refused with a clear diagnostic.

mod support;

use std::path::Path;
use std::process::Command;
use support::Workdir;

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A repository with a module at its root (calling a local module of its own) and one in
/// `modules/extra`, tagged `v1` and `v2` with different outputs.
fn module_repo() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    let p = repo.path();
    git(p, &["init", "--quiet", "--initial-branch=main"]);
    std::fs::create_dir_all(p.join("inner")).unwrap();
    std::fs::create_dir_all(p.join("modules/extra")).unwrap();
    for version in ["v1", "v2"] {
        std::fs::write(
            p.join("main.tf"),
            format!(
                "variable \"name\" {{}}\nmodule \"inner\" {{\n  source = \"./inner\"\n}}\noutput \"version\" {{\n  value = \"{version}-${{var.name}}-${{module.inner.tag}}\"\n}}\n"
            ),
        )
        .unwrap();
        std::fs::write(
            p.join("inner/main.tf"),
            format!("output \"tag\" {{\n  value = \"inner-{version}\"\n}}\n"),
        )
        .unwrap();
        std::fs::write(
            p.join("modules/extra/main.tf"),
            format!("resource \"null_resource\" \"x\" {{\n  triggers = {{ v = \"{version}\" }}\n}}\noutput \"v\" {{\n  value = null_resource.x.triggers.v\n}}\n"),
        )
        .unwrap();
        git(p, &["add", "-A"]);
        git(p, &["commit", "--quiet", "-m", version]);
        git(p, &["tag", version]);
    }
    repo
}

fn stack(repo: &Path, lib_ref: &str) -> String {
    let url = format!("file://{}", repo.display());
    format!(
        "module \"lib\" {{\n  source = \"git::{url}?ref={lib_ref}\"\n  name   = \"x\"\n}}\nmodule \"extra\" {{\n  source = \"git::{url}//modules/extra?ref=v1\"\n}}\noutput \"lib\" {{\n  value = module.lib.version\n}}\noutput \"extra\" {{\n  value = module.extra.v\n}}\n"
    )
}

#[test]
fn git_sources_are_installed_at_their_ref() {
    let repo = module_repo();
    let w = Workdir::new(&[("main.tf", &stack(repo.path(), "v1"))]);

    let r = w.run(&["plan", "-no-color"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(r.stderr.contains("Module not installed"), "{}", r.text());
    assert!(r.stderr.contains("Run \"terrane init\""), "{}", r.text());

    let r = w.ok(&["init", "-no-color"]);
    assert!(
        r.stdout.contains("- lib in .terraform/modules/lib"),
        "{}",
        r.text()
    );
    assert!(
        r.stdout.contains("- extra in .terraform/modules/extra"),
        "{}",
        r.text()
    );
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(w.path().join(".terraform/modules/modules.json")).unwrap(),
    )
    .unwrap();
    let dirs: Vec<(String, String)> = manifest["Modules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["Key"].as_str().unwrap().to_string(),
                m["Dir"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        dirs.contains(&(
            "extra".into(),
            ".terraform/modules/extra/modules/extra".into()
        )),
        "{dirs:?}"
    );
    assert!(
        dirs.contains(&("lib.inner".into(), ".terraform/modules/lib/inner".into())),
        "{dirs:?}"
    );

    w.ok(&["apply", "-auto-approve", "-no-color"]);
    let out = w.outputs();
    assert_eq!(out["lib"]["value"], "v1-x-inner-v1");
    assert_eq!(out["extra"]["value"], "v1");
    let list = w.ok(&["state", "list"]).stdout;
    assert_eq!(list, "module.extra.null_resource.x\n");

    // another ref is another source: installed by the next init
    w.write("main.tf", &stack(repo.path(), "v2"));
    let r = w.run(&["plan", "-no-color"]);
    assert!(r.stderr.contains("Module not installed"), "{}", r.text());
    w.ok(&["get"]);
    w.ok(&["apply", "-auto-approve"]);
    assert_eq!(w.outputs()["lib"]["value"], "v2-x-inner-v2");
    let r = w.ok(&["plan", "-detailed-exitcode", "-no-color"]);
    assert!(r.stdout.contains("No changes"), "{}", r.text());
}

#[test]
fn missing_refs_and_network_sources_are_clear_errors() {
    let repo = module_repo();
    let w = Workdir::new(&[("main.tf", &stack(repo.path(), "v9"))]);
    let r = w.run(&["init", "-no-color"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(
        r.stderr.contains("Failed to download module"),
        "{}",
        r.text()
    );
    assert!(
        r.stderr.contains("\"v9\" could not be checked out"),
        "{}",
        r.text()
    );

    let w = Workdir::new(&[(
        "main.tf",
        "module \"vpc\" {\n  source = \"git::https://example.com/vpc.git?ref=v1\"\n}\nmodule \"reg\" {\n  source  = \"terraform-aws-modules/vpc/aws\"\n  version = \"5.0.0\"\n}\n",
    )]);
    let r = w.run(&["init", "-no-color"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(
        r.stderr.contains("Module source not available"),
        "{}",
        r.text()
    );
    assert!(
        r.stderr.contains("on main.tf line 2, in module \"vpc\""),
        "{}",
        r.text()
    );
    assert!(
        r.stderr
            .contains("\"terraform-aws-modules/vpc/aws\" must be downloaded from the network"),
        "{}",
        r.text()
    );
}
