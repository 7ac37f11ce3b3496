//! `terrane validate`.

use crate::args::ValidateArgs;
use crate::ui::Ui;
use crate::workdir;
use std::process::ExitCode;

pub async fn run(args: &ValidateArgs) -> ExitCode {
    let ui = Ui::new(args.no_color || args.json);
    let (config, mut diags) = terrane_config::load_config(std::path::Path::new("."));
    let sources = config
        .as_ref()
        .map(|c| c.sources.clone())
        .unwrap_or_default();
    if let Some(config) = config {
        if !diags.has_errors() {
            let ctx = workdir::quiet_context(
                std::sync::Arc::new(config),
                std::sync::Arc::new(crate::factory::BuiltinFactory::new()),
                1,
            );
            let (_, d) = terrane_core::validate(&ctx, &terrane_state::State::default());
            let static_errors = d.has_errors();
            diags.extend(d);
            if !static_errors {
                // then every expression, with variables and what resources will hold unknown, as
                // Terraform's validate evaluates them
                let opts = terrane_core::PlanOptions {
                    validate_only: true,
                    ..Default::default()
                };
                let (_, d) =
                    terrane_core::plan(&ctx, &terrane_state::State::default(), &opts).await;
                diags.extend(d.iter().filter(|d| d.is_error()).cloned());
            }
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
