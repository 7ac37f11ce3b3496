//! `terrane console`: evaluate expressions against the current state.

pub async fn run(_args: &crate::args::ConsoleArgs) -> std::process::ExitCode {
    super::not_yet("console")
}
