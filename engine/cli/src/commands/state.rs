//! `terrane state`: list, show and pull.

use crate::args::StateCommand;
use crate::ui::Ui;
use crate::workdir;
use std::process::ExitCode;
use terrane_addrs::{AbsResourceInstance, parse_target};
use terrane_state::ObjectState;

/// Renders a state object as a resource block with its attributes.
pub fn render_object(addr: &AbsResourceInstance, o: &ObjectState) -> String {
    let r = &addr.resource.resource;
    let kind = if addr.is_data() { "data" } else { "resource" };
    let mut out = format!("{kind} \"{}\" \"{}\" {{\n", r.ty, r.name);
    if let Some(m) = o.attributes.as_object() {
        let width = m.keys().map(String::len).max().unwrap_or(0);
        for (k, v) in m {
            if v.is_null() {
                continue;
            }
            let sensitive = o
                .sensitive_paths
                .iter()
                .any(|p| p.0.first() == Some(&terrane_values::PathStep::Attr(k.clone())));
            let value = if sensitive {
                "(sensitive value)".to_string()
            } else {
                let val = terrane_values::json::from_json_implied(v).unwrap_or_default();
                crate::ui::plan::inline_or_block(&val, 4)
            };
            out.push_str(&format!("    {k:width$} = {value}\n"));
        }
    }
    out.push('}');
    out
}

pub fn run(cmd: &StateCommand) -> ExitCode {
    let ui = Ui::new(false);
    let fail = |d: terrane_diagnostics::Diagnostic| {
        ui.diagnostics(&d.into(), &Default::default());
        ExitCode::from(1)
    };
    let store = match workdir::open_store() {
        Ok(s) => s,
        Err(d) => return fail(d),
    };
    let state = match workdir::read_state(store.as_ref()) {
        Ok(s) => s,
        Err(d) => return fail(d),
    };
    match cmd {
        StateCommand::List { addresses } => {
            let filters: Vec<_> = addresses
                .iter()
                .filter_map(|a| parse_target(a).ok())
                .collect();
            for (addr, _, _) in state.instances() {
                if filters.is_empty() || filters.iter().any(|f| f.contains(&addr)) {
                    println!("{addr}");
                }
            }
            ExitCode::SUCCESS
        }
        StateCommand::Show { address } => {
            let addr = match terrane_addrs::parse_resource_instance(address) {
                Ok(a) => a,
                Err(e) => {
                    return fail(terrane_diagnostics::Diagnostic::error(
                        "Invalid address",
                        e.to_string(),
                    ));
                }
            };
            match state.object(&addr) {
                Some(o) => {
                    println!("# {addr}:\n{}", render_object(&addr, o));
                    ExitCode::SUCCESS
                }
                None => fail(terrane_diagnostics::Diagnostic::error(
                    "No instance found for the given address!",
                    format!(
                        "This command requires that the address references one specific instance; {addr} is not in the state."
                    ),
                )),
            }
        }
        StateCommand::Pull { .. } => {
            print!("{}", terrane_state::v4::to_v4_text(&state));
            ExitCode::SUCCESS
        }
        other => super::not_yet(&format!(
            "state {}",
            format!("{other:?}")
                .split([' ', '{'])
                .next()
                .unwrap_or("")
                .to_lowercase()
        )),
    }
}
