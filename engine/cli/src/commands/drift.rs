//! `terrane drift`: refresh one stack, or every stack below a directory, without changing anything,
//! and report what changed outside terrane (exit 0 no drift, 2 drift, 1 error).
//!
//! One stack is checked in this process: the state is read under the lock, which is released
//! before the refresh; the refresh is the engine's refresh-only plan; nothing is written. With
//! `-recursive`, every stack is checked by a child `terrane drift -format=json` (at most one per core
//! at once), so that one stack's failure, even a crash, is reported as that stack's error and the
//! others are still checked; their reports are merged into one.

use crate::args::DriftArgs;
use crate::drift::{junit, managed, markdown, report, stacks, text, unmanaged};
use crate::factory::Recording;
use crate::ui::{self, Ui};
use crate::workdir;
use serde_json::{Value as Json, json};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use terrane_config::load_config;
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceMap};
use terrane_plan::PlanMode;

const FORMATS: [&str; 4] = ["text", "json", "markdown", "junit"];

/// `terrane drift`.
pub async fn run(args: &DriftArgs) -> ExitCode {
    let ui = Ui::new(args.plan.no_color || args.plan.out.is_some());
    if !FORMATS.contains(&args.format.as_str()) {
        return usage_error(&format!(
            "-format must be one of text, json, markdown or junit, not {:?}.",
            args.format
        ));
    }
    if let Err(d) = unmanaged::parse_filters(&args.unmanaged_filters) {
        return usage_error(&d.detail);
    }
    let out_file = args.plan.out.as_ref().map(|f| absolute(Path::new(f)));
    let doc = if args.recursive {
        match recursive(args).await {
            Ok(d) => d,
            Err(e) => return usage_error(&e),
        }
    } else {
        if let Some(dir) = &args.dir
            && let Err(e) = std::env::set_current_dir(dir)
        {
            return usage_error(&format!("Cannot change to {dir}: {e}"));
        }
        check_here(args, args.dir.clone().unwrap_or_else(|| ".".into())).await
    };
    let rendered = match args.format.as_str() {
        "json" => format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).expect("JSON renders")
        ),
        "markdown" => markdown::render(&doc),
        "junit" => junit::render(&doc),
        _ => text::render(&doc, &ui),
    };
    match out_file {
        Some(f) => {
            if let Err(e) = std::fs::write(&f, rendered) {
                eprintln!("Error: Failed to write the report\n\n{}: {e}", f.display());
                return ExitCode::from(1);
            }
            // The file has the report; the terminal gets the text summary.
            if args.format != "text" {
                ui.out(&text::render(&doc, &ui));
            }
        }
        None => ui.out(&rendered),
    }
    ExitCode::from(report::exit_code(&doc))
}

fn usage_error(detail: &str) -> ExitCode {
    eprintln!("Error: Invalid drift options\n\n{detail}");
    ExitCode::from(1)
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

/// Prints diagnostics to standard error (standard output may carry the report).
fn print(ui: &Ui, diags: &[Diagnostic], sources: &SourceMap) {
    for d in diags {
        eprint!("{}", ui::diagnostics::render(d, sources, ui));
    }
}

fn failed(path: String, diags: Vec<Diagnostic>) -> Json {
    let stack = report::stack(&report::StackCheck {
        path,
        plan: None,
        diagnostics: diags,
        usage: Default::default(),
        identities: Default::default(),
    });
    report::document(vec![stack], None)
}

/// Checks the stack in the current directory.
async fn check_here(args: &DriftArgs, path: String) -> Json {
    let ui = Ui::new(true);
    let (config, diags) = load_config(Path::new("."));
    let sources = config
        .as_ref()
        .map(|c| c.sources.clone())
        .unwrap_or_default();
    let mut all: Vec<Diagnostic> = diags.iter().cloned().collect();
    let config = match config {
        Some(c) if !diags.has_errors() => Arc::new(c),
        _ => {
            print(&ui, &all, &sources);
            return failed(path, all);
        }
    };
    let mut loaded = workdir::Loaded {
        config: config.clone(),
        sources,
    };
    let state = {
        let read = || -> Result<terrane_state::State, Diagnostics> {
            let store = workdir::open_store()?;
            let timeout = workdir::parse_duration(args.plan.lock_timeout.as_deref())?;
            // The lock is held only while the state is read: the refresh writes nothing.
            let _lock = match args.plan.lock.unwrap_or(true) {
                true => Some(workdir::lock(&store, "drift", timeout)?),
                false => None,
            };
            Ok(workdir::read_state(store.as_ref())?)
        };
        match read() {
            Ok(s) => s,
            Err(d) => {
                all.extend(d.iter().cloned());
                print(&ui, &all, &loaded.sources);
                return failed(path, all);
            }
        }
    };
    let mut plan_args = args.plan.clone();
    plan_args.refresh_only = true;
    plan_args.destroy = false;
    let opts = match crate::commands::operation::plan_options(
        &plan_args,
        &mut loaded,
        PlanMode::RefreshOnly,
    ) {
        Ok(o) => o,
        Err(d) => {
            all.extend(d.iter().cloned());
            print(&ui, &all, &loaded.sources);
            return failed(path, all);
        }
    };
    let factory = Arc::new(Recording::new());
    let ctx = workdir::quiet_context(config, factory.clone(), args.plan.parallelism);
    let (plan, diags) = terrane_core::plan(&ctx, &state, &opts).await;
    all.extend(diags.iter().cloned());
    print(&ui, &all, &loaded.sources);
    let identities = match args.unmanaged {
        true => managed::identities(&loaded.config, &plan.prev_run_state, &factory),
        false => Default::default(),
    };
    let stack = report::stack(&report::StackCheck {
        path: path.clone(),
        plan: Some(&plan),
        diagnostics: all,
        usage: factory.usage(),
        identities,
    });
    let unmanaged = if args.unmanaged {
        let mut filters = args.unmanaged_filters.clone();
        match unmanaged::stack_filters(Path::new(".")) {
            Ok(f) => filters.extend(f),
            Err(d) => {
                print(&ui, std::slice::from_ref(&d), &loaded.sources);
                let mut stack = stack;
                stack["status"] = json!("error");
                stack["errors"]
                    .as_array_mut()
                    .expect("errors is an array")
                    .push(report::error_json(&d));
                return report::document(vec![stack], None);
            }
        }
        let claims = unmanaged::Claims::new(args.unmanaged_claims.as_ref().map(PathBuf::from));
        let listed = unmanaged::list(&factory, &filters, &claims, &path).await;
        // The listing's calls count too.
        let mut stack = stack;
        let usage = factory.usage();
        stack["api_calls"] = json!(usage.api_calls);
        stack["api_calls_by_operation"] = json!(usage.by_operation);
        return report::document(vec![stack], Some(listed));
    } else {
        None
    };
    report::document(vec![stack], unmanaged)
}

/// Checks every stack below the directory, each in a child process, and merges the reports.
async fn recursive(args: &DriftArgs) -> Result<Json, String> {
    let root = PathBuf::from(args.dir.clone().unwrap_or_else(|| ".".into()));
    let found =
        stacks::find(&root).map_err(|e| format!("Cannot search {}: {e}", root.display()))?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let workers = args
        .concurrency
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1);
    // Where the stacks take the listings of -unmanaged, so each account and region is listed once.
    let claims = match args.unmanaged {
        true => {
            Some(ClaimsDir::new().map_err(|e| format!("Cannot make a temporary directory: {e}"))?)
        }
        false => None,
    };
    let claims_dir = claims.as_ref().map(|c| c.0.as_path());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<Json>> = std::sync::Mutex::new(Vec::new());
    let unmanaged_sections: std::sync::Mutex<Vec<Json>> = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers.min(found.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(dir) = found.get(i) else { break };
                    let name = dir
                        .strip_prefix(&root)
                        .ok()
                        .map(|p| p.display().to_string())
                        .filter(|p| !p.is_empty())
                        .unwrap_or_else(|| ".".into());
                    let (stack, u) = check_child(&exe, args, dir, &name, claims_dir);
                    results.lock().expect("no panics").push(stack);
                    if let Some(u) = u {
                        unmanaged_sections.lock().expect("no panics").push(u);
                    }
                }
            });
        }
    });
    let stacks = results.into_inner().expect("no panics");
    let sections = unmanaged_sections.into_inner().expect("no panics");
    let claimed = claims_dir.map(unmanaged::Claims::read).unwrap_or_default();
    let u = if args.unmanaged {
        unmanaged::merge(sections, &claimed).or_else(|| {
            Some(json!({"filters": args.unmanaged_filters, "types": [], "objects": [], "errors": []}))
        })
    } else {
        None
    };
    Ok(report::document(stacks, u))
}

/// Checks one stack in a child process: its stack entry (named `name`) and unmanaged section.
fn check_child(
    exe: &Path,
    args: &DriftArgs,
    dir: &Path,
    name: &str,
    claims: Option<&Path>,
) -> (Json, Option<Json>) {
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("drift").arg("-format=json").arg("-no-color");
    cmd.arg(format!("-parallelism={}", args.plan.parallelism));
    if let Some(l) = args.plan.lock {
        cmd.arg(format!("-lock={l}"));
    }
    if let Some(t) = &args.plan.lock_timeout {
        cmd.arg(format!("-lock-timeout={t}"));
    }
    // As TF_VAR_ variables, so that a stack that does not declare one ignores it.
    for v in &args.plan.vars {
        if let Some((name, value)) = v.split_once('=') {
            cmd.env(format!("TF_VAR_{}", name.trim()), value);
        }
    }
    for f in &args.plan.var_files {
        cmd.arg(format!("-var-file={}", absolute(Path::new(f)).display()));
    }
    if args.unmanaged {
        cmd.arg("-unmanaged");
        for f in &args.unmanaged_filters {
            cmd.arg(format!("-unmanaged-filter={f}"));
        }
        if let Some(c) = claims {
            cmd.arg(format!("-unmanaged-claims={}", c.display()));
        }
    }
    cmd.arg(dir);
    cmd.stdin(std::process::Stdio::null());
    let fail = |detail: String| {
        let d = Diagnostic::error("Drift check failed", detail);
        (failed(name.to_string(), vec![d])["stacks"][0].clone(), None)
    };
    let out = match cmd.output() {
        Ok(o) => o,
        Err(e) => return fail(format!("Cannot run {}: {e}", exe.display())),
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Diagnostics go to this process's standard error, named by the stack.
    for line in stderr.lines() {
        eprintln!("[{name}] {line}");
    }
    match serde_json::from_slice::<Json>(&out.stdout) {
        Ok(doc) if doc["stacks"][0].is_object() => {
            let mut stack = doc["stacks"][0].clone();
            stack["path"] = json!(name);
            let mut u = doc.get("unmanaged").cloned();
            for l in u
                .as_mut()
                .and_then(|u| u["listings"].as_array_mut())
                .into_iter()
                .flatten()
            {
                l["stack"] = json!(name);
            }
            (stack, u)
        }
        _ => fail(format!(
            "terrane drift exited with {} without a report: {}",
            out.status,
            stderr.trim()
        )),
    }
}

/// A temporary directory, removed when dropped.
struct ClaimsDir(PathBuf);

impl ClaimsDir {
    fn new() -> std::io::Result<ClaimsDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir =
            std::env::temp_dir().join(format!("terrane-drift-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(ClaimsDir(dir))
    }
}

impl Drop for ClaimsDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
