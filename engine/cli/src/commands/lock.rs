//! `terrane force-unlock`: release a stuck state lock.

pub fn force_unlock(_args: &crate::args::ForceUnlockArgs) -> std::process::ExitCode {
    super::not_yet("force-unlock")
}
