//! Override files (`override.tf`, `*_override.tf`): their blocks merge into the blocks of the same name
//! declared by the other files instead of adding new ones.

use crate::body::Body;
use crate::module::Module;
use terrane_diagnostics::{Diagnostic, Diagnostics};

/// Merges an override file's blocks into the module.
pub fn apply(module: &mut Module, body: &Body, diags: &mut Diagnostics) {
    let mut extra = Module::default();
    extra.add_file(body.clone(), diags);
    for (name, v) in extra.variables {
        match module.variables.get_mut(&name) {
            Some(base) => {
                let over = body_of(body, "variable", &[&name]);
                if over.is_some_and(|b| b.attr("type").is_some()) {
                    base.type_spec = v.type_spec;
                }
                if over.is_some_and(|b| b.attr("default").is_some()) {
                    base.default = v.default;
                }
                if over.is_some_and(|b| b.attr("sensitive").is_some()) {
                    base.sensitive = v.sensitive;
                }
                if over.is_some_and(|b| b.attr("description").is_some()) {
                    base.description = v.description;
                }
            }
            None => diags.push(missing_base("variable", &name, &v.range)),
        }
    }
    for (name, l) in extra.locals {
        match module.locals.get_mut(&name) {
            Some(base) => *base = l,
            None => diags.push(missing_base("local value", &name, &l.range)),
        }
    }
    for (name, o) in extra.outputs {
        match module.outputs.get_mut(&name) {
            Some(base) => {
                let over = body_of(body, "output", &[&name]);
                if over.is_some_and(|b| b.attr("value").is_some()) {
                    base.expr = o.expr;
                }
                if over.is_some_and(|b| b.attr("sensitive").is_some()) {
                    base.sensitive = o.sensitive;
                }
            }
            None => diags.push(missing_base("output", &name, &o.range)),
        }
    }
    for (addr, r) in extra.resources {
        match module.resources.get_mut(&addr) {
            Some(base) => {
                for a in r.body.attrs {
                    base.body.attrs.retain(|x| x.name != a.name);
                    base.body.attrs.push(a);
                }
                let kinds: Vec<String> = r.body.blocks.iter().map(|b| b.kind.clone()).collect();
                base.body.blocks.retain(|b| !kinds.contains(&b.kind));
                base.body.blocks.extend(r.body.blocks);
                if r.count.is_some() {
                    base.count = r.count;
                    base.for_each = None;
                }
                if r.for_each.is_some() {
                    base.for_each = r.for_each;
                    base.count = None;
                }
                if !r.depends_on.is_empty() {
                    base.depends_on = r.depends_on;
                }
                if r.provider.is_some() {
                    base.provider = r.provider;
                }
            }
            None => diags.push(missing_base("resource", &addr.to_string(), &r.range)),
        }
    }
    for (name, m) in extra.module_calls {
        match module.module_calls.get_mut(&name) {
            Some(base) => {
                for a in m.inputs.attrs {
                    base.inputs.attrs.retain(|x| x.name != a.name);
                    base.inputs.attrs.push(a);
                }
            }
            None => diags.push(missing_base("module call", &name, &m.range)),
        }
    }
    module.required_providers.extend(extra.required_providers);
    if extra.backend.is_some() {
        module.backend = extra.backend;
    }
}

fn body_of<'a>(body: &'a Body, kind: &str, labels: &[&str]) -> Option<&'a Body> {
    body.blocks
        .iter()
        .find(|b| {
            b.kind == kind
                && b.labels
                    .iter()
                    .map(String::as_str)
                    .eq(labels.iter().copied())
        })
        .map(|b| &b.body)
}

fn missing_base(what: &str, name: &str, range: &terrane_diagnostics::SourceRange) -> Diagnostic {
    Diagnostic::error(
        format!("Missing base {what} for override"),
        format!("There is no {what} named {name:?}. An override file can only override an existing {what}."),
    )
    .with_subject(range.clone())
}
