//! `terrane output`.

use crate::args::OutputArgs;
use crate::ui::Ui;
use crate::ui::values::format_value;
use crate::workdir;
use std::process::ExitCode;
use terrane_values::Kind;
use terrane_values::json::{to_json, type_to_json};

pub fn run(args: &OutputArgs) -> ExitCode {
    let ui = Ui::new(args.no_color);
    let fail = |detail: String| {
        ui.diagnostics(
            &terrane_diagnostics::Diagnostic::error("Failed to read outputs", detail).into(),
            &Default::default(),
        );
        ExitCode::from(1)
    };
    let state = if std::path::Path::new(workdir::STATE_DB).exists() {
        let store = match workdir::open_store() {
            Ok(s) => s,
            Err(d) => return fail(d.detail),
        };
        match workdir::read_state(store.as_ref()) {
            Ok(s) => s,
            Err(d) => return fail(d.detail),
        }
    } else {
        terrane_state::State::default()
    };
    if let Some(name) = &args.name {
        let Some(o) = state.outputs.get(name) else {
            ui.diagnostics(
                &terrane_diagnostics::Diagnostic::error(
                    "Output not found",
                    format!("The output variable requested could not be found in the state file. If you recently added this to your configuration, be sure to run `terrane apply`, since the state won't be updated with new output variables until that command is run."),
                )
                .into(),
                &Default::default(),
            );
            return ExitCode::from(1);
        };
        let (v, _) = o.value.clone().unmark_deep();
        if args.json {
            println!("{}", to_json(&v).unwrap_or_default());
        } else if args.raw {
            match v.kind() {
                Kind::String(s) => print!("{s}"),
                Kind::Number(n) => print!("{n}"),
                Kind::Bool(b) => print!("{b}"),
                _ => {
                    return fail("Unsupported value for raw output: the -raw option only supports strings, numbers, and boolean values, but output value is not one of those.".into());
                }
            }
        } else {
            println!("{}", format_value(&v, 0));
        }
        return ExitCode::SUCCESS;
    }
    if args.json {
        let mut obj = serde_json::Map::new();
        for (name, o) in &state.outputs {
            let (v, _) = o.value.clone().unmark_deep();
            obj.insert(
                name.clone(),
                serde_json::json!({"sensitive": o.sensitive, "type": type_to_json(&v.ty()), "value": to_json(&v).unwrap_or_default()}),
            );
        }
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::Value::Object(obj)).unwrap_or_default()
        );
        return ExitCode::SUCCESS;
    }
    if state.outputs.is_empty() {
        ui.diagnostics(
            &terrane_diagnostics::Diagnostic::warning(
                "No outputs found",
                "The state file either has no outputs defined, or all the defined outputs are empty. Please define an output in your configuration with the `output` keyword and run `terrane refresh` for it to become available.",
            )
            .into(),
            &Default::default(),
        );
        return ExitCode::SUCCESS;
    }
    for (name, o) in &state.outputs {
        if o.sensitive {
            println!("{name} = <sensitive>");
        } else {
            println!("{name} = {}", format_value(&o.value, 0));
        }
    }
    ExitCode::SUCCESS
}
