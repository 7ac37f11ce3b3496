//! `plan -generate-config-out=FILE`: configuration written for `import` blocks whose target has
//! none, from the objects the providers import, as Terraform 1.5 and later write it.
//!
//! The objects are imported first through a refresh-only plan over placeholder blocks (so that the
//! providers are configured exactly as for the real plan); then every argument the resource type
//! accepts is written with the imported value (computed-only attributes are left out, sensitive
//! ones written as null), and the file is laid out as `terrane fmt` would. The plan that follows
//! reads it like any other configuration file.

use crate::args::PlanArgs;
use crate::ui::Ui;
use crate::workdir::{self, Loaded};
use crate::{factory::BuiltinFactory, vars};
use std::fmt::Write;
use std::path::Path;
use terrane_addrs::{AbsResourceInstance, ConfigResource, InstanceKey, ModulePath, Target};
use terrane_core::{PlanOptions, ProviderFactory, resolve_provider};
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_plan::PlanMode;
use terrane_provider_api::{Block, Nesting};
use terrane_state::State;
use terrane_values::display::{is_identifier, write_string};
use terrane_values::{Kind, Value};

/// An import whose target the configuration does not declare.
struct Pending {
    addr: AbsResourceInstance,
    id: String,
    provider: Option<String>,
}

/// Writes the configuration of unconfigured import targets to `out`. Returns whether anything was
/// written (nothing is when every import target is configured).
pub(crate) async fn write_generated(
    ui: &Ui,
    args: &PlanArgs,
    loaded: &Loaded,
    state: &State,
    out: &Path,
) -> Result<bool, Diagnostics> {
    let pending = pending_imports(loaded)?;
    if pending.is_empty() {
        return Ok(false);
    }
    if out.exists() {
        return Err(Diagnostic::error(
            "Target generated file already exists",
            format!(
                "terrane writes generated configuration only to a new file, and {} already exists. Choose another name, or move the resources it holds into your configuration and delete it.",
                out.display()
            ),
        )
        .into());
    }
    // placeholders, so that the refresh-only plan imports the objects
    let mut placeholders = String::new();
    for p in &pending {
        let r = &p.addr.resource.resource;
        let _ = writeln!(placeholders, "resource {:?} {:?} {{", r.ty, r.name);
        if let Some(provider) = &p.provider {
            let _ = writeln!(placeholders, "  provider = {provider}");
        }
        placeholders.push_str("}\n");
    }
    let write = |text: &str| {
        std::fs::write(out, text).map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                "Failed to write generated configuration",
                format!("{}: {e}", out.display()),
            ))
        })
    };
    write(&placeholders)?;
    let imported = import_objects(ui, args, state, &pending).await;
    let text = match imported {
        Ok(text) => text,
        Err(d) => {
            let _ = std::fs::remove_file(out);
            return Err(d);
        }
    };
    write(&text)?;
    Ok(true)
}

/// The root module's import blocks whose targets have no `resource` block.
fn pending_imports(loaded: &Loaded) -> Result<Vec<Pending>, Diagnostics> {
    let root = &loaded.config.root.module;
    let mut out: Vec<Pending> = Vec::new();
    let mut diags = Diagnostics::new();
    let functions = terrane_lang::Functions::new(".");
    for imp in &root.imports {
        let Ok(target) = terrane_addrs::parse_target(&imp.to.to_text()) else {
            continue;
        };
        let addr = match target {
            Target::Resource(r) => r.instance(InstanceKey::None),
            Target::Instance(i) => i,
            Target::Module(_) => continue,
        };
        if root.resources.contains_key(&addr.resource.resource) || !addr.module.is_root() {
            continue;
        }
        if addr.resource.key != InstanceKey::None || imp.for_each.is_some() {
            diags.push(
                Diagnostic::error(
                    "Configuration generation not possible",
                    format!("Configuration can be generated only for import targets without count, for_each or an instance key; write the resource block for {addr} by hand."),
                )
                .with_subject(imp.range.clone()),
            );
            continue;
        }
        let ctx = terrane_lang::EvalContext::new(&functions);
        let (id, d) = terrane_lang::evaluate(&imp.id, &ctx);
        let id = id.unmark_deep().0;
        let Some(id) = id.as_str().filter(|s| !d.has_errors() && !s.is_empty()) else {
            diags.push(
                Diagnostic::error(
                    "Invalid import id argument",
                    "The import ID must be a known, non-empty string.",
                )
                .with_subject(imp.id.range.clone()),
            );
            continue;
        };
        if out.iter().any(|p| p.addr == addr) {
            continue;
        }
        out.push(Pending {
            addr,
            id: id.to_string(),
            provider: imp.provider.as_ref().map(|(name, alias)| match alias {
                Some(a) => format!("{name}.{a}"),
                None => name.clone(),
            }),
        });
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(out)
}

/// Imports the objects with the placeholder blocks in place; returns the generated configuration.
async fn import_objects(
    ui: &Ui,
    args: &PlanArgs,
    state: &State,
    pending: &[Pending],
) -> Result<String, Diagnostics> {
    let Some(mut loaded) = workdir::load(ui) else {
        return Err(Diagnostics::new());
    };
    let (inputs, diags) = vars::collect(args, &loaded.config, &mut loaded.sources);
    if diags.has_errors() {
        return Err(diags);
    }
    let opts = PlanOptions {
        mode: PlanMode::RefreshOnly,
        refresh: true,
        inputs,
        unchecked: pending
            .iter()
            .map(|p| ConfigResource {
                module: ModulePath::root(),
                resource: p.addr.resource.resource.clone(),
            })
            .collect(),
        ..PlanOptions::default()
    };
    let ctx = workdir::context(loaded.config.clone(), ui, args.parallelism);
    let (plan, diags) = terrane_core::plan(&ctx, state, &opts).await;
    if diags.has_errors() {
        ui.diagnostics(&diags, &loaded.sources);
        return Err(Diagnostics::new());
    }
    let factory = BuiltinFactory::new();
    let mut text = String::from(
        "# __generated__ by terrane\n# Please review these resources and move them into your main configuration files.\n",
    );
    for p in pending {
        let r = &p.addr.resource.resource;
        let cfg = loaded.config.root.module.resources.get(r);
        let local = cfg
            .and_then(|c| c.provider.clone())
            .map_or_else(|| (r.implied_provider().to_string(), None), |(n, a)| (n, a));
        let pc = resolve_provider(
            &loaded.config,
            &ModulePath::root(),
            &local.0,
            local.1.as_deref(),
        );
        let schema = factory
            .instantiate(&pc.provider)
            .and_then(|prov| prov.schema().resources.get(&r.ty).cloned());
        let (Some(schema), Some(obj)) = (schema, plan.prior_state.object(&p.addr)) else {
            return Err(Diagnostic::error(
                "Cannot import non-existent remote object",
                format!("While generating configuration for {}, the provider found no object with the id {:?}.", p.addr, p.id),
            )
            .into());
        };
        let value = obj.value(&schema.block.implied_type()).map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                "Failed to generate configuration",
                format!("The imported object of {} cannot be read: {e}.", p.addr),
            ))
        })?;
        let _ = writeln!(text, "\n# __generated__ by terrane from {:?}", p.id);
        let _ = writeln!(text, "resource {:?} {:?} {{", r.ty, r.name);
        if let Some(provider) = &p.provider {
            let _ = writeln!(text, "provider = {provider}");
        }
        write_body(&mut text, &schema.block, &value);
        text.push_str("}\n");
    }
    Ok(terrane_config::fmt::format_text(&text))
}

/// The arguments and nested blocks of a block, from an object value of its type.
fn write_body(out: &mut String, block: &Block, value: &Value) {
    for (name, attr) in &block.attributes {
        // what configuration sets: not computed-only attributes, nor deprecated ones
        if !(attr.required || attr.optional) || attr.deprecated {
            continue;
        }
        let v = value
            .get_attr(name)
            .cloned()
            .unwrap_or_else(Value::null_dynamic);
        if attr.sensitive {
            let _ = writeln!(out, "{name} = null # sensitive");
        } else {
            let _ = writeln!(out, "{name} = {}", expression(&v.unmark_deep().0));
        }
    }
    for (name, nested) in &block.block_types {
        let Some(v) = value.get_attr(name) else {
            continue;
        };
        let mut one = |label: Option<&str>, v: &Value| {
            if v.is_null() {
                return;
            }
            match label {
                Some(l) => {
                    let _ = writeln!(out, "{name} {l:?} {{");
                }
                None => {
                    let _ = writeln!(out, "{name} {{");
                }
            }
            write_body(out, &nested.block, v);
            out.push_str("}\n");
        };
        match (&nested.nesting, v.kind()) {
            (Nesting::Map, Kind::Map(_, m) | Kind::Object(m)) => {
                for (k, x) in m.iter() {
                    one(Some(k), x);
                }
            }
            (_, Kind::List(_, e) | Kind::Set(_, e) | Kind::Tuple(e)) => {
                for x in e.iter() {
                    one(None, x);
                }
            }
            _ => one(None, v),
        }
    }
}

/// A string literal: escapes, and template sequences kept literal.
fn quoted(s: &str) -> String {
    let mut out = String::new();
    write_string(s, &mut out);
    out
}

/// A value as an expression of the language.
fn expression(v: &Value) -> String {
    match v.kind() {
        Kind::Null(_) | Kind::Unknown(_) => "null".into(),
        Kind::Bool(b) => b.to_string(),
        Kind::Number(n) => n.to_string(),
        Kind::String(s) => quoted(s),
        Kind::List(_, e) | Kind::Set(_, e) | Kind::Tuple(e) => {
            if e.is_empty() {
                return "[]".into();
            }
            let items: Vec<String> = e.iter().map(expression).collect();
            format!("[{}]", items.join(", "))
        }
        Kind::Map(_, m) | Kind::Object(m) => {
            if m.is_empty() {
                return "{}".into();
            }
            let mut s = String::from("{\n");
            for (k, x) in m.iter() {
                let key = if is_identifier(k) {
                    k.clone()
                } else {
                    quoted(k)
                };
                let _ = writeln!(s, "{key} = {}", expression(x));
            }
            s.push('}');
            s
        }
    }
}
