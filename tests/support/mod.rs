//! The harness for end-to-end tests of the `terrane` binary: a temporary working directory, a way to
//! run commands in it, and normalization of volatile output (ids, times, paths) for snapshots.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A temporary working directory with configuration files.
pub struct Workdir {
    pub dir: tempfile::TempDir,
}

/// The result of one command.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    dir: PathBuf,
}

impl Workdir {
    /// A directory holding the given files.
    pub fn new(files: &[(&str, &str)]) -> Workdir {
        let w = Workdir {
            dir: tempfile::tempdir().unwrap(),
        };
        for (name, text) in files {
            w.write(name, text);
        }
        w
    }

    /// A copy of a folder of the repository (an example, a fixture).
    pub fn copy_of(src: &Path) -> Workdir {
        let w = Workdir {
            dir: tempfile::tempdir().unwrap(),
        };
        copy_dir(src, w.dir.path());
        w
    }

    /// Copies a folder of the repository into the directory at `rel` (the same layout as in the
    /// repository, so that relative module sources resolve).
    pub fn copy_into(&self, src: &Path, rel: &str) {
        let to = self.dir.path().join(rel);
        std::fs::create_dir_all(&to).unwrap();
        copy_dir(src, &to);
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes (or replaces) a file.
    pub fn write(&self, name: &str, text: &str) {
        let p = self.dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Removes a file.
    pub fn remove(&self, name: &str) {
        std::fs::remove_file(self.dir.path().join(name)).unwrap();
    }

    /// Runs `terrane ARGS` in the directory.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[], None)
    }

    /// Runs with extra environment variables and standard input.
    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_terrane"));
        cmd.args(args).current_dir(self.dir.path());
        for (k, _) in std::env::vars() {
            if k.starts_with("TF_VAR_") || k == "NO_COLOR" || k == "TF_WORKSPACE" {
                cmd.env_remove(k);
            }
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("terrane runs");
        {
            let mut input = child.stdin.take().unwrap();
            if let Some(s) = stdin {
                input.write_all(s.as_bytes()).unwrap();
            }
        }
        let out = child.wait_with_output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            dir: self.dir.path().to_path_buf(),
        }
    }

    /// Runs and requires exit code 0.
    pub fn ok(&self, args: &[&str]) -> Run {
        let r = self.run(args);
        assert_eq!(
            r.code,
            0,
            "terrane {} failed:\n{}",
            args.join(" "),
            r.text()
        );
        r
    }

    /// `output -json`, parsed.
    pub fn outputs(&self) -> serde_json::Value {
        serde_json::from_str(&self.ok(&["output", "-json"]).stdout).unwrap()
    }
}

impl Run {
    /// Exit code, stdout and stderr, as one text.
    pub fn text(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    /// [`Run::text`] with volatile parts replaced by placeholders.
    pub fn normalized(&self) -> String {
        normalize(&self.text(), &self.dir)
    }
}

/// Replaces ids, durations, uuids and the temporary directory by placeholders.
pub fn normalize(text: &str, dir: &Path) -> String {
    let mut t = text.replace(&dir.display().to_string(), "<dir>");
    let rules = [
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "<uuid>",
        ),
        (r"\b\d{8,}\b", "<id>"),
        (r"after \d+s", "after <t>"),
        (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", "<time>"),
    ];
    for (pat, rep) in rules {
        t = regex::Regex::new(pat)
            .unwrap()
            .replace_all(&t, rep)
            .into_owned();
    }
    t
}

fn copy_dir(src: &Path, dst: &Path) {
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let name = e.file_name();
        let name_s = name.to_string_lossy();
        if name_s.starts_with("terrane.tfstate") || name_s == ".terraform" {
            continue;
        }
        let to = dst.join(&name);
        if e.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), to).unwrap();
        }
    }
}
