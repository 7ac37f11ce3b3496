//! `terrane show`: the state, or a saved plan.

use crate::args::ShowArgs;
use crate::commands::version::VERSION;
use crate::ui::Ui;
use crate::workdir;
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: &ShowArgs) -> ExitCode {
    let ui = Ui::new(args.no_color);
    let fail = |summary: &str, detail: String| {
        ui.diagnostics(
            &terrane_diagnostics::Diagnostic::error(summary, detail).into(),
            &Default::default(),
        );
        ExitCode::from(1)
    };
    let tf_version = terrane_state::v4::TERRAFORM_VERSION;
    let _ = VERSION;
    if let Some(path) = &args.path {
        let plan = match terrane_plan::file::load(Path::new(path)) {
            Ok(p) => p,
            Err(e) => {
                return fail(
                    "Failed to read the given file as a plan",
                    format!("{path}: {e}"),
                );
            }
        };
        if args.json {
            println!("{}", terrane_plan::json::plan_json(&plan, tf_version));
        } else {
            ui.out(&crate::ui::plan::render(&plan, &ui));
        }
        return ExitCode::SUCCESS;
    }
    let state = if Path::new(workdir::STATE_DB).exists() {
        let store = match workdir::open_store() {
            Ok(s) => s,
            Err(d) => return fail(&d.summary, d.detail),
        };
        match workdir::read_state(store.as_ref()) {
            Ok(s) => s,
            Err(d) => return fail(&d.summary, d.detail),
        }
    } else {
        terrane_state::State::default()
    };
    if args.json {
        println!("{}", terrane_plan::json::state_json(&state, tf_version));
        return ExitCode::SUCCESS;
    }
    if state.has_no_resources() && state.outputs.is_empty() {
        println!("No state.");
        return ExitCode::SUCCESS;
    }
    for (addr, _, o) in state.instances() {
        println!("# {addr}:");
        println!("{}\n", crate::commands::state::render_object(&addr, o));
    }
    if !state.outputs.is_empty() {
        println!("\nOutputs:\n");
        for (name, o) in &state.outputs {
            if o.sensitive {
                println!("{name} = (sensitive value)");
            } else {
                println!("{name} = {}", crate::ui::values::format_value(&o.value, 0));
            }
        }
    }
    ExitCode::SUCCESS
}
