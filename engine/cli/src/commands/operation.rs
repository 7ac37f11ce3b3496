//! `plan`, `apply` and `destroy`: load, lock, plan, show, confirm, apply.

use crate::args::{ApplyArgs, PlanArgs};
use crate::ui::Ui;
use crate::ui::values::format_value;
use crate::workdir::{self, Loaded};
use crate::{ui, vars};
use std::io::BufRead;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use terrane_addrs::{parse_resource_instance, parse_target};
use terrane_core::{ApplyOptions, PlanOptions};
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_plan::{Plan, PlanMode};
use terrane_state::State;
use terrane_state_api::StateStore;

fn fail(ui: &Ui, d: Diagnostics, loaded: Option<&Loaded>) -> ExitCode {
    let sources = loaded.map(|l| l.sources.clone()).unwrap_or_default();
    ui.diagnostics(&d, &sources);
    ExitCode::from(1)
}

struct Prepared {
    loaded: Loaded,
    store: Arc<dyn StateStore>,
    _lock: Option<workdir::Lock>,
    state: State,
}

fn prepare(ui: &Ui, args: &PlanArgs, operation: &str) -> Result<Prepared, ExitCode> {
    let Some(loaded) = workdir::load(ui) else {
        return Err(ExitCode::from(1));
    };
    // The configuration lives until the process exits: freeing the syntax tree of a large stack
    // would only add time at the end of the command.
    std::mem::forget(Arc::clone(&loaded.config));
    let store = workdir::open_store_in(&loaded.config.root.module)
        .map_err(|d| fail(ui, d.into(), Some(&loaded)))?;
    let timeout = workdir::parse_duration(args.lock_timeout.as_deref())
        .map_err(|d| fail(ui, d, Some(&loaded)))?;
    let lock = if args.lock.unwrap_or(true) {
        Some(
            workdir::lock(&store, operation, timeout)
                .map_err(|d| fail(ui, d.into(), Some(&loaded)))?,
        )
    } else {
        None
    };
    let state =
        workdir::read_state(store.as_ref()).map_err(|d| fail(ui, d.into(), Some(&loaded)))?;
    Ok(Prepared {
        loaded,
        store,
        _lock: lock,
        state,
    })
}

pub(crate) fn plan_options(
    args: &PlanArgs,
    loaded: &mut Loaded,
    mode: PlanMode,
) -> Result<PlanOptions, Diagnostics> {
    let (inputs, mut diags) = vars::collect(args, &loaded.config, &mut loaded.sources);
    let targets = addresses(&args.targets, &args.target_files, "target", &mut diags);
    let excludes = addresses(&args.excludes, &args.exclude_files, "exclude", &mut diags);
    if !targets.is_empty() && !excludes.is_empty() {
        diags.push(Diagnostic::error(
            "Invalid combination of arguments",
            "-target and -exclude cannot be used together.",
        ));
    }
    let mut replace = Vec::new();
    for r in &args.replace {
        match parse_resource_instance(r) {
            Ok(a) => replace.push(a),
            Err(e) => diags.push(Diagnostic::error("Invalid replace address", e.to_string())),
        }
    }
    let mode = if args.refresh_only {
        PlanMode::RefreshOnly
    } else if args.destroy {
        PlanMode::Destroy
    } else {
        mode
    };
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(PlanOptions {
        mode,
        refresh: args.refresh.unwrap_or(true),
        targets,
        replace,
        excludes,
        inputs,
        evaluate_only: false,
        validate_only: false,
        unchecked: Vec::new(),
    })
    .map(|o| {
        // Warnings (undeclared variables in files) are shown but do not stop the plan.
        let _ = &diags;
        o
    })
}

/// Addresses from flags and from files (one per line, `#` comments), as targets.
fn addresses(
    flags: &[String],
    files: &[String],
    what: &str,
    diags: &mut Diagnostics,
) -> Vec<terrane_addrs::Target> {
    let mut texts: Vec<String> = flags.to_vec();
    for f in files {
        match std::fs::read_to_string(f) {
            Ok(t) => texts.extend(
                t.lines()
                    .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
                    .filter(|l| !l.is_empty()),
            ),
            Err(e) => diags.push(Diagnostic::error(
                format!("Invalid -{what}-file"),
                format!("Cannot read {f}: {e}"),
            )),
        }
    }
    let mut out = Vec::new();
    for t in texts {
        match parse_target(&t) {
            Ok(a) => out.push(a),
            Err(e) => diags.push(Diagnostic::error(
                format!("Invalid {what} address"),
                e.to_string(),
            )),
        }
    }
    out
}

async fn make_plan(
    ui: &Ui,
    args: &PlanArgs,
    prep: &mut Prepared,
    mode: PlanMode,
) -> Result<Plan, ExitCode> {
    let opts =
        plan_options(args, &mut prep.loaded, mode).map_err(|d| fail(ui, d, Some(&prep.loaded)))?;
    let ctx = workdir::context(prep.loaded.config.clone(), ui, args.parallelism);
    let (mut plan, diags) = terrane_core::plan(&ctx, &prep.state, &opts).await;
    ui.diagnostics(&diags, &prep.loaded.sources);
    if diags.has_errors() {
        return Err(ExitCode::from(1));
    }
    plan.timestamp = workdir::now_rfc3339();
    Ok(plan)
}

/// `terrane plan`.
pub async fn plan(args: &PlanArgs) -> ExitCode {
    let ui = Ui::with_json(args.no_color, args.json);
    if ui.json {
        ui::json::version();
    }
    let mut prep = match prepare(&ui, args, "plan") {
        Ok(p) => p,
        Err(c) => return c,
    };
    if let Some(out) = &args.generate_config_out {
        match super::generate::write_generated(&ui, args, &prep.loaded, &prep.state, Path::new(out))
            .await
        {
            Ok(false) => {}
            Ok(true) => {
                // the plan reads the generated file with the rest of the configuration
                let Some(loaded) = workdir::load(&ui) else {
                    return ExitCode::from(1);
                };
                std::mem::forget(Arc::clone(&loaded.config));
                prep.loaded = loaded;
            }
            Err(d) => return fail(&ui, d, Some(&prep.loaded)),
        }
    }
    let mut plan = match make_plan(&ui, args, &mut prep, PlanMode::Normal).await {
        Ok(p) => p,
        Err(c) => return c,
    };
    ui.out(&ui::plan::render(&plan, &ui));
    if ui.json {
        ui::json::plan(&plan);
        ui::json::change_summary(plan.summary_counts(), "plan");
    }
    if args.out.is_some() {
        // what a saved plan is checked against when applied (hashing every file costs time: only
        // for a plan that is saved)
        plan.config_digest = workdir::config_digest(&prep.loaded.sources);
    }
    if let Some(out) = &args.out {
        if let Err(e) = terrane_plan::file::save(&plan, Path::new(out)) {
            return fail(
                &ui,
                Diagnostic::error("Failed to write plan file", format!("{out}: {e}")).into(),
                Some(&prep.loaded),
            );
        }
        ui.line(&format!("\n{}\n\nSaved the plan to: {out}\n\nTo perform exactly these actions, run the following command to apply:\n    terrane apply \"{out}\"", "─".repeat(77)));
    } else if plan.has_changes() {
        ui.line(&format!("\n{}\n\nNote: You didn't use the -out option to save this plan, so terrane can't\nguarantee to take exactly these actions if you run \"terrane apply\" now.", "─".repeat(77)));
    }
    if args.detailed_exitcode && plan.has_changes() {
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

fn confirm(ui: &Ui, destroy: bool) -> bool {
    if destroy {
        ui.out(&format!("\n{}\n  terrane will destroy all your managed infrastructure, as shown above.\n  There is no undo. Only 'yes' will be accepted to confirm.\n\n  {} ", ui.bold("Do you really want to destroy all resources?"), ui.bold("Enter a value:")));
    } else {
        ui.out(&format!("\n{}\n  terrane will perform the actions described above.\n  Only 'yes' will be accepted to approve.\n\n  {} ", ui.bold("Do you want to perform these actions?"), ui.bold("Enter a value:")));
    }
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    ui.line("");
    line.trim() == "yes"
}

/// `terrane apply` (with or without a saved plan).
pub async fn apply(args: &ApplyArgs) -> ExitCode {
    run_apply(&args.plan, args.plan_file.as_deref(), PlanMode::Normal).await
}

/// `terrane refresh`: an apply of a refresh-only plan.
pub async fn refresh(args: &PlanArgs) -> ExitCode {
    let mut a = args.clone();
    a.refresh_only = true;
    a.auto_approve = true;
    run_apply(&a, None, PlanMode::RefreshOnly).await
}

/// `terrane destroy`.
pub async fn destroy(args: &PlanArgs) -> ExitCode {
    run_apply(args, None, PlanMode::Destroy).await
}

async fn run_apply(args: &PlanArgs, plan_file: Option<&str>, mode: PlanMode) -> ExitCode {
    let ui = Ui::with_json(args.no_color, args.json);
    let destroying = mode == PlanMode::Destroy || args.destroy;
    if ui.json {
        ui::json::version();
        if plan_file.is_none() && !args.auto_approve {
            return fail(
                &ui,
                Diagnostic::error(
                    "Plan file or auto-approve required",
                    "terrane cannot ask for interactive approval when -json is set. You can either apply a saved plan file, or enable the -auto-approve option.",
                )
                .into(),
                None,
            );
        }
    }
    let mut prep = match prepare(&ui, args, if destroying { "destroy" } else { "apply" }) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let mut ephemeral_inputs = std::collections::BTreeMap::new();
    let plan = match plan_file {
        Some(f) => {
            // a saved plan holds every variable but the ephemeral ones, which are given again
            let (mut all, given, diags) =
                vars::collect_parts(args, &prep.loaded.config, &mut prep.loaded.sources);
            if diags.has_errors() {
                return fail(&ui, diags, Some(&prep.loaded));
            }
            let variables = &prep.loaded.config.root.module.variables;
            let saved: Vec<&String> = given
                .keys()
                .filter(|n| !variables.get(*n).is_some_and(|v| v.ephemeral))
                .collect();
            if !saved.is_empty() {
                return fail(&ui, Diagnostic::error("Can't set variables for the apply phase", format!("Variables are saved in the plan file; remove the values given for {} with -var and -var-file to apply it. Only ephemeral variables, which a plan file never holds, are set again when applying.", saved.iter().map(|n| format!("var.{n}")).collect::<Vec<_>>().join(", "))).into(), Some(&prep.loaded));
            }
            // ephemeral values come from wherever variables come from: -var, files, TF_VAR_*
            all.extend(given);
            ephemeral_inputs = all
                .into_iter()
                .filter(|(n, _)| variables.get(n).is_some_and(|v| v.ephemeral))
                .collect();
            // checked before the state is touched: an apply that cannot start writes nothing
            let missing: Vec<String> = variables
                .iter()
                .filter(|(n, v)| {
                    v.ephemeral && v.default.is_none() && !ephemeral_inputs.contains_key(*n)
                })
                .map(|(n, _)| format!("var.{n}"))
                .collect();
            if !missing.is_empty() {
                return fail(&ui, Diagnostic::error("No value for required variable", format!("The ephemeral variables {} are not saved in the plan file and have no default value; give them again (with -var, -var-file or TF_VAR_ environment variables) to apply it.", missing.join(", "))).into(), Some(&prep.loaded));
            }
            let plan = match terrane_plan::file::load(Path::new(f)) {
                Ok(p) => p,
                Err(e) => {
                    return fail(
                        &ui,
                        Diagnostic::error("Failed to load the saved plan", format!("{f}: {e}"))
                            .into(),
                        Some(&prep.loaded),
                    );
                }
            };
            let stale = plan.prev_run_state.lineage != prep.state.lineage
                && !prep.state.has_no_resources()
                || plan.prev_run_state.serial != prep.state.serial;
            if stale {
                return fail(
                    &ui,
                    Diagnostic::error(
                        "Saved plan is stale",
                        "The given plan file can no longer be applied because the state was changed by another operation after the plan was created. Create a new plan.",
                    )
                    .into(),
                    Some(&prep.loaded),
                );
            }
            if plan.config_digest != workdir::config_digest(&prep.loaded.sources) {
                return fail(
                    &ui,
                    Diagnostic::error("Saved plan does not match the configuration", "The configuration files changed after the plan was created. Create a new plan.").into(),
                    Some(&prep.loaded),
                );
            }
            plan
        }
        None => {
            let plan = match make_plan(&ui, args, &mut prep, mode).await {
                Ok(p) => p,
                Err(c) => return c,
            };
            ui.out(&ui::plan::render(&plan, &ui));
            if ui.json {
                ui::json::plan(&plan);
                ui::json::change_summary(plan.summary_counts(), "plan");
            }
            if !plan.has_changes() && state_unchanged(&plan) {
                if ui.json {
                    ui::json::change_summary(
                        (0, 0, 0),
                        if destroying { "destroy" } else { "apply" },
                    );
                    if !destroying {
                        ui::json::outputs(&prep.state);
                    }
                }
                ui.line(&format!(
                    "\n{}",
                    ui.style("1;32", &completion_line(destroying, 0, (0, 0, 0)))
                ));
                print_outputs(&ui, &prep.state);
                return ExitCode::SUCCESS;
            }
            if !args.auto_approve && !confirm(&ui, destroying) {
                ui.line(if destroying {
                    "Destroy cancelled."
                } else {
                    "Apply cancelled."
                });
                return ExitCode::from(1);
            }
            plan
        }
    };
    if plan.errored {
        return fail(
            &ui,
            Diagnostic::error(
                "Plan has errors",
                "A plan that stopped on errors cannot be applied.",
            )
            .into(),
            Some(&prep.loaded),
        );
    }
    let writer = match prep.store.begin(
        &prep.state.lineage,
        workdir::version_meta(if destroying { "destroy" } else { "apply" }),
    ) {
        Ok(w) => w,
        Err(e) => {
            return fail(
                &ui,
                Diagnostic::error("Failed to write state", e.to_string()).into(),
                Some(&prep.loaded),
            );
        }
    };
    let ctx = workdir::context(prep.loaded.config.clone(), &ui, args.parallelism);
    let opts = ApplyOptions {
        ephemeral_inputs,
        ..ApplyOptions::default()
    };
    let watch = crate::interrupt::watch(opts.stop.clone());
    let (final_state, diags) = terrane_core::apply(&ctx, &plan, &prep.state, writer, &opts).await;
    drop(watch);
    ui.diagnostics(&diags, &prep.loaded.sources);
    if diags.has_errors() {
        return ExitCode::from(1);
    }
    ui.line(&format!(
        "\n{}",
        ui.style(
            "1;32",
            &completion_line(destroying, plan.import_count(), plan.summary_counts())
        )
    ));
    if ui.json {
        ui::json::change_summary(
            plan.summary_counts(),
            if destroying { "destroy" } else { "apply" },
        );
    }
    if !destroying {
        if ui.json {
            ui::json::outputs(&final_state);
        } else {
            print_outputs(&ui, &final_state);
        }
    }
    ExitCode::SUCCESS
}

fn state_unchanged(plan: &Plan) -> bool {
    let a = terrane_state::v4::to_v4(&plan.prior_state);
    let b = terrane_state::v4::to_v4(&plan.prev_run_state);
    a["resources"] == b["resources"]
}

fn completion_line(
    destroying: bool,
    imported: usize,
    (add, change, destroy): (usize, usize, usize),
) -> String {
    if destroying {
        format!("Destroy complete! Resources: {destroy} destroyed.")
    } else if imported > 0 {
        format!(
            "Apply complete! Resources: {imported} imported, {add} added, {change} changed, {destroy} destroyed."
        )
    } else {
        format!("Apply complete! Resources: {add} added, {change} changed, {destroy} destroyed.")
    }
}

fn print_outputs(ui: &Ui, state: &State) {
    if state.outputs.is_empty() {
        return;
    }
    ui.line(&format!("\n{}\n", ui.style("1;32", "Outputs:")));
    for (name, o) in &state.outputs {
        if o.sensitive {
            ui.line(&format!("{name} = <sensitive>"));
        } else {
            ui.line(&format!("{name} = {}", format_value(&o.value, 0)));
        }
    }
}
