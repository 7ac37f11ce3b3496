//! `terrane fmt`: rewrites `.tf` and `.tfvars` files in the canonical layout, as Terraform's `fmt`.
//!
//! Without arguments it formats the files of the current directory; with `-recursive`, those of the
//! directories below too (hidden ones skipped). `-` reads standard input and writes the result to
//! standard output. `-list` names the files that changed, `-write=false` leaves them as they are,
//! `-diff` shows a unified diff, and `-check` writes nothing and exits 3 when a file is not formatted.
//! A file with syntax errors is reported and left alone; the exit code is then 2.

use crate::args::FmtArgs;
use crate::ui::Ui;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceMap};

struct Options {
    list: bool,
    write: bool,
    diff: bool,
    check: bool,
    recursive: bool,
}

#[derive(Default)]
struct Outcome {
    changed: bool,
    diags: Diagnostics,
    sources: SourceMap,
}

pub fn run(args: &FmtArgs) -> ExitCode {
    let ui = Ui::new(args.no_color);
    if args.paths.len() > 1 {
        eprintln!(
            "{}",
            ui.style("31", "The fmt command expects at most one argument.")
        );
        return ExitCode::from(1);
    }
    let target = args.paths.first().map_or(".", String::as_str);
    let mut opts = Options {
        list: args.list.unwrap_or(true),
        write: args.write.unwrap_or(true) && !args.check,
        diff: args.diff,
        check: args.check,
        recursive: args.recursive,
    };
    let mut outcome = Outcome::default();
    if target == "-" {
        opts.list = false;
        opts.write = false;
        let mut text = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut text) {
            eprintln!("Failed to read from standard input: {e}");
            return ExitCode::from(2);
        }
        format_one("<stdin>", &text, None, &opts, &mut outcome);
    } else {
        let path = Path::new(target);
        if path.is_dir() {
            format_dir(path, &opts, &mut outcome);
        } else if path.is_file() {
            format_path(path, &opts, &mut outcome);
        } else {
            outcome.diags.push(Diagnostic::error(
                format!("No file or directory at {target}"),
                "",
            ));
        }
    }
    ui.diagnostics(&outcome.diags, &outcome.sources);
    if outcome.diags.has_errors() {
        ExitCode::from(2)
    } else if opts.check && outcome.changed {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    }
}

/// The files of a directory in name order, and with `-recursive` its subdirectories where they sort,
/// as Terraform walks them.
fn format_dir(dir: &Path, opts: &Options, outcome: &mut Outcome) {
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            outcome.diags.push(Diagnostic::error(
                "Failed to read directory",
                format!("The directory {} could not be read: {e}.", dir.display()),
            ));
            return;
        }
    };
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if opts.recursive && !name.starts_with('.') {
                format_dir(&path, opts, outcome);
            }
        } else if name.ends_with(".tf") || name.ends_with(".tfvars") {
            format_path(&path, opts, outcome);
        }
    }
}

fn format_path(path: &Path, opts: &Options, outcome: &mut Outcome) {
    let shown = display_path(path);
    match std::fs::read_to_string(path) {
        Ok(text) => format_one(&shown, &text, Some(path), opts, outcome),
        Err(e) => outcome.diags.push(Diagnostic::error(
            "Failed to read file",
            format!("The file {shown} could not be read: {e}."),
        )),
    }
}

/// A path as the user would write it: without a leading `./`.
fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

fn format_one(shown: &str, text: &str, path: Option<&Path>, opts: &Options, outcome: &mut Outcome) {
    let result = match terrane_config::fmt::format_file(shown, text) {
        Ok(result) => result,
        Err(diags) => {
            outcome.sources.insert(Arc::from(shown), Arc::from(text));
            outcome.diags.extend(diags);
            return;
        }
    };
    let mut stdout = std::io::stdout().lock();
    if result != text {
        outcome.changed = true;
        if opts.list {
            let _ = writeln!(stdout, "{shown}");
        }
        if let (true, Some(path)) = (opts.write, path) {
            if let Err(e) = write_in_place(path, &result) {
                outcome.diags.push(Diagnostic::error(
                    "Failed to write file",
                    format!("The file {shown} could not be written: {e}."),
                ));
            }
        }
        if opts.diff {
            let _ = stdout.write_all(unified_diff(shown, text, &result).as_bytes());
        }
    }
    if path.is_none() && !opts.check && !opts.diff {
        let _ = stdout.write_all(result.as_bytes());
    }
}

/// Replaces a file's content through a temporary file beside it, so that an interrupted write never
/// leaves half a file; the file keeps its permissions.
fn write_in_place(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.terrane-fmt.{}", std::process::id()));
    std::fs::write(&tmp, text)?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// A unified diff with three lines of context, labelled `old/NAME` and `new/NAME` as Terraform's.
fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("old/{name}"), &format!("new/{name}"))
        .to_string()
}
