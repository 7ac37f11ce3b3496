//! `terrane fmt`: canonical formatting of configuration files.

pub fn run(_args: &crate::args::FmtArgs) -> std::process::ExitCode {
    super::not_yet("fmt")
}
