//! `terrane import`: bring an existing object under management.

pub async fn run(_args: &crate::args::ImportArgs) -> std::process::ExitCode {
    super::not_yet("import")
}
