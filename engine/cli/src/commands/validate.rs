//! `terrane validate`.

use crate::args::ValidateArgs;
use crate::ui::Ui;
use crate::workdir;
use std::process::ExitCode;

pub fn run(args: &ValidateArgs) -> ExitCode {
    let ui = Ui::new(args.no_color || args.json);
    let (config, mut diags) = terrane_config::load_config(std::path::Path::new("."));
    let sources = config
        .as_ref()
        .map(|c| c.sources.clone())
        .unwrap_or_default();
    if let Some(config) = config {
        if !diags.has_errors() {
            let ctx = workdir::context(std::sync::Arc::new(config), &ui, 1);
            let (_, d) = terrane_core::validate(&ctx, &terrane_state::State::default());
            diags.extend(d);
        }
    }
    let valid = !diags.has_errors();
    if args.json {
        let list: Vec<serde_json::Value> = diags
            .iter()
            .map(|d| crate::ui::diagnostics::to_json(d, &sources))
            .collect();
        let out = serde_json::json!({
            "format_version": "0.1",
            "valid": valid,
            "error_count": diags.errors().count(),
            "warning_count": diags.len() - diags.errors().count(),
            "diagnostics": list,
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        ui.diagnostics(&diags, &sources);
        if valid {
            ui.line(&format!(
                "{} The configuration is valid.",
                ui.style("1;32", "Success!")
            ));
        }
    }
    if valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
