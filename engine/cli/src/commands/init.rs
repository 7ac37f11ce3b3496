//! `terrane init`: checks that the configuration loads, its modules are present and its providers
//! are built in (there is nothing to download), and initializes the backend: records it with its
//! `-backend-config` values, and with `-migrate-state` copies the state of every workspace from the
//! backend used before.

#[path = "init_backend.rs"]
mod init_backend;

use crate::args::InitArgs;
use crate::ui::Ui;
use crate::workdir;
use std::process::ExitCode;
use terrane_core::validate;

pub fn run(args: &InitArgs) -> ExitCode {
    let ui = Ui::new(args.no_color);
    if !workdir::has_config() {
        ui.line(&ui.bold("terrane initialized in an empty directory!"));
        ui.line("\nThe directory has no terrane configuration files. You may begin working\nwith terrane immediately by creating terrane configuration files.");
        return ExitCode::SUCCESS;
    }
    ui.line(&ui.bold("Initializing modules..."));
    let Some(loaded) = workdir::load(&ui) else {
        return ExitCode::from(1);
    };
    ui.line(&format!("\n{}", ui.bold("Initializing the backend...")));
    if let Err(d) = init_backend::run(&ui, args) {
        ui.diagnostics(&d.into(), &loaded.sources);
        return ExitCode::from(1);
    }
    ui.line(&format!(
        "\n{}",
        ui.bold("Initializing provider plugins...")
    ));
    let ctx = workdir::context(loaded.config.clone(), &ui, 1);
    let (_, diags) = validate(&ctx, &terrane_state::State::default());
    let provider_errors: terrane_diagnostics::Diagnostics = diags
        .iter()
        .filter(|d| d.summary == "Provider not available")
        .cloned()
        .collect();
    if provider_errors.has_errors() {
        ui.diagnostics(&provider_errors, &loaded.sources);
        return ExitCode::from(1);
    }
    let mut providers: Vec<String> = Vec::new();
    for node in loaded.config.all_modules() {
        for (addr, r) in &node.module.resources {
            let name = r
                .provider
                .as_ref()
                .map_or(addr.implied_provider().to_string(), |(n, _)| n.clone());
            let p = node.module.provider_for_local_name(&name).to_string();
            if !providers.contains(&p) {
                providers.push(p);
            }
        }
    }
    providers.sort();
    for p in providers {
        ui.line(&format!("- Using built-in {p}"));
    }
    ui.line(&format!(
        "\n{}\n\nYou may now begin working with terrane. Try running \"terrane plan\" to see\nany changes that are required for your infrastructure.",
        ui.style("1;32", "terrane has been successfully initialized!")
    ));
    ExitCode::SUCCESS
}
