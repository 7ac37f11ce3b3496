//! Crash safety and interrupts, through the binary: terrane killed with SIGKILL at many moments of an
//! apply leaves a readable state holding every finished resource, and every create it had started is
//! either recorded or named as interrupted by the next plan; the first Ctrl-C (SIGINT or SIGTERM)
//! lets the creates in flight finish and be recorded, a second one exits at once.

mod support;

use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::Workdir;

fn spawn_apply(w: &Workdir, log: &str) -> Child {
    let out = std::fs::File::create(w.path().join(log)).unwrap();
    let err = std::fs::File::create(w.path().join(format!("{log}.err"))).unwrap();
    Command::new(env!("CARGO_BIN_EXE_terrane"))
        .args(["apply", "-auto-approve", "-no-color"])
        .current_dir(w.path())
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("terrane starts")
}

fn read(w: &Workdir, name: &str) -> String {
    std::fs::read_to_string(w.path().join(name)).unwrap_or_default()
}

fn wait_for(w: &Workdir, log: &str, text: &str) {
    let start = Instant::now();
    while !read(w, log).contains(text) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{text:?} never appeared:\n{}",
            read(w, log)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args([format!("-{sig}"), child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{sig}");
}

fn wait_exit(child: &mut Child, within: Duration) -> Option<i32> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        assert!(
            start.elapsed() < within,
            "terrane did not exit within {within:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Addresses in the state, and addresses of creates recorded as in flight.
fn recorded(w: &Workdir) -> (BTreeSet<String>, BTreeSet<String>) {
    let list = w.ok(&["state", "list"]);
    let objects = list.stdout.lines().map(str::to_string).collect();
    let pulled = w.ok(&["state", "pull"]).stdout;
    if pulled.trim().is_empty() {
        return (objects, BTreeSet::new());
    }
    let pulled: serde_json::Value =
        serde_json::from_str(&pulled).expect("state pull prints the state");
    let intents = pulled["terrane_intents"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| i["address"].as_str().unwrap().to_string())
        .collect();
    (objects, intents)
}

/// The addresses of the progress lines `ADDR: VERB...` of a log.
fn progress(log: &str, verb: &str) -> BTreeSet<String> {
    log.lines()
        .filter_map(|l| {
            l.split_once(&format!(": {verb}"))
                .map(|(a, _)| a.to_string())
        })
        .collect()
}

const SLOW: &str = r#"
resource "null_resource" "fast" {}

resource "time_sleep" "slow" {
  depends_on      = [null_resource.fast]
  create_duration = "60s"
}

resource "null_resource" "after" {
  triggers = { slept = time_sleep.slow.id }
}
"#;

#[test]
fn a_create_in_flight_when_terrane_is_killed_is_named_by_the_next_plan() {
    let w = Workdir::new(&[("main.tf", SLOW)]);
    w.ok(&["init"]);
    let mut child = spawn_apply(&w, "apply.log");
    wait_for(&w, "apply.log", "time_sleep.slow: Creating...");
    child.kill().unwrap();
    child.wait().unwrap();

    let (objects, intents) = recorded(&w);
    assert_eq!(
        objects,
        BTreeSet::from(["null_resource.fast".to_string()]),
        "the finished resource is recorded"
    );
    assert_eq!(
        intents,
        BTreeSet::from(["time_sleep.slow".to_string()]),
        "the create in flight is recorded as interrupted"
    );

    let plan = w.run(&["plan", "-no-color"]);
    assert_eq!(plan.code, 0, "{}", plan.text());
    assert!(
        plan.text()
            .contains("Warning: Interrupted create of time_sleep.slow"),
        "the plan names the interrupted create:\n{}",
        plan.text()
    );
    assert!(
        plan.stdout
            .contains("Plan: 2 to add, 0 to change, 0 to destroy.")
    );

    // Created again, the warning is gone and so is the intent.
    w.write("main.tf", &SLOW.replace("\"60s\"", "\"1s\""));
    w.ok(&["apply", "-auto-approve"]);
    let (objects, intents) = recorded(&w);
    assert_eq!(objects.len(), 3);
    assert!(intents.is_empty(), "{intents:?}");
    let plan = w.ok(&["plan", "-no-color", "-detailed-exitcode"]);
    assert!(!plan.text().contains("Interrupted"), "{}", plan.text());
}

/// Twenty resources in chains of short sleeps: killed after different delays, each run leaves a
/// readable state in which every create it started is recorded, as an object or as interrupted.
#[test]
fn killed_at_any_moment_the_state_is_readable_and_no_create_is_forgotten() {
    let mut tf = String::new();
    for i in 0..10 {
        let dep = if i == 0 {
            String::new()
        } else {
            format!("  depends_on      = [time_sleep.s{}]\n", i - 1)
        };
        tf.push_str(&format!(
            "resource \"time_sleep\" \"s{i}\" {{\n{dep}  create_duration = \"150ms\"\n}}\n\n\
             resource \"null_resource\" \"n{i}\" {{\n  triggers = {{ after = time_sleep.s{i}.id }}\n}}\n\n"
        ));
    }
    let w = Workdir::new(&[("main.tf", &tf)]);
    w.ok(&["init"]);
    let mut started_total = BTreeSet::new();
    for (round, delay_ms) in [0u64, 30, 120, 250, 400, 700, 1000].into_iter().enumerate() {
        let log = format!("apply-{round}.log");
        let mut child = spawn_apply(&w, &log);
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap();
        child.wait().unwrap();
        let text = read(&w, &log);
        let (objects, intents) = recorded(&w);
        for addr in progress(&text, "Creating...") {
            assert!(
                objects.contains(&addr) || intents.contains(&addr),
                "round {round}: {addr} was being created and is neither recorded nor interrupted\nobjects {objects:?}\nintents {intents:?}\n{text}"
            );
            started_total.insert(addr);
        }
        for addr in progress(&text, "Creation complete") {
            assert!(
                objects.contains(&addr) || intents.contains(&addr),
                "round {round}: {addr} finished and is not recorded"
            );
        }
        let plan = w.run(&["plan", "-no-color"]);
        assert_eq!(plan.code, 0, "round {round}: {}", plan.text());
        for addr in &intents {
            assert!(
                plan.text()
                    .contains(&format!("Interrupted create of {addr}")),
                "round {round}: the plan names {addr}:\n{}",
                plan.text()
            );
        }
    }
    assert!(
        !started_total.is_empty(),
        "some runs got as far as creating something"
    );
    // The stack converges: one apply finishes it, and nothing is left interrupted.
    w.ok(&["apply", "-auto-approve"]);
    let (objects, intents) = recorded(&w);
    assert_eq!(objects.len(), 20, "{objects:?}");
    assert!(intents.is_empty(), "{intents:?}");
    w.ok(&["plan", "-detailed-exitcode"]);
}

const INTERRUPTIBLE: &str = r#"
resource "null_resource" "fast" {}

resource "time_sleep" "slow" {
  depends_on      = [null_resource.fast]
  create_duration = "3s"
}

resource "null_resource" "after" {
  triggers = { slept = time_sleep.slow.id }
}
"#;

#[test]
fn the_first_interrupt_waits_for_creates_in_flight_and_starts_nothing_new() {
    for sig in ["INT", "TERM"] {
        let w = Workdir::new(&[("main.tf", INTERRUPTIBLE)]);
        w.ok(&["init"]);
        let mut child = spawn_apply(&w, "apply.log");
        wait_for(&w, "apply.log", "time_sleep.slow: Creating...");
        signal(&child, sig);
        let code = wait_exit(&mut child, Duration::from_secs(30));
        let out = read(&w, "apply.log");
        let err = read(&w, "apply.log.err");
        assert_eq!(code, Some(1), "SIG{sig}: exits non-zero\n{out}{err}");
        assert!(out.contains("Interrupt received."), "{out}");
        assert!(
            out.contains("time_sleep.slow: Creation complete"),
            "the create in flight finished:\n{out}"
        );
        assert!(
            !out.contains("null_resource.after: Creating..."),
            "nothing new started:\n{out}"
        );
        assert!(err.contains("Error: Apply interrupted"), "{err}");
        let (objects, intents) = recorded(&w);
        assert_eq!(
            objects,
            BTreeSet::from([
                "null_resource.fast".to_string(),
                "time_sleep.slow".to_string()
            ]),
            "SIG{sig}: what finished is recorded"
        );
        assert!(intents.is_empty());
        let plan = w.ok(&["plan", "-no-color"]);
        assert!(
            plan.stdout
                .contains("Plan: 1 to add, 0 to change, 0 to destroy."),
            "{}",
            plan.text()
        );
    }
}

#[test]
fn a_second_interrupt_exits_at_once_and_leaves_a_readable_state() {
    let w = Workdir::new(&[("main.tf", SLOW)]);
    w.ok(&["init"]);
    let mut child = spawn_apply(&w, "apply.log");
    wait_for(&w, "apply.log", "time_sleep.slow: Creating...");
    signal(&child, "INT");
    wait_for(&w, "apply.log", "Gracefully shutting down");
    signal(&child, "TERM");
    let code = wait_exit(&mut child, Duration::from_secs(10));
    assert_eq!(code, Some(130), "{}", read(&w, "apply.log"));
    assert!(read(&w, "apply.log").contains("Two interrupts received."));
    let (objects, intents) = recorded(&w);
    assert_eq!(objects, BTreeSet::from(["null_resource.fast".to_string()]));
    assert_eq!(intents, BTreeSet::from(["time_sleep.slow".to_string()]));
}

#[test]
fn state_rm_forgets_an_interrupted_create() {
    let w = Workdir::new(&[("main.tf", SLOW)]);
    w.ok(&["init"]);
    let mut child = spawn_apply(&w, "apply.log");
    wait_for(&w, "apply.log", "time_sleep.slow: Creating...");
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        recorded(&w).1,
        BTreeSet::from(["time_sleep.slow".to_string()])
    );

    let dry = w.ok(&["state", "rm", "-dry-run", "time_sleep.slow"]);
    assert!(
        dry.stdout
            .contains("Would remove the record of an interrupted create of time_sleep.slow"),
        "{}",
        dry.text()
    );
    assert_eq!(recorded(&w).1.len(), 1, "a dry run changes nothing");
    // the user checked that nothing was created: the record goes, and with it the warning
    let r = w.ok(&["state", "rm", "time_sleep.slow"]);
    assert!(
        r.stdout
            .contains("Removed the record of an interrupted create of time_sleep.slow"),
        "{}",
        r.text()
    );
    let (objects, intents) = recorded(&w);
    assert!(intents.is_empty(), "{intents:?}");
    assert_eq!(objects, BTreeSet::from(["null_resource.fast".to_string()]));
    let plan = w.ok(&["plan", "-no-color"]);
    assert!(!plan.text().contains("Interrupted"), "{}", plan.text());
}
