//! `terrane workspace`: named states of one configuration.

pub fn run(_cmd: &crate::args::WorkspaceCommand) -> std::process::ExitCode {
    super::not_yet("workspace")
}
