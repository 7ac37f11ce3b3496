//! Static checks of a loaded configuration: every reference names something declared, `count.index` and
//! `each` appear only where they have a meaning, and module calls give each child variable a value.

use crate::ast::{Expr, Traversal, TraversalStep};
use crate::body::{Body, suggest};
use crate::loader::{Config, ModuleNode};
use crate::refs::{RefSubject, parse_ref};
use terrane_addrs::{ModulePath, Resource};
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceRange};

/// The names a reference may use after a resource's address (arguments, nested blocks and
/// exported attributes, from its provider's schema), or `None` when they are not known.
pub type ResourceNames<'a> = &'a dyn Fn(&ModulePath, &Resource) -> Option<&'a [String]>;

/// The error for a call of a function that does not exist, or `None` when it exists.
pub type FunctionCheck<'a> = &'a dyn Fn(&str, &SourceRange) -> Option<Diagnostic>;

/// What validation checks beyond the configuration itself, when the engine supplies it.
#[derive(Clone, Copy, Default)]
pub struct Knowledge<'a> {
    /// The attribute names of resource types.
    pub resource_names: Option<ResourceNames<'a>>,
    /// The function table.
    pub functions: Option<FunctionCheck<'a>>,
}

/// What the expressions of a context may refer to.
#[derive(Clone, Copy, Default)]
struct Allowed<'a> {
    count: bool,
    each: bool,
    self_ref: bool,
    known: Knowledge<'a>,
}

/// Checks every module of the configuration, returning all problems found.
pub fn validate(config: &Config) -> Diagnostics {
    validate_with(config, Knowledge::default())
}

/// [`validate`], also checking the attribute that references name after a resource's address and
/// the functions called.
pub fn validate_with(config: &Config, knowledge: Knowledge<'_>) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for node in config.all_modules() {
        validate_module(node, knowledge, &mut diags);
    }
    diags
}

/// Checks the references of an expression evaluated in a module on its own (the console's input):
/// no `count`, `each` or `self` there.
pub fn validate_expression(node: &ModuleNode, e: &Expr) -> Diagnostics {
    let mut diags = Diagnostics::new();
    check_expr(node, e, Allowed::default(), &[], &mut diags);
    diags
}

fn validate_module(node: &ModuleNode, knowledge: Knowledge<'_>, diags: &mut Diagnostics) {
    let m = &node.module;
    let none = Allowed {
        known: knowledge,
        ..Allowed::default()
    };
    let check = |e: &Expr, allowed: Allowed<'_>, bound: &[String], diags: &mut Diagnostics| {
        check_expr(node, e, allowed, bound, diags);
    };
    for l in m.locals.values() {
        check(&l.expr, none, &[], diags);
    }
    for o in m.outputs.values() {
        if o.ephemeral && node.path.is_root() {
            diags.push(
                Diagnostic::error(
                    "Ephemeral output not allowed",
                    "Ephemeral outputs are not allowed in context of a root module",
                )
                .with_subject(o.range.clone()),
            );
        }
        check(&o.expr, none, &[], diags);
        for t in &o.depends_on {
            check_traversal(node, t, none, diags);
        }
        for p in &o.preconditions {
            check(&p.condition, none, &[], diags);
            check(&p.error_message, none, &[], diags);
        }
    }
    for v in m.variables.values() {
        for val in &v.validations {
            for e in [&val.condition, &val.error_message] {
                for t in e.traversals() {
                    check_traversal(node, t, none, diags);
                }
            }
        }
    }
    for r in m.resources.values() {
        let allowed = Allowed {
            count: r.count.is_some(),
            each: r.for_each.is_some(),
            self_ref: false,
            ..none
        };
        if let Some(c) = &r.count {
            check(c, none, &[], diags);
        }
        if let Some(f) = &r.for_each {
            check(f, none, &[], diags);
        }
        check_body(node, &r.body, allowed, &mut Vec::new(), diags);
        for t in &r.depends_on {
            check_traversal(node, t, none, diags);
        }
        for c in r
            .lifecycle
            .preconditions
            .iter()
            .chain(&r.lifecycle.postconditions)
        {
            let a = Allowed {
                self_ref: true,
                ..allowed
            };
            check(&c.condition, a, &[], diags);
            check(&c.error_message, a, &[], diags);
        }
        for e in &r.lifecycle.replace_triggered_by {
            check(e, allowed, &[], diags);
        }
    }
    for call in m.module_calls.values() {
        let allowed = Allowed {
            count: call.count.is_some(),
            each: call.for_each.is_some(),
            self_ref: false,
            ..none
        };
        if let Some(c) = &call.count {
            check(c, none, &[], diags);
        }
        if let Some(f) = &call.for_each {
            check(f, none, &[], diags);
        }
        for a in &call.inputs.attrs {
            check(&a.expr, allowed, &[], diags);
        }
        for t in &call.depends_on {
            check_traversal(node, t, none, diags);
        }
        if let Some(child) = node.children.get(&call.name) {
            let declared: Vec<&str> = child.module.variables.keys().map(String::as_str).collect();
            for a in &call.inputs.attrs {
                if !child.module.variables.contains_key(&a.name) {
                    let hint = suggest(&a.name, &declared)
                        .map(|s| format!(" Did you mean {s:?}?"))
                        .unwrap_or_default();
                    diags.push(
                        Diagnostic::error(
                            "Unsupported argument",
                            format!("An argument named {:?} is not expected here.{hint}", a.name),
                        )
                        .with_subject(a.name_range.clone()),
                    );
                }
            }
            for v in child.module.variables.values() {
                if v.is_required() && call.inputs.attr(&v.name).is_none() {
                    diags.push(
                        Diagnostic::error(
                            "Missing required argument",
                            format!(
                                "The argument {:?} is required, but no definition was found.",
                                v.name
                            ),
                        )
                        .with_subject(call.range.clone()),
                    );
                }
            }
        }
    }
    for r in &m.removed {
        if let Ok(rf) = parse_ref(&r.from) {
            match &rf.subject {
                RefSubject::Resource(res) | RefSubject::ResourceInstance(res, _) if m.resources.contains_key(res) => diags.push(
                    Diagnostic::error(
                        "Removed resource still exists",
                        format!("This statement declares that {res} was removed, but it is still declared in configuration."),
                    )
                    .with_subject(r.range.clone()),
                ),
                RefSubject::ModuleCall(c, _) if m.module_calls.contains_key(c) => diags.push(
                    Diagnostic::error(
                        "Removed module still exists",
                        format!("This statement declares that module.{c} was removed, but it is still declared in configuration."),
                    )
                    .with_subject(r.range.clone()),
                ),
                _ => {}
            }
        }
    }
    for imp in &m.imports {
        if !node.path.is_root() {
            diags.push(
                Diagnostic::error("Invalid import configuration", "An import block was detected in a child module. Import blocks are only allowed in the root module.")
                    .with_subject(imp.range.clone()),
            );
            continue;
        }
        if let Ok(rf) = parse_ref(&imp.to) {
            if let RefSubject::Resource(res) | RefSubject::ResourceInstance(res, _) = &rf.subject {
                if !m.resources.contains_key(res) {
                    diags.push(
                        Diagnostic::error(
                            "Configuration for import target does not exist",
                            format!("The configuration for the given import target {res} does not exist. Make sure the target resource exists within your configuration."),
                        )
                        .with_subject(imp.range.clone()),
                    );
                }
            }
        }
        check(&imp.id, none, &[], diags);
    }
    for c in &m.checks {
        let scoped: Vec<String> = c
            .data
            .iter()
            .map(|d| "data".to_string() + "." + &d.addr.ty + "." + &d.addr.name)
            .collect();
        for a in &c.asserts {
            for e in [&a.condition, &a.error_message] {
                for t in e.traversals() {
                    if scoped.iter().any(|s| t.to_text().starts_with(s.as_str())) {
                        continue;
                    }
                    check_traversal(node, t, none, diags);
                }
            }
        }
        if let Some(d) = &c.data {
            check_body(node, &d.body, none, &mut Vec::new(), diags);
        }
    }
    for p in &m.providers {
        for a in &p.body.attrs {
            check(&a.expr, none, &[], diags);
        }
    }
}

fn check_body(
    node: &ModuleNode,
    body: &Body,
    allowed: Allowed<'_>,
    bound: &mut Vec<String>,
    diags: &mut Diagnostics,
) {
    for a in &body.attrs {
        check_expr(node, &a.expr, allowed, bound, diags);
    }
    for b in &body.blocks {
        if b.kind == "dynamic" {
            let label = b.labels.first().cloned().unwrap_or_default();
            let iterator = b
                .body
                .attr("iterator")
                .and_then(|a| a.expr.as_keyword().map(str::to_string))
                .unwrap_or(label);
            if let Some(fe) = b.body.attr("for_each") {
                check_expr(node, &fe.expr, allowed, bound, diags);
            }
            bound.push(iterator);
            for a in &b.body.attrs {
                if a.name == "labels" {
                    check_expr(node, &a.expr, allowed, bound, diags);
                }
            }
            for content in b.body.blocks_of("content") {
                check_body(node, &content.body, allowed, bound, diags);
            }
            bound.pop();
        } else {
            check_body(node, &b.body, allowed, bound, diags);
        }
    }
}

fn check_expr(
    node: &ModuleNode,
    e: &Expr,
    allowed: Allowed<'_>,
    bound: &[String],
    diags: &mut Diagnostics,
) {
    for t in e.traversals() {
        if bound.iter().any(|b| *b == t.root) {
            continue;
        }
        check_traversal(node, t, allowed, diags);
    }
    if let Some(check) = allowed.known.functions {
        e.visit_calls(&mut |c| {
            if let Some(d) = check(&c.name, &c.name_range) {
                diags.push(d);
            }
        });
    }
}

fn check_traversal(
    node: &ModuleNode,
    t: &Traversal,
    allowed: Allowed<'_>,
    diags: &mut Diagnostics,
) {
    let r = match parse_ref(t) {
        Ok(r) => r,
        Err(d) => {
            diags.push(d);
            return;
        }
    };
    let m = &node.module;
    let in_module = || {
        if node.path.is_root() {
            "the root module".to_string()
        } else {
            node.path.to_string()
        }
    };
    let d = match &r.subject {
        RefSubject::Variable(name) if !m.variables.contains_key(name) => {
            let hint = match name_suggestion(name, m.variables.keys()) {
                Some(s) => format!(" Did you mean {s:?}?"),
                None => format!(" This variable can be declared with a variable {name:?} {{}} block."),
            };
            Some(
                Diagnostic::error(
                    "Reference to undeclared input variable",
                    format!("An input variable with the name {name:?} has not been declared.{hint}"),
                )
                .with_subject(r.range.clone()),
            )
        }
        RefSubject::Local(name) if !m.locals.contains_key(name) => {
            let hint = name_suggestion(name, m.locals.keys())
                .map(|s| format!(" Did you mean {s:?}?"))
                .unwrap_or_default();
            Some(
                Diagnostic::error(
                    "Reference to undeclared local value",
                    format!("A local value with the name {name:?} has not been declared.{hint}"),
                )
                .with_subject(r.range.clone()),
            )
        }
        RefSubject::ModuleCall(name, _) | RefSubject::ModuleOutput(name, _, _) if !m.module_calls.contains_key(name) => Some(
            Diagnostic::error("Reference to undeclared module", format!("No module call named {name:?} is declared in {}.", in_module()))
                .with_subject(r.range.clone()),
        ),
        RefSubject::ModuleOutput(name, _, out) => match node.children.get(name) {
            Some(child) if !child.module.outputs.contains_key(out) => Some(
                Diagnostic::error(
                    "Unsupported attribute",
                    format!("This object does not have an attribute named {out:?}. The module {name:?} declares no output named {out:?}."),
                )
                .with_subject(r.range.clone()),
            ),
            _ => None,
        },
        RefSubject::Resource(res) | RefSubject::ResourceInstance(res, _) if !m.resources.contains_key(res) => {
            let kind = if res.mode == terrane_addrs::ResourceMode::Data { "data resource" } else { "managed resource" };
            Some(
                Diagnostic::error(
                    "Reference to undeclared resource",
                    format!("A {kind} {:?} {:?} has not been declared in {}.", res.ty, res.name, in_module()),
                )
                .with_subject(r.range.clone()),
            )
        }
        RefSubject::CountIndex if !allowed.count => Some(
            Diagnostic::error(
                "Reference to \"count\" in non-counted context",
                "The \"count\" object can only be used in \"module\", \"resource\", and \"data\" blocks, and only when the \"count\" argument is set.",
            )
            .with_subject(r.range.clone()),
        ),
        RefSubject::EachKey | RefSubject::EachValue if !allowed.each => Some(
            Diagnostic::error(
                "Reference to \"each\" in context without for_each",
                "The \"each\" object can be used only in \"module\" or \"resource\" blocks, and only when the \"for_each\" argument is set.",
            )
            .with_subject(r.range.clone()),
        ),
        RefSubject::SelfRef if !allowed.self_ref => Some(
            Diagnostic::error(
                "Invalid \"self\" reference",
                "The \"self\" object is not available in this context. This object can be used only in resource provisioner, connection, and postcondition blocks.",
            )
            .with_subject(r.range.clone()),
        ),
        RefSubject::Resource(res) | RefSubject::ResourceInstance(res, _) => {
            resource_attribute(node, res, &r, allowed)
        }
        _ => None,
    };
    if let Some(d) = d {
        diags.push(d);
    }
}

/// Terraform's name suggestion: the first name, in sorted order, within two edits of the given one.
fn name_suggestion<'n>(given: &str, names: impl Iterator<Item = &'n String>) -> Option<&'n str> {
    let mut names: Vec<&String> = names.collect();
    names.sort();
    names
        .into_iter()
        .find(|n| crate::body::levenshtein(given, n) < 3)
        .map(String::as_str)
}

/// A reference to an attribute its resource type does not have, with the closest name it has.
fn resource_attribute(
    node: &ModuleNode,
    res: &Resource,
    r: &crate::refs::Reference<'_>,
    allowed: Allowed<'_>,
) -> Option<Diagnostic> {
    let names = allowed.known.resource_names?;
    let decl = node.module.resources.get(res)?;
    let instance_key = matches!(r.subject, RefSubject::ResourceInstance(..));
    if !instance_key && (decl.count.is_some() || decl.for_each.is_some()) {
        // the instances as a whole: what follows is a key or a splat, not an attribute
        return None;
    }
    let Some(TraversalStep::Attr(name, range)) = r.remaining.first() else {
        return None;
    };
    let names = names(&node.path, res)?;
    if names.iter().any(|n| n == name) {
        return None;
    }
    let hint = name_suggestion(name, names.iter())
        .map(|s| format!(" Did you mean {s:?}?"))
        .unwrap_or_default();
    Some(
        Diagnostic::error(
            "Unsupported attribute",
            format!("This object has no argument, nested block, or exported attribute named {name:?}.{hint}"),
        )
        .with_subject(range.clone()),
    )
}
