//! `terrane taint` and `untaint`: mark an instance for replacement.

pub fn run(_args: &crate::args::TaintArgs, taint: bool) -> std::process::ExitCode {
    super::not_yet(if taint { "taint" } else { "untaint" })
}
