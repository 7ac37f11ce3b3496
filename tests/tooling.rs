//! The tooling commands end to end: `fmt` (with the exit codes, listing, diff and stdin handling of
//! Terraform's), `graph` and `console`.

mod support;

use expect_test::expect;
use support::Workdir;

const UNFORMATTED: &str =
    "resource \"null_resource\" \"a\" {\ntriggers = {\na=1\n  bbb = \"x\" # note\n}\n}\n";
const FORMATTED: &str = "resource \"null_resource\" \"a\" {\n  triggers = {\n    a   = 1\n    bbb = \"x\" # note\n  }\n}\n";

#[test]
fn fmt_rewrites_files_and_lists_them() {
    let w = Workdir::new(&[
        ("main.tf", UNFORMATTED),
        ("ok.tf", FORMATTED),
        ("x.tfvars", "region=\"eu\"\n"),
        ("notes.txt", "a=1\n"),
    ]);
    let r = w.run(&["fmt"]);
    expect![[r#"
        exit: 0
        --- stdout
        main.tf
        x.tfvars
        --- stderr
    "#]]
    .assert_eq(&r.text());
    assert_eq!(
        std::fs::read_to_string(w.path().join("main.tf")).unwrap(),
        FORMATTED
    );
    assert_eq!(
        std::fs::read_to_string(w.path().join("x.tfvars")).unwrap(),
        "region = \"eu\"\n"
    );
    assert_eq!(
        std::fs::read_to_string(w.path().join("notes.txt")).unwrap(),
        "a=1\n"
    );
    // a second run has nothing to do
    expect![[r#"
        exit: 0
        --- stdout
        --- stderr
    "#]]
    .assert_eq(&w.run(&["fmt", "-check"]).text());
}

#[test]
fn fmt_check_and_diff_change_nothing() {
    let w = Workdir::new(&[("main.tf", UNFORMATTED)]);
    let r = w.run(&["fmt", "-check", "-diff"]);
    expect![[r#"
        exit: 3
        --- stdout
        main.tf
        --- old/main.tf
        +++ new/main.tf
        @@ -1,6 +1,6 @@
         resource "null_resource" "a" {
        -triggers = {
        -a=1
        -  bbb = "x" # note
        -}
        +  triggers = {
        +    a   = 1
        +    bbb = "x" # note
        +  }
         }
        --- stderr
    "#]]
    .assert_eq(&r.text());
    assert_eq!(
        std::fs::read_to_string(w.path().join("main.tf")).unwrap(),
        UNFORMATTED
    );
    let r = w.run(&["fmt", "-write=false", "-list=false"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    assert_eq!(
        std::fs::read_to_string(w.path().join("main.tf")).unwrap(),
        UNFORMATTED
    );
}

#[test]
fn fmt_reads_standard_input() {
    let w = Workdir::new(&[]);
    let r = w.run_with(&["fmt", "-"], &[], Some(UNFORMATTED));
    assert_eq!((r.code, r.stdout.as_str()), (0, FORMATTED), "{}", r.text());
    let r = w.run_with(&["fmt", "-check", "-"], &[], Some(UNFORMATTED));
    assert_eq!((r.code, r.stdout.as_str()), (3, ""), "{}", r.text());
    let r = w.run_with(&["fmt", "-check", "-"], &[], Some(FORMATTED));
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.text());
}

#[test]
fn fmt_recursive_walks_subdirectories_but_not_hidden_ones() {
    let w = Workdir::new(&[
        ("main.tf", "a=1\n"),
        ("modules/net/main.tf", "b=2\n"),
        (".terraform/modules/x/main.tf", "c=3\n"),
    ]);
    let r = w.run(&["fmt", "-check"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (3, "main.tf\n"),
        "{}",
        r.text()
    );
    let r = w.run(&["fmt", "-check", "-recursive"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (3, "main.tf\nmodules/net/main.tf\n"),
        "{}",
        r.text()
    );
    // without -recursive, a directory's subdirectories are not looked at
    let r = w.run(&["fmt", "-check", "modules"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.text());
    let r = w.run(&["fmt", "-check", "modules/net"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (3, "modules/net/main.tf\n"),
        "{}",
        r.text()
    );
    let r = w.run(&["fmt", "modules/net/main.tf"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "modules/net/main.tf\n"),
        "{}",
        r.text()
    );
    assert_eq!(
        std::fs::read_to_string(w.path().join(".terraform/modules/x/main.tf")).unwrap(),
        "c=3\n"
    );
}

#[test]
fn fmt_refuses_files_that_do_not_parse_and_leaves_them_alone() {
    let bad = "locals {\n  a = [1,\n}\n";
    let w = Workdir::new(&[("bad.tf", bad), ("good.tf", "b=2\n")]);
    let r = w.run(&["fmt", "-no-color"]);
    assert_eq!(r.code, 2, "{}", r.text());
    assert!(
        r.stderr.contains("Error: ") && r.stderr.contains("on bad.tf line 3"),
        "{}",
        r.text()
    );
    assert_eq!(
        std::fs::read_to_string(w.path().join("bad.tf")).unwrap(),
        bad
    );
    assert_eq!(
        std::fs::read_to_string(w.path().join("good.tf")).unwrap(),
        "b = 2\n"
    );
    let r = w.run(&["fmt", "-no-color", "missing"]);
    assert_eq!(r.code, 2, "{}", r.text());
    assert!(
        r.stderr.contains("No file or directory at missing"),
        "{}",
        r.text()
    );
    let r = w.run(&["fmt", "a", "b"]);
    assert_eq!(r.code, 1, "{}", r.text());
}
