//! Command-line arguments in Terraform's style (`-var=k=v`, `-auto-approve`, `-refresh=false`),
//! normalized to GNU style for clap, then validated into per-command options.

use clap::{Args, Parser, Subcommand};

/// terrane: plan and apply Terraform-language stacks.
#[derive(Parser, Debug)]
#[command(
    name = "terrane",
    disable_version_flag = true,
    about = "Plan and apply infrastructure written in the Terraform language"
)]
pub struct Cli {
    /// Switch to a different working directory before executing the command.
    #[arg(long, global = true, value_name = "DIR")]
    pub chdir: Option<String>,
    /// Show the version (same as `terrane version`).
    #[arg(long, short = 'v')]
    pub version: bool,
    /// The command.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Prepare the working directory: check the configuration, providers and backend.
    Init(InitArgs),
    /// Check whether the configuration is valid.
    Validate(ValidateArgs),
    /// Show the changes the configuration calls for.
    Plan(PlanArgs),
    /// Create or update infrastructure.
    Apply(ApplyArgs),
    /// Destroy everything the configuration manages.
    Destroy(PlanArgs),
    /// Show the state or a saved plan.
    Show(ShowArgs),
    /// Show output values.
    Output(OutputArgs),
    /// Inspect and change the state.
    #[command(subcommand)]
    State(StateCommand),
    /// Show the version.
    Version(VersionArgs),
}

/// Options every command that plans shares.
#[derive(Args, Debug, Clone, Default)]
pub struct PlanArgs {
    /// Set a value for an input variable (`-var 'name=value'`).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Load variable values from a file.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<String>,
    /// Limit the operation to these resources and what they depend on.
    #[arg(long = "target", value_name = "ADDRESS")]
    pub targets: Vec<String>,
    /// Force replacement of these instances.
    #[arg(long = "replace", value_name = "ADDRESS")]
    pub replace: Vec<String>,
    /// Refresh objects from providers before planning (default true).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub refresh: Option<bool>,
    /// Only accept changes made outside terrane into the state.
    #[arg(long = "refresh-only")]
    pub refresh_only: bool,
    /// Plan to destroy everything.
    #[arg(long)]
    pub destroy: bool,
    /// Save the plan to a file.
    #[arg(long, value_name = "FILE")]
    pub out: Option<String>,
    /// Exit 0 with no changes, 1 on error, 2 with changes.
    #[arg(long = "detailed-exitcode")]
    pub detailed_exitcode: bool,
    /// How many operations may run at once (default 10).
    #[arg(long, default_value_t = 10)]
    pub parallelism: usize,
    /// Ask for input (terrane never asks; accepted for compatibility).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub input: Option<bool>,
    /// Lock the state (default true).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub lock: Option<bool>,
    /// How long to wait for the state lock.
    #[arg(long = "lock-timeout", value_name = "DURATION")]
    pub lock_timeout: Option<String>,
    /// Do not use color.
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// Skip the confirmation prompt (apply and destroy).
    #[arg(long = "auto-approve")]
    pub auto_approve: bool,
    /// Show warnings in a compact form.
    #[arg(long = "compact-warnings")]
    pub compact_warnings: bool,
}

/// `init` options.
#[derive(Args, Debug)]
pub struct InitArgs {
    /// Ask for input (accepted for compatibility).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub input: Option<bool>,
    /// Do not use color.
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// Upgrade providers and modules (accepted for compatibility).
    #[arg(long)]
    pub upgrade: bool,
    /// Backend configuration overrides (accepted for compatibility).
    #[arg(long = "backend-config")]
    pub backend_config: Vec<String>,
    /// Move state to a newly configured backend.
    #[arg(long = "migrate-state")]
    pub migrate_state: bool,
    /// Reconfigure the backend.
    #[arg(long)]
    pub reconfigure: bool,
}

/// `validate` options.
#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
    /// Do not use color.
    #[arg(long = "no-color")]
    pub no_color: bool,
}

/// `apply` options: a plan's options, or a saved plan file.
#[derive(Args, Debug)]
pub struct ApplyArgs {
    /// Plan options.
    #[command(flatten)]
    pub plan: PlanArgs,
    /// A saved plan file to apply.
    pub plan_file: Option<String>,
}

/// `show` options.
#[derive(Args, Debug)]
pub struct ShowArgs {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
    /// Do not use color.
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// A saved plan file (default: the current state).
    pub path: Option<String>,
}

/// `output` options.
#[derive(Args, Debug)]
pub struct OutputArgs {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
    /// Print a string value without quotes.
    #[arg(long)]
    pub raw: bool,
    /// Do not use color.
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// The output to show.
    pub name: Option<String>,
}

/// `version` options.
#[derive(Args, Debug)]
pub struct VersionArgs {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

/// `state` subcommands.
#[derive(Subcommand, Debug)]
pub enum StateCommand {
    /// List resource instances in the state.
    List {
        /// Only instances matching these addresses.
        addresses: Vec<String>,
    },
    /// Show one resource instance.
    Show {
        /// The instance address.
        address: String,
    },
    /// Print the state as Terraform's state v4 JSON.
    Pull,
}

/// Flags that take a value, which Go's flag parser lets appear as `-name value`.
const SINGLE_DASH_OK: &[&str] = &["-v", "-h"];

/// Converts Terraform-style `-flag` arguments to `--flag` for clap.
pub fn normalize(argv: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(argv.len());
    let mut after_dashdash = false;
    for (i, a) in argv.into_iter().enumerate() {
        if i == 0 || after_dashdash {
            out.push(a);
            continue;
        }
        if a == "--" {
            after_dashdash = true;
            out.push(a);
            continue;
        }
        if a.starts_with('-')
            && !a.starts_with("--")
            && a.len() > 2
            && !SINGLE_DASH_OK.contains(&a.as_str())
        {
            out.push(format!("-{a}"));
        } else {
            out.push(a);
        }
    }
    out
}

/// Parses the command line.
pub fn parse(argv: Vec<String>) -> anyhow::Result<Cli> {
    match Cli::try_parse_from(normalize(argv)) {
        Ok(c) => Ok(c),
        Err(e) => match e.kind() {
            clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                print!("{e}");
                std::process::exit(0);
            }
            _ => {
                eprint!("{}", e.render().to_string().replace("--", "-"));
                std::process::exit(1);
            }
        },
    }
}
