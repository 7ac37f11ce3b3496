//! `terrane providers`: the providers the configuration (module by module, with their version
//! constraints) and the state require, as Terraform's tree; `providers schema -json`: their schemas
//! in Terraform's JSON format (format version 0.2), for editors and linters.

use crate::args::{ProvidersArgs, ProvidersCommand};
use crate::factory::BuiltinFactory;
use crate::ui::Ui;
use crate::workdir;
use serde_json::{Map, Value as Json, json};
use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;
use terrane_addrs::Provider;
use terrane_config::ModuleNode;
use terrane_core::ProviderFactory;
use terrane_diagnostics::Diagnostic;
use terrane_provider_api::{Block, Nesting, Schema};
use terrane_values::json::type_to_json;

pub fn run(args: &ProvidersArgs) -> ExitCode {
    let ui = Ui::new(args.no_color);
    let Some(loaded) = workdir::load(&ui) else {
        return ExitCode::from(1);
    };
    // the state is optional here: a directory never applied has none
    let state = workdir::open_store()
        .and_then(|s| workdir::read_state(s.as_ref()))
        .unwrap_or_default();
    let from_state: BTreeSet<Provider> = state
        .resources
        .values()
        .map(|r| r.provider.provider.clone())
        .collect();
    match &args.command {
        None => {
            let mut out = String::from("\nProviders required by configuration:\n.\n");
            tree(&loaded.config.root, "", &mut out);
            if !from_state.is_empty() {
                out.push_str("\nProviders required by state:\n\n");
                for p in &from_state {
                    out.push_str(&format!("    provider[{p}]\n\n"));
                }
            } else {
                out.push('\n');
            }
            ui.out(&out);
            ExitCode::SUCCESS
        }
        Some(ProvidersCommand::Schema { json }) => {
            if !*json {
                ui.diagnostics(
                    &Diagnostic::error(
                        "The -json flag is required",
                        "The `terrane providers schema` command requires the `-json` flag.",
                    )
                    .into(),
                    &Default::default(),
                );
                return ExitCode::from(1);
            }
            let mut wanted: BTreeSet<Provider> = from_state;
            for node in loaded.config.all_modules() {
                wanted.extend(required(node).into_keys());
            }
            let factory = BuiltinFactory::new();
            let mut schemas = Map::new();
            for p in wanted {
                let Some(provider) = factory.instantiate(&p) else {
                    continue;
                };
                let s = provider.schema();
                let table = |t: &BTreeMap<String, Schema>| -> Json {
                    Json::Object(t.iter().map(|(k, v)| (k.clone(), schema_json(v))).collect())
                };
                schemas.insert(
                    p.to_string(),
                    json!({
                        "provider": schema_json(&s.provider),
                        "resource_schemas": table(&s.resources),
                        "data_source_schemas": table(&s.data_sources),
                    }),
                );
            }
            let doc = json!({"format_version": "0.2", "provider_schemas": schemas});
            ui.out(&format!(
                "{}\n",
                serde_json::to_string(&doc).unwrap_or_default()
            ));
            ExitCode::SUCCESS
        }
    }
}

/// The providers a module requires (its `required_providers`, provider blocks and resources), each
/// with the version constraint it declares.
fn required(node: &ModuleNode) -> BTreeMap<Provider, Option<String>> {
    let m = &node.module;
    let mut out: BTreeMap<Provider, Option<String>> = BTreeMap::new();
    for rp in m.required_providers.values() {
        out.insert(
            rp.source.clone(),
            rp.version.as_deref().map(normalize_constraint),
        );
    }
    for p in &m.providers {
        out.entry(m.provider_for_local_name(&p.name)).or_default();
    }
    for (addr, r) in &m.resources {
        let local = r
            .provider
            .as_ref()
            .map_or_else(|| addr.implied_provider().to_string(), |(n, _)| n.clone());
        out.entry(m.provider_for_local_name(&local)).or_default();
    }
    out
}

/// A version constraint as Terraform prints it: versions in full (`>= 2.0` is `>= 2.0.0`), except
/// after `~>`, whose precision is its meaning.
fn normalize_constraint(c: &str) -> String {
    c.split(',')
        .map(|part| {
            let part = part.trim();
            let op_len = part
                .find(|ch: char| ch.is_ascii_digit() || ch == 'v')
                .unwrap_or(part.len());
            let (op, ver) = (part[..op_len].trim(), part[op_len..].trim());
            let ver = if op == "~>" {
                ver.to_string()
            } else {
                let mut segments: Vec<&str> = ver.split('.').collect();
                while segments.len() < 3 && !ver.is_empty() {
                    segments.push("0");
                }
                segments.join(".")
            };
            if op.is_empty() {
                ver
            } else {
                format!("{op} {ver}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A module's providers, then its child modules, in Terraform's tree drawing.
fn tree(node: &ModuleNode, prefix: &str, out: &mut String) {
    let providers: Vec<(Provider, Option<String>)> = required(node).into_iter().collect();
    let total = providers.len() + node.children.len();
    let mut i = 0;
    let mut branch = |out: &mut String, text: &str| -> String {
        i += 1;
        let last = i == total;
        out.push_str(&format!(
            "{prefix}{} {text}\n",
            if last { "└──" } else { "├──" }
        ));
        format!("{prefix}{}", if last { "    " } else { "│   " })
    };
    for (p, version) in &providers {
        let v = version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default();
        branch(out, &format!("provider[{p}]{v}"));
    }
    for (name, child) in &node.children {
        let next = branch(out, &format!("module.{name}"));
        tree(child, &next, out);
    }
}

fn schema_json(s: &Schema) -> Json {
    json!({"version": s.version, "block": block_json(&s.block)})
}

fn block_json(b: &Block) -> Json {
    let mut o = Map::new();
    if !b.attributes.is_empty() {
        let attrs: Map<String, Json> = b
            .attributes
            .iter()
            .map(|(name, a)| {
                let mut j = Map::new();
                j.insert("type".into(), type_to_json(&a.ty));
                if !a.description.is_empty() {
                    j.insert("description".into(), json!(a.description));
                }
                j.insert("description_kind".into(), json!("plain"));
                for (flag, on) in [
                    ("required", a.required),
                    ("optional", a.optional),
                    ("computed", a.computed),
                    ("sensitive", a.sensitive),
                    ("deprecated", a.deprecated),
                ] {
                    if on {
                        j.insert(flag.into(), json!(true));
                    }
                }
                (name.clone(), Json::Object(j))
            })
            .collect();
        o.insert("attributes".into(), Json::Object(attrs));
    }
    if !b.block_types.is_empty() {
        let types: Map<String, Json> = b
            .block_types
            .iter()
            .map(|(name, nb)| {
                let mode = match nb.nesting {
                    Nesting::Single => "single",
                    Nesting::Group => "group",
                    Nesting::List => "list",
                    Nesting::Set => "set",
                    Nesting::Map => "map",
                };
                let mut j = Map::new();
                j.insert("nesting_mode".into(), json!(mode));
                j.insert("block".into(), block_json(&nb.block));
                if nb.min_items > 0 {
                    j.insert("min_items".into(), json!(nb.min_items));
                }
                if nb.max_items > 0 {
                    j.insert("max_items".into(), json!(nb.max_items));
                }
                (name.clone(), Json::Object(j))
            })
            .collect();
        o.insert("block_types".into(), Json::Object(types));
    }
    if !b.description.is_empty() {
        o.insert("description".into(), json!(b.description));
    }
    o.insert("description_kind".into(), json!("plain"));
    Json::Object(o)
}

#[cfg(test)]
mod tests {
    use super::normalize_constraint;

    #[test]
    fn constraints_are_written_as_terraform_writes_them() {
        assert_eq!(normalize_constraint(">= 2.0"), ">= 2.0.0");
        assert_eq!(normalize_constraint("~> 3.0"), "~> 3.0");
        assert_eq!(normalize_constraint(">= 1.2.3, < 2"), ">= 1.2.3, < 2.0.0");
        assert_eq!(normalize_constraint("3.1"), "3.1.0");
    }
}
