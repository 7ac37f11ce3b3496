//! `terrane drift`: report changes made outside terrane.

pub async fn run(_args: &crate::args::DriftArgs) -> std::process::ExitCode {
    super::not_yet("drift")
}
