//! The references each configuration object makes, and the graph nodes they point at.

use crate::graph::Node;
use terrane_addrs::{ConfigResource, ModulePath};
use terrane_config::Config;
use terrane_config::ast::{Expr, Traversal};
use terrane_config::body::Body;
use terrane_config::module::ResourceConfig;
use terrane_config::refs::{RefSubject, ref_subject};

/// Every static traversal in a body, skipping names bound by `dynamic` block iterators.
pub fn body_traversals(body: &Body) -> Vec<&Traversal> {
    let mut out = Vec::new();
    collect_body(body, &mut Vec::new(), &mut out);
    out
}

fn collect_body<'a>(body: &'a Body, bound: &mut Vec<String>, out: &mut Vec<&'a Traversal>) {
    for a in &body.attrs {
        collect_expr(&a.expr, bound, out);
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
                collect_expr(&fe.expr, bound, out);
            }
            bound.push(iterator);
            if let Some(l) = b.body.attr("labels") {
                collect_expr(&l.expr, bound, out);
            }
            for c in b.body.blocks_of("content") {
                collect_body(&c.body, bound, out);
            }
            bound.pop();
        } else {
            collect_body(&b.body, bound, out);
        }
    }
}

fn collect_expr<'a>(e: &'a Expr, bound: &[String], out: &mut Vec<&'a Traversal>) {
    for t in e.traversals() {
        if !bound.iter().any(|b| *b == t.root) {
            out.push(t);
        }
    }
}

/// The reference subjects of a resource's configuration (arguments, count, for_each, depends_on,
/// lifecycle conditions and triggers).
pub fn resource_refs(r: &ResourceConfig) -> Vec<RefSubject> {
    let mut ts: Vec<&Traversal> = body_traversals(&r.body);
    for e in r
        .count
        .iter()
        .chain(r.for_each.iter())
        .chain(r.lifecycle.replace_triggered_by.iter())
    {
        ts.extend(e.traversals());
    }
    for c in r
        .lifecycle
        .preconditions
        .iter()
        .chain(&r.lifecycle.postconditions)
    {
        ts.extend(c.condition.traversals());
        ts.extend(c.error_message.traversals());
    }
    ts.extend(r.depends_on.iter());
    subjects(ts)
}

/// The reference subjects of some traversals, skipping ones that do not parse.
pub fn subjects<'a>(ts: impl IntoIterator<Item = &'a Traversal>) -> Vec<RefSubject> {
    let mut out: Vec<RefSubject> = ts.into_iter().filter_map(ref_subject).collect();
    out.sort();
    out.dedup();
    out
}

/// The reference subjects of expressions.
pub fn expr_refs<'a>(exprs: impl IntoIterator<Item = &'a Expr>) -> Vec<RefSubject> {
    let mut ts = Vec::new();
    for e in exprs {
        ts.extend(e.traversals());
    }
    subjects(ts)
}

/// The graph nodes a reference made in module `module` points at.
pub fn ref_nodes(config: &Config, module: &ModulePath, subject: &RefSubject) -> Vec<Node> {
    match subject {
        RefSubject::Variable(n) => vec![Node::Variable(module.clone(), n.clone())],
        RefSubject::Local(n) => vec![Node::Local(module.clone(), n.clone())],
        RefSubject::ModuleCall(c, _) => {
            let mut out = vec![Node::ModuleExpand(module.clone(), c.clone())];
            let child = module.child(c);
            if let Some(node) = config.module(&child) {
                out.extend(
                    node.module
                        .outputs
                        .keys()
                        .map(|o| Node::Output(child.clone(), o.clone())),
                );
            }
            out
        }
        RefSubject::ModuleOutput(c, _, o) => {
            vec![
                Node::ModuleExpand(module.clone(), c.clone()),
                Node::Output(module.child(c), o.clone()),
            ]
        }
        RefSubject::Resource(r) | RefSubject::ResourceInstance(r, _) => {
            vec![Node::Resource(ConfigResource {
                module: module.clone(),
                resource: r.clone(),
            })]
        }
        _ => Vec::new(),
    }
}

/// Every resource node inside a module and its descendants (for `depends_on = [module.x]`).
pub fn module_resource_nodes(config: &Config, module: &ModulePath) -> Vec<Node> {
    let mut out = Vec::new();
    if let Some(node) = config.module(module) {
        for r in node.module.resources.keys() {
            out.push(Node::Resource(ConfigResource {
                module: module.clone(),
                resource: r.clone(),
            }));
        }
        for o in node.module.outputs.keys() {
            out.push(Node::Output(module.clone(), o.clone()));
        }
        for c in node.children.keys() {
            out.extend(module_resource_nodes(config, &module.child(c)));
        }
    }
    out
}
