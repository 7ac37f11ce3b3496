//! The `terrane` command: the composition root. It is the only place that knows the terminal,
//! environment variables, exit codes, and which providers and state backends exist.

mod args;
mod backend;
mod commands;
mod drift;
mod factory;
mod interrupt;
mod ui;
mod vars;
mod workdir;

use std::process::ExitCode;

/// mimalloc instead of the system allocator: loading and planning a large stack allocates and frees
/// millions of small objects, where glibc's malloc spends a third of the time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let argv: Vec<String> = std::env::args().collect();
    match run(argv) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(argv: Vec<String>) -> anyhow::Result<ExitCode> {
    let cli = args::parse(argv)?;
    if let Some(dir) = &cli.chdir {
        std::env::set_current_dir(dir)
            .map_err(|e| anyhow::anyhow!("Invalid -chdir option: cannot change to {dir}: {e}"))?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(commands::dispatch(cli))
}

/// `terrane state pull | head`: when the reader of standard output goes away, stop quietly, as
/// command-line tools killed by SIGPIPE do (exit status 141), instead of reporting a panic.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let msg = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.contains("failed printing to stdout") && msg.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}
