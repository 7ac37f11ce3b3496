//! `terrane init`: checks that the configuration loads, its modules are present and its providers
//! are built in (there is nothing to download), and initializes the backend: records it with its
//! `-backend-config` values, and with `-migrate-state` copies the state of every workspace from the
//! backend used before.

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
    if args.get.unwrap_or(true) {
        ui.line(&ui.bold("Initializing modules..."));
        let diags = install_modules(&ui, args.upgrade);
        if diags.has_errors() {
            ui.diagnostics(&diags, &Default::default());
            return ExitCode::from(1);
        }
    }
    let Some(loaded) = workdir::load(&ui) else {
        return ExitCode::from(1);
    };
    if args.backend.unwrap_or(true) {
        ui.line(&format!("\n{}", ui.bold("Initializing the backend...")));
        if let Err(d) = init_backend::run(&ui, args) {
            ui.diagnostics(&d.into(), &loaded.sources);
            return ExitCode::from(1);
        }
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

/// Installs the modules whose sources are Git repositories on this machine, as `terraform init` and
/// `terraform get` download theirs.
pub(crate) fn install_modules(ui: &Ui, upgrade: bool) -> terrane_diagnostics::Diagnostics {
    terrane_config::sources::install_modules(
        std::path::Path::new("."),
        upgrade,
        &mut git_fetch,
        &mut |key, source| {
            ui.line(&format!("Downloading {source} for {key}..."));
            ui.line(&format!(
                "- {key} in {}/{key}",
                terrane_config::sources::MODULES_DIR
            ));
        },
    )
}

/// Clones a repository and checks out the requested revision, with the `git` command.
fn git_fetch(
    src: &terrane_config::sources::GitSource,
    dest: &std::path::Path,
) -> Result<(), String> {
    let git = |args: &[&std::ffi::OsStr]| -> Result<(), String> {
        let out = std::process::Command::new("git")
            .args(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .output()
            .map_err(|e| format!("git could not be run: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    };
    git(&[
        "clone".as_ref(),
        "--quiet".as_ref(),
        src.url.as_ref(),
        dest.as_os_str(),
    ])?;
    if let Some(r) = &src.reference {
        git(&[
            "-C".as_ref(),
            dest.as_os_str(),
            "checkout".as_ref(),
            "--quiet".as_ref(),
            r.as_ref(),
        ])
        .map_err(|e| format!("the revision {r:?} could not be checked out: {e}"))?;
    }
    Ok(())
}
