//! The commands: each parses its options, runs one operation, and returns the exit code.

mod console;
mod drift;
mod fmt;
mod generate;
mod graph;
mod import;
mod init;
mod lock;
mod operation;
mod output;
mod providers;
mod show;
mod state;
mod taint;
mod validate;
mod version;
mod workspace;

use crate::args::{Cli, Command};
use std::process::ExitCode;

/// Runs the command given on the command line.
pub async fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    if cli.version {
        return Ok(version::run(false));
    }
    let Some(cmd) = cli.command else {
        eprintln!(
            "Usage: terrane [-chdir=DIR] <command> [args]\n\nMain commands:\n  init      Prepare your working directory for other commands\n  validate  Check whether the configuration is valid\n  plan      Show changes required by the current configuration\n  apply     Create or update infrastructure\n  destroy   Destroy previously-created infrastructure\n  drift     Report changes made outside terrane\n\nOther commands:\n  output    Show output values from your root module\n  show      Show the current state or a saved plan\n  state     Advanced state management\n  version   Show the current terrane version"
        );
        return Ok(ExitCode::from(1));
    };
    Ok(match cmd {
        Command::Init(a) => init::run(&a),
        Command::Providers(a) => providers::run(&a),
        Command::Get(a) => {
            let ui = crate::ui::Ui::new(a.no_color);
            let diags = init::install_modules(&ui, a.update);
            ui.diagnostics(&diags, &Default::default());
            if diags.has_errors() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Validate(a) => validate::run(&a).await,
        Command::Plan(a) => operation::plan(&a).await,
        Command::Apply(a) => operation::apply(&a).await,
        Command::Destroy(a) => operation::destroy(&a).await,
        Command::Show(a) => show::run(&a),
        Command::Output(a) => output::run(&a),
        Command::State(s) => state::run(&s),
        Command::Version(a) => version::run(a.json),
        Command::Fmt(a) => fmt::run(&a),
        Command::Console(a) => console::run(&a).await,
        Command::Graph(a) => graph::run(&a),
        Command::Workspace(w) => workspace::run(&w),
        Command::Import(a) => import::run(&a).await,
        Command::ForceUnlock(a) => lock::force_unlock(&a),
        Command::Taint(a) => taint::run(&a, true),
        Command::Untaint(a) => taint::run(&a, false),
        Command::Refresh(a) => operation::refresh(&a).await,
        Command::Drift(a) => drift::run(&a).await,
    })
}
