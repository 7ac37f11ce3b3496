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
    /// Install the modules the configuration calls from Git repositories.
    Get(GetArgs),
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
    /// Rewrite configuration files in the canonical format.
    Fmt(FmtArgs),
    /// Evaluate expressions interactively, or from standard input.
    Console(ConsoleArgs),
    /// Print the dependency graph (DOT, or Mermaid with -format=mermaid).
    Graph(GraphArgs),
    /// Manage workspaces.
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
    /// Show the providers the configuration and the state require, or their schemas.
    Providers(ProvidersArgs),
    /// Associate an existing object with a resource address.
    Import(ImportArgs),
    /// Release a stuck state lock.
    #[command(name = "force-unlock")]
    ForceUnlock(ForceUnlockArgs),
    /// Mark an instance for replacement by the next apply.
    Taint(TaintArgs),
    /// Remove the taint mark of an instance.
    Untaint(TaintArgs),
    /// Refresh the state from the real infrastructure (same as apply -refresh-only).
    Refresh(PlanArgs),
    /// Detect changes made outside terrane and report them.
    Drift(DriftArgs),
}

/// `providers` options.
#[derive(Args, Debug)]
pub struct ProvidersArgs {
    /// `schema -json`: the schemas of the providers, in Terraform's JSON format.
    #[command(subcommand)]
    pub command: Option<ProvidersCommand>,
    /// Do not use color.
    #[arg(long = "no-color", global = true)]
    pub no_color: bool,
}

/// `providers` subcommands.
#[derive(Subcommand, Debug)]
pub enum ProvidersCommand {
    /// Print the schemas of the providers used (requires -json).
    Schema {
        /// Machine-readable output (required).
        #[arg(long)]
        json: bool,
    },
}

/// `get` options.
#[derive(Args, Debug)]
pub struct GetArgs {
    /// Install again modules that are already installed.
    #[arg(long)]
    pub update: bool,
    /// Do not use color.
    #[arg(long = "no-color")]
    pub no_color: bool,
}

/// `fmt` options.
#[derive(Args, Debug)]
pub struct FmtArgs {
    /// Only check; exit 3 when files are not formatted.
    #[arg(long)]
    pub check: bool,
    /// Show the differences.
    #[arg(long)]
    pub diff: bool,
    /// Also process subdirectories.
    #[arg(long)]
    pub recursive: bool,
    /// List the files whose formatting changed (default true).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub list: Option<bool>,
    /// Write the result to the files (default true).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub write: Option<bool>,
    /// Do not use color.
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// Files or directories to format (default: the current directory), `-` for standard input.
    pub paths: Vec<String>,
}

/// `console` options.
#[derive(Args, Debug)]
pub struct ConsoleArgs {
    /// Plan options (variables, state).
    #[command(flatten)]
    pub plan: PlanArgs,
}

/// `graph` options.
#[derive(Args, Debug)]
pub struct GraphArgs {
    /// `dot` (the default, for Graphviz) or `mermaid`.
    #[arg(long, default_value = "dot")]
    pub format: String,
    /// Which graph: `plan` (the default; the configuration and what the state still has),
    /// `validate` (the configuration alone) or `apply` (the default with `-plan`).
    #[arg(long = "type")]
    pub graph_type: Option<String>,
    /// Draw the apply graph of a saved plan.
    #[arg(long)]
    pub plan: Option<String>,
    /// Ignored, as in Terraform 0.12 and later.
    #[arg(long = "module-depth", hide = true)]
    pub module_depth: Option<i64>,
    /// Draw the cycles, if any.
    #[arg(long = "draw-cycles")]
    pub draw_cycles: bool,
}

/// `workspace` subcommands.
#[derive(Subcommand, Debug)]
pub enum WorkspaceCommand {
    /// Create a workspace and switch to it.
    New {
        /// A state file to start the workspace with.
        #[arg(long)]
        state: Option<String>,
        /// Locking.
        #[command(flatten)]
        lock: LockArgs,
        /// The workspace name.
        name: String,
    },
    /// Switch to a workspace.
    Select {
        /// The workspace name.
        name: String,
    },
    /// List workspaces.
    List,
    /// Show the current workspace.
    Show,
    /// Delete a workspace.
    Delete {
        /// Delete even if the workspace manages resources.
        #[arg(long)]
        force: bool,
        /// Locking.
        #[command(flatten)]
        lock: LockArgs,
        /// The workspace name.
        name: String,
    },
}

/// `import` options.
#[derive(Args, Debug)]
pub struct ImportArgs {
    /// Plan options (variables).
    #[command(flatten)]
    pub plan: PlanArgs,
    /// The resource address to import into.
    pub address: String,
    /// The provider-specific id of the object.
    pub id: String,
}

/// `force-unlock` options.
#[derive(Args, Debug)]
pub struct ForceUnlockArgs {
    /// Do not ask for confirmation.
    #[arg(long)]
    pub force: bool,
    /// The lock id.
    pub lock_id: String,
}

/// `taint`/`untaint` options.
#[derive(Args, Debug)]
pub struct TaintArgs {
    /// Succeed even if the instance does not exist.
    #[arg(long = "allow-missing")]
    pub allow_missing: bool,
    /// Lock the state (default true).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub lock: Option<bool>,
    /// How long to wait for the state lock.
    #[arg(long = "lock-timeout")]
    pub lock_timeout: Option<String>,
    /// The instance address.
    pub address: String,
}

/// `drift` options.
#[derive(Args, Debug)]
pub struct DriftArgs {
    /// Plan options (variables, `-out FILE` for the report, `-lock`, `-parallelism`).
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Report format: text, json, markdown or junit.
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Check every stack below DIR.
    #[arg(long)]
    pub recursive: bool,
    /// Also list objects of the supported types that exist but are in no state checked.
    #[arg(long)]
    pub unmanaged: bool,
    /// Narrows `-unmanaged`: `tag:KEY=VALUE` or `vpc-id=ID` (repeatable; all must match).
    #[arg(long = "unmanaged-filter", value_name = "FILTER")]
    pub unmanaged_filters: Vec<String>,
    /// Internal: the directory where the stacks of a recursive check take the listings of
    /// `-unmanaged`, so that each account and region is listed once.
    #[arg(long = "unmanaged-claims", hide = true)]
    pub unmanaged_claims: Option<String>,
    /// How many stacks `-recursive` checks at once (default: the number of cores).
    #[arg(long)]
    pub concurrency: Option<usize>,
    /// The stack's directory (default: the current directory); with `-recursive`, where to search.
    pub dir: Option<String>,
}

/// Options every command that plans shares.
#[derive(Args, Debug, Clone, Default)]
pub struct PlanArgs {
    /// Machine-readable output: one JSON message a line, as Terraform's `-json`.
    #[arg(long)]
    pub json: bool,
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
    /// Leave these resources, and everything that depends on them, out of the operation.
    #[arg(long = "exclude", value_name = "ADDRESS")]
    pub excludes: Vec<String>,
    /// Read -target addresses from a file, one per line (`#` starts a comment).
    #[arg(long = "target-file", value_name = "FILE")]
    pub target_files: Vec<String>,
    /// Read -exclude addresses from a file, one per line.
    #[arg(long = "exclude-file", value_name = "FILE")]
    pub exclude_files: Vec<String>,
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
    /// Write configuration for `import` blocks whose targets have none to this new file.
    #[arg(long = "generate-config-out")]
    pub generate_config_out: Option<String>,
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
    /// Initialize the backend (default true); `-backend=false` leaves it alone, as for a CI job that
    /// only validates.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub backend: Option<bool>,
    /// Install modules (default true).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub get: Option<bool>,
    /// The dependency lock file mode (accepted for compatibility: the providers are built in).
    #[arg(long)]
    pub lockfile: Option<String>,
    /// Where provider plugins are (accepted for compatibility: the providers are built in).
    #[arg(long = "plugin-dir")]
    pub plugin_dir: Vec<String>,
    /// Copy state to the new backend without asking, replacing what is there.
    #[arg(long = "force-copy")]
    pub force_copy: bool,
    /// Locking.
    #[command(flatten)]
    pub lock: LockArgs,
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

/// `-lock` and `-lock-timeout`, for commands that write the state.
#[derive(Args, Debug, Clone, Default)]
pub struct LockArgs {
    /// Lock the state (default true).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub lock: Option<bool>,
    /// How long to wait for the state lock.
    #[arg(long = "lock-timeout", value_name = "DURATION")]
    pub lock_timeout: Option<String>,
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
    Pull {
        /// A past version (serial) to print instead of the current one.
        #[arg(long)]
        version: Option<u64>,
    },
    /// Replace the state with a Terraform state v4 JSON file (`-` for standard input).
    Push {
        /// Overwrite even with an older serial or another lineage.
        #[arg(long)]
        force: bool,
        /// Locking.
        #[command(flatten)]
        lock: LockArgs,
        /// The state file.
        path: String,
    },
    /// Move an object to another address.
    Mv {
        /// Show what would move without moving it.
        #[arg(long = "dry-run")]
        dry_run: bool,
        /// Locking.
        #[command(flatten)]
        lock: LockArgs,
        /// The current address.
        source: String,
        /// The new address.
        destination: String,
    },
    /// Forget objects without destroying them.
    Rm {
        /// Show what would be forgotten.
        #[arg(long = "dry-run")]
        dry_run: bool,
        /// Locking.
        #[command(flatten)]
        lock: LockArgs,
        /// The addresses.
        addresses: Vec<String>,
    },
    /// Change the provider of objects in the state.
    #[command(name = "replace-provider")]
    ReplaceProvider {
        /// Do not ask for confirmation.
        #[arg(long = "auto-approve")]
        auto_approve: bool,
        /// Locking.
        #[command(flatten)]
        lock: LockArgs,
        /// The provider to replace.
        from: String,
        /// The provider to use instead.
        to: String,
    },
    /// List the versions of the state, newest last.
    History,
    /// Show what changed between two versions of the state.
    Diff {
        /// The older version.
        from: u64,
        /// The newer version.
        to: u64,
    },
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
