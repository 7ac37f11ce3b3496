//! The CI recipes of `examples/ci` run for real: the terrane commands of each pipeline file (and the
//! shell lines that render the plan) are taken from the file, job by job in order, and run with
//! `sh` against moto, with the state in moto's S3: the pull-request plan is saved and rendered as
//! markdown, the merge applies that saved plan, the scheduled drift check passes, and after a tag is
//! changed behind terrane's back it fails with exit code 2 and a failing test case in its JUnit
//! report.

#[path = "support/moto.rs"]
mod moto;
mod support;

use std::path::Path;
use support::Workdir;

/// The commands of each job (`plan`, `apply`, `drift`) of a pipeline file, in order: the lines that
/// run terrane or render its output.
fn jobs(file: &Path) -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let t = line.trim();
        if indent <= 2
            && let Some(name) = t.strip_suffix(':')
            && ["plan", "apply", "drift"].contains(&name)
        {
            out.push((name.to_string(), Vec::new()));
            continue;
        }
        let cmd = t.strip_prefix("- ").unwrap_or(t);
        if (cmd.starts_with("terrane ") || cmd.starts_with("printf "))
            && let Some((_, cmds)) = out.last_mut()
        {
            cmds.push(cmd.to_string());
        }
    }
    out
}

/// Runs one job's commands in the repository copy; the exit code of the first that fails (or 0).
fn run_job(repo: &Path, cmds: &[String]) -> i32 {
    let bin = Path::new(env!("CARGO_BIN_EXE_terrane")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for c in cmds {
        let out = std::process::Command::new("sh")
            .args(["-c", c])
            .current_dir(repo)
            .envs(moto::Moto::shared().env())
            .env("PATH", &path)
            .env("STACK_DIR", "stacks/network")
            .env("STACKS_ROOT", "stacks")
            .output()
            .unwrap();
        let code = out.status.code().unwrap_or(-1);
        if code != 0 {
            eprintln!(
                "{c}: exit {code}\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            return code;
        }
    }
    0
}

fn vpc_name() -> Option<String> {
    let v = moto::Moto::shared().aws_ok(&[
        "ec2",
        "describe-vpcs",
        "--filters",
        "Name=tag:Name,Values=ci-network,renamed",
    ]);
    v["Vpcs"][0]["Tags"]
        .as_array()?
        .iter()
        .find(|t| t["Key"] == "Name")
        .and_then(|t| t["Value"].as_str().map(str::to_string))
}

#[test]
fn both_pipelines_plan_apply_the_saved_plan_and_fail_the_drift_job_on_drift() {
    let m = moto::Moto::shared();
    let _ = m.aws(&["s3api", "create-bucket", "--bucket", "terrane-ci-state"]);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci");
    let repo = Workdir::copy_of(&root);

    for recipe in ["github-actions.yml", "gitlab-ci.yml"] {
        let jobs = jobs(&root.join(recipe));
        let names: Vec<&str> = jobs.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["plan", "apply", "drift"], "{recipe}");
        let [(_, plan), (_, apply), (_, drift)] = &jobs[..] else {
            unreachable!()
        };
        assert!(
            plan.iter()
                .any(|c| c.contains(" plan ") && c.contains("-out=tfplan")),
            "{plan:?}"
        );
        assert!(
            apply
                .iter()
                .any(|c| c.contains(" apply ") && c.ends_with(" tfplan")),
            "{apply:?}"
        );
        assert!(
            drift
                .iter()
                .any(|c| c.contains("drift -recursive") && c.contains("-format=junit")),
            "{drift:?}"
        );

        // the pull request: a saved plan, rendered as markdown
        assert_eq!(run_job(repo.path(), plan), 0, "{recipe}: plan job");
        assert!(repo.path().join("stacks/network/tfplan").exists());
        let md = std::fs::read_to_string(repo.path().join("plan.md")).unwrap();
        assert!(md.starts_with("### terrane plan: `stacks/network`"), "{md}");
        assert!(
            md.contains("<details><summary>Show plan</summary>\n\n```\n"),
            "{md}"
        );
        assert!(md.trim_end().ends_with("```\n\n</details>"), "{md}");

        // the merge: that plan applied; the drift check passes
        assert_eq!(run_job(repo.path(), apply), 0, "{recipe}: apply job");
        assert_eq!(vpc_name().as_deref(), Some("ci-network"), "{recipe}");
        assert_eq!(
            run_job(repo.path(), drift),
            0,
            "{recipe}: drift job, no drift"
        );
        let xml = std::fs::read_to_string(repo.path().join("drift.xml")).unwrap();
        assert!(xml.contains("failures=\"0\" errors=\"0\""), "{xml}");
        assert!(xml.contains("name=\"aws_vpc.main\"/>"), "{xml}");

        // changed behind terrane's back: the drift job fails with the report
        let vpc = m.aws_ok(&[
            "ec2",
            "describe-vpcs",
            "--filters",
            "Name=tag:Name,Values=ci-network",
        ])["Vpcs"][0]["VpcId"]
            .as_str()
            .unwrap()
            .to_string();
        m.aws_ok(&[
            "ec2",
            "create-tags",
            "--resources",
            &vpc,
            "--tags",
            "Key=Name,Value=renamed",
        ]);
        assert_eq!(run_job(repo.path(), drift), 2, "{recipe}: drift job, drift");
        let xml = std::fs::read_to_string(repo.path().join("drift.xml")).unwrap();
        assert!(
            xml.contains("<failure type=\"drift\" message=\"aws_vpc.main has changed outside terrane\">tags[&quot;Name&quot;]: &quot;ci-network&quot; -&gt; &quot;renamed&quot;"),
            "{xml}"
        );
        // the next review puts it back (the second recipe starts from here)
        assert_eq!(run_job(repo.path(), plan), 0, "{recipe}: plan job");
        assert_eq!(run_job(repo.path(), apply), 0, "{recipe}: apply job");
        assert_eq!(vpc_name().as_deref(), Some("ci-network"), "{recipe}");
        std::fs::remove_file(repo.path().join("drift.xml")).unwrap();
    }
    let r = repo.run_with(
        &[
            "-chdir=stacks/network",
            "destroy",
            "-auto-approve",
            "-no-color",
        ],
        &m.env()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect::<Vec<_>>(),
        None,
    );
    assert_eq!(r.code, 0, "{}", r.text());
}
