//! `terrane version`.

use std::process::ExitCode;

/// The version of this binary.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn run(json: bool) -> ExitCode {
    let platform = format!(
        "{}_{}",
        std::env::consts::OS,
        if std::env::consts::ARCH == "x86_64" {
            "amd64"
        } else {
            std::env::consts::ARCH
        }
    );
    if json {
        println!(
            "{}",
            serde_json::json!({"terraform_version": terrane_state::v4::TERRAFORM_VERSION, "terrane_version": VERSION, "platform": platform, "provider_selections": {}, "terraform_outdated": false})
        );
    } else {
        println!(
            "Terrane v{VERSION}\non {platform}\n\nCompatible with the Terraform language and CLI of Terraform v{}",
            terrane_state::v4::TERRAFORM_VERSION
        );
    }
    ExitCode::SUCCESS
}
