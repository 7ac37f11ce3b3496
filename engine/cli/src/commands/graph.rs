//! `terrane graph`: the dependency graph as DOT or Mermaid.

pub fn run(_args: &crate::args::GraphArgs) -> std::process::ExitCode {
    super::not_yet("graph")
}
