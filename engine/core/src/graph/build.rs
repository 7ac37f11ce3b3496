//! Building the plan and apply graphs from configuration, state and (for apply) the plan.
//!
//! The graph is built by a short ordered list of transforms; each says why it stands where it does.

use super::{Graph, Node};
use crate::providers::resolve_provider;
use crate::refs::{expr_refs, module_resource_nodes, ref_nodes, resource_refs, subjects};
use std::collections::{BTreeMap, BTreeSet};
use terrane_addrs::{ConfigResource, ModulePath};
use terrane_config::refs::{RefSubject, parse_ref};
use terrane_config::{Config, ModuleNode};
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_plan::Plan;
use terrane_state::State;

/// What the graph is built from.
pub struct GraphInputs<'a> {
    /// The configuration.
    pub config: &'a Config,
    /// The state before the operation.
    pub state: &'a State,
}

/// The graph of a plan: configuration objects, plus resources only the state still has.
pub fn build_plan_graph(inputs: &GraphInputs<'_>) -> Result<Graph, Diagnostics> {
    let g = plan_graph_unchecked(inputs);
    // 6. Last, a graph with a cycle cannot be walked: report it, naming its members. Objects that
    // refer to themselves are reported first, in Terraform's words.
    if g.has_self_loops() {
        check_self_references(inputs.config)?;
    }
    check_cycles(&g)?;
    Ok(g)
}

/// The plan graph as it is, cycles and all: what `terrane graph` draws.
pub fn plan_graph_unchecked(inputs: &GraphInputs<'_>) -> Graph {
    let mut g = Graph::default();
    // 1. Every configuration object is a node; they exist before any edge refers to them.
    add_config_nodes(&mut g, inputs.config);
    // 2. Resources in state without configuration are planned for deletion by orphan nodes.
    add_orphans(&mut g, inputs.config, inputs.state);
    // 3. References become edges, now that every node they can name exists.
    add_reference_edges(&mut g, inputs.config);
    // 4. Everything in a module waits for the module's expansion, so instances are known.
    add_module_edges(&mut g, inputs.config);
    // 5. Resources wait for the provider configuration that manages them.
    add_provider_edges(&mut g, inputs.config, inputs.state);
    g
}

/// The graph of an apply: the plan graph without orphans, plus destroy nodes ordered in reverse of
/// dependencies.
pub fn build_apply_graph(inputs: &GraphInputs<'_>, plan: &Plan) -> Result<Graph, Diagnostics> {
    let mut g = Graph::default();
    add_config_nodes(&mut g, inputs.config);
    add_reference_edges(&mut g, inputs.config);
    add_module_edges(&mut g, inputs.config);
    // Destroy nodes for every resource with a deletion (or the delete half of a replacement that does
    // not create first), added after the configuration edges they are derived from.
    add_destroy_nodes(&mut g, inputs.config, inputs.state, plan);
    add_provider_edges(&mut g, inputs.config, inputs.state);
    if g.has_self_loops() {
        check_self_references(inputs.config)?;
    }
    check_cycles(&g)?;
    Ok(g)
}

/// Locals and resources whose expressions use their own value.
fn check_self_references(config: &Config) -> Result<(), Diagnostics> {
    let mut diags = Diagnostics::new();
    for node in config.all_modules() {
        let m = &node.module;
        for (name, l) in &m.locals {
            for t in l.expr.traversals() {
                if t.root != "local" || t.attr(0) != Some(name.as_str()) {
                    continue;
                }
                if let Ok(r) = parse_ref(t) {
                    if matches!(&r.subject, RefSubject::Local(n) if n == name) {
                        diags.push(
                            Diagnostic::error(
                                "Self-referencing local value",
                                format!("Local value local.{name} cannot use its own result as part of its expression."),
                            )
                            .with_subject(r.range.clone()),
                        );
                    }
                }
            }
        }
        for (addr, r) in &m.resources {
            let mut ts: Vec<&terrane_config::ast::Traversal> =
                crate::refs::body_traversals(&r.body);
            for e in r.count.iter().chain(r.for_each.iter()) {
                ts.extend(e.traversals());
            }
            for t in ts {
                if let Ok(rf) = parse_ref(t) {
                    if let RefSubject::Resource(res) | RefSubject::ResourceInstance(res, _) =
                        &rf.subject
                    {
                        if res == addr {
                            diags.push(
                                Diagnostic::error(
                                    "Self-referential block",
                                    format!("Configuration for {addr} may not refer to itself."),
                                )
                                .with_subject(rf.range.clone()),
                            );
                        }
                    }
                }
            }
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(())
    }
}

fn add_config_nodes(g: &mut Graph, config: &Config) {
    for node in config.all_modules() {
        let p = &node.path;
        let m = &node.module;
        for v in m.variables.keys() {
            g.add(Node::Variable(p.clone(), v.clone()));
        }
        for l in m.locals.keys() {
            g.add(Node::Local(p.clone(), l.clone()));
        }
        for o in m.outputs.keys() {
            g.add(Node::Output(p.clone(), o.clone()));
        }
        for c in m.module_calls.keys() {
            g.add(Node::ModuleExpand(p.clone(), c.clone()));
        }
        for r in m.resources.keys() {
            g.add(Node::Resource(ConfigResource {
                module: p.clone(),
                resource: r.clone(),
            }));
        }
    }
}

fn add_orphans(g: &mut Graph, config: &Config, state: &State) {
    for addr in state.resources.keys() {
        let cr = addr.config();
        let in_config = config
            .module(&cr.module)
            .is_some_and(|m| m.module.resources.contains_key(&cr.resource));
        if !in_config {
            g.add(Node::Orphan(cr));
        }
    }
}

fn connect(g: &mut Graph, from: &Node, to: Vec<Node>) {
    let Some(fi) = g.find(from) else { return };
    for t in to {
        if let Some(ti) = g.find(&t) {
            g.depend(fi, ti);
        }
    }
}

fn refs_to_nodes(config: &Config, module: &ModulePath, refs: &[RefSubject]) -> Vec<Node> {
    refs.iter()
        .flat_map(|r| ref_nodes(config, module, r))
        .collect()
}

fn add_reference_edges(g: &mut Graph, config: &Config) {
    for node in config.all_modules() {
        let p = &node.path;
        let m = &node.module;
        for (name, l) in &m.locals {
            let refs = expr_refs([&l.expr]);
            connect(
                g,
                &Node::Local(p.clone(), name.clone()),
                refs_to_nodes(config, p, &refs),
            );
        }
        for (name, o) in &m.outputs {
            let mut exprs = vec![&o.expr];
            for c in &o.preconditions {
                exprs.push(&c.condition);
                exprs.push(&c.error_message);
            }
            let mut refs = expr_refs(exprs);
            refs.extend(subjects(o.depends_on.iter()));
            let from = Node::Output(p.clone(), name.clone());
            connect(g, &from, refs_to_nodes(config, p, &refs));
            connect(g, &from, depends_on_modules(config, p, &o.depends_on));
        }
        for (name, call) in &m.module_calls {
            let refs = expr_refs(call.count.iter().chain(call.for_each.iter()));
            connect(
                g,
                &Node::ModuleExpand(p.clone(), name.clone()),
                refs_to_nodes(config, p, &refs),
            );
            // A child's variable depends on what its argument in the call refers to, in the caller.
            let child = p.child(name);
            for a in &call.inputs.attrs {
                let refs = expr_refs([&a.expr]);
                connect(
                    g,
                    &Node::Variable(child.clone(), a.name.clone()),
                    refs_to_nodes(config, p, &refs),
                );
            }
            // depends_on on a module call: everything in the module waits for the targets.
            if !call.depends_on.is_empty() {
                let mut targets = refs_to_nodes(config, p, &subjects(call.depends_on.iter()));
                targets.extend(depends_on_modules(config, p, &call.depends_on));
                for inner in module_resource_nodes(config, &child) {
                    connect(g, &inner, targets.clone());
                }
            }
        }
        for (addr, r) in &m.resources {
            let from = Node::Resource(ConfigResource {
                module: p.clone(),
                resource: addr.clone(),
            });
            let refs = resource_refs(r);
            connect(g, &from, refs_to_nodes(config, p, &refs));
            connect(g, &from, depends_on_modules(config, p, &r.depends_on));
        }
        for v in m.variables.values() {
            for val in &v.validations {
                let refs = expr_refs([&val.condition, &val.error_message]);
                let others: Vec<RefSubject> = refs
                    .into_iter()
                    .filter(|s| !matches!(s, RefSubject::Variable(n) if *n == v.name))
                    .collect();
                connect(
                    g,
                    &Node::Variable(p.clone(), v.name.clone()),
                    refs_to_nodes(config, p, &others),
                );
            }
        }
    }
}

/// `depends_on = [module.x]`: every resource and output inside the module.
fn depends_on_modules(
    config: &Config,
    module: &ModulePath,
    deps: &[terrane_config::ast::Traversal],
) -> Vec<Node> {
    let mut out = Vec::new();
    for t in deps {
        if let Ok(r) = parse_ref(t) {
            if let RefSubject::ModuleCall(c, _) | RefSubject::ModuleOutput(c, _, _) = &r.subject {
                out.extend(module_resource_nodes(config, &module.child(c)));
            }
        }
    }
    out
}

fn add_module_edges(g: &mut Graph, config: &Config) {
    let nodes: Vec<Node> = g.indices().map(|i| g.node(i).clone()).collect();
    for n in nodes {
        let module = match &n {
            Node::Variable(m, _)
            | Node::Local(m, _)
            | Node::Output(m, _)
            | Node::ModuleExpand(m, _) => m.clone(),
            Node::Resource(r) | Node::Orphan(r) | Node::Destroy(r) => r.module.clone(),
            Node::Provider(_) => continue,
        };
        if let Some(parent) = module.parent() {
            let call = module.0.last().expect("non-root").clone();
            if config
                .module(&parent)
                .is_some_and(|p| p.module.module_calls.contains_key(&call))
            {
                connect(g, &n, vec![Node::ModuleExpand(parent, call)]);
            }
        }
    }
}

fn add_provider_edges(g: &mut Graph, config: &Config, state: &State) {
    let nodes: Vec<Node> = g.indices().map(|i| g.node(i).clone()).collect();
    for n in nodes {
        let pc = match &n {
            Node::Resource(r) | Node::Orphan(r) | Node::Destroy(r) => {
                match config
                    .module(&r.module)
                    .and_then(|m| m.module.resources.get(&r.resource))
                {
                    Some(rc) => {
                        let (name, alias) = match &rc.provider {
                            Some((n, a)) => (n.clone(), a.clone()),
                            None => (r.resource.implied_provider().to_string(), None),
                        };
                        resolve_provider(config, &r.module, &name, alias.as_deref())
                    }
                    None => match state.resources.iter().find(|(a, _)| a.config() == *r) {
                        Some((_, rs)) => rs.provider.clone(),
                        None => continue,
                    },
                }
            }
            _ => continue,
        };
        let pn = Node::Provider(pc.clone());
        let pi = g.add(pn.clone());
        if let Some(ni) = g.find(&n) {
            g.depend(ni, pi);
        }
        if let Some(block) = provider_block(config, &pc) {
            // Nested blocks count too (`default_tags { tags = { Team = var.team } }`).
            let refs = crate::refs::subjects(crate::refs::body_traversals(&block.body));
            connect(g, &pn, refs_to_nodes(config, &pc.module, &refs));
        }
    }
}

fn provider_block<'a>(
    config: &'a Config,
    pc: &terrane_addrs::ProviderConfig,
) -> Option<&'a terrane_config::module::ProviderBlock> {
    let node: &ModuleNode = config.module(&pc.module)?;
    node.module.providers.iter().find(|p| {
        node.module.provider_for_local_name(&p.name) == pc.provider && p.alias == pc.alias
    })
}

/// The resources each resource depends on directly, looking through locals, variables, outputs and
/// module expansions (but not through other resources).
pub fn resource_dependencies(g: &Graph) -> BTreeMap<ConfigResource, BTreeSet<ConfigResource>> {
    let mut out = BTreeMap::new();
    for i in g.indices() {
        let Node::Resource(r) = g.node(i) else {
            continue;
        };
        let mut seen = BTreeSet::new();
        let mut stack: Vec<_> = g.dependencies(i).collect();
        let mut deps = BTreeSet::new();
        while let Some(d) = stack.pop() {
            if !seen.insert(d) {
                continue;
            }
            match g.node(d) {
                Node::Resource(dr) => {
                    deps.insert(dr.clone());
                }
                Node::Provider(_) => {}
                _ => stack.extend(g.dependencies(d)),
            }
        }
        out.insert(r.clone(), deps);
    }
    out
}

fn add_destroy_nodes(g: &mut Graph, config: &Config, state: &State, plan: &Plan) {
    let mut destroying: BTreeSet<ConfigResource> = BTreeSet::new();
    for c in &plan.changes {
        let deletes_first = matches!(
            c.action,
            terrane_plan::Action::Delete
                | terrane_plan::Action::DeleteThenCreate
                | terrane_plan::Action::Forget
        );
        if deletes_first || c.deposed.is_some() {
            destroying.insert(c.addr.config());
        }
    }
    let deps = resource_dependencies(g);
    for r in &destroying {
        let d = g.add(Node::Destroy(r.clone()));
        // A replacement's new object is created after the old one is destroyed.
        if let Some(ri) = g.find(&Node::Resource(r.clone())) {
            g.depend(ri, d);
        }
    }
    // Dependencies recorded in state cover resources the configuration no longer has.
    let mut depends: BTreeMap<ConfigResource, BTreeSet<ConfigResource>> = deps;
    for (addr, rs) in &state.resources {
        for inst in rs.instances.values() {
            for o in inst.current.iter().chain(inst.deposed.values()) {
                for d in &o.dependencies {
                    depends.entry(addr.config()).or_default().insert(d.config());
                }
            }
        }
    }
    // Something is destroyed only after everything that depends on it is destroyed.
    for (r, ds) in &depends {
        if !destroying.contains(r) {
            continue;
        }
        for d in ds {
            if destroying.contains(d) && d != r {
                let (Some(di), Some(ri)) = (
                    g.find(&Node::Destroy(d.clone())),
                    g.find(&Node::Destroy(r.clone())),
                ) else {
                    continue;
                };
                g.depend(di, ri);
            }
        }
    }
    let _ = config;
}

fn check_cycles(g: &Graph) -> Result<(), Diagnostics> {
    let cycles = g.cycles();
    if cycles.is_empty() {
        return Ok(());
    }
    let mut diags = Diagnostics::new();
    for c in cycles {
        let names: Vec<String> = c.iter().map(ToString::to_string).collect();
        diags.push(Diagnostic::error(
            format!("Cycle: {}", names.join(", ")),
            "The configuration has a dependency cycle: each of these objects refers, directly or indirectly, to the others, so none can be evaluated first.",
        ));
    }
    Err(diags)
}
