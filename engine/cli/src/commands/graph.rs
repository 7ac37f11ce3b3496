//! `terrane graph`: the dependency graph, in Graphviz's DOT (as Terraform writes it) or as a Mermaid
//! flowchart for Markdown pages.
//!
//! An edge goes from an object to what it depends on. Edges implied by longer paths are left out, as
//! Terraform leaves them out; a graph with a cycle is drawn whole, with `-draw-cycles` marking the
//! edges on the cycles.

use crate::args::GraphArgs;
use crate::ui::Ui;
use crate::workdir;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::process::ExitCode;
use terrane_core::graph::NodeIndex;
use terrane_core::{Graph, GraphInputs, Node};
use terrane_diagnostics::Diagnostic;

pub fn run(args: &GraphArgs) -> ExitCode {
    let ui = Ui::new(false);
    let fail = |d: Diagnostic| {
        ui.diagnostics(&d.into(), &Default::default());
        ExitCode::from(1)
    };
    if !matches!(args.format.as_str(), "dot" | "mermaid") {
        return fail(Diagnostic::error(
            "Invalid graph format",
            format!(
                "The format \"{}\" is not supported: use \"dot\" or \"mermaid\".",
                args.format
            ),
        ));
    }
    let kind = args
        .graph_type
        .clone()
        .unwrap_or_else(|| if args.plan.is_some() { "apply" } else { "plan" }.to_string());
    if !matches!(kind.as_str(), "plan" | "validate" | "apply") {
        return fail(Diagnostic::error(
            "Invalid graph type",
            format!(
                "The graph type \"{kind}\" is not supported: use \"plan\", \"validate\" or \"apply\"."
            ),
        ));
    }
    let Some(loaded) = workdir::load(&ui) else {
        return ExitCode::from(1);
    };
    let graph = match (kind.as_str(), &args.plan) {
        ("apply", Some(file)) => {
            let plan = match terrane_plan::file::load(std::path::Path::new(file)) {
                Ok(p) => p,
                Err(e) => {
                    return fail(Diagnostic::error(
                        "Failed to load the saved plan",
                        format!("{file}: {e}"),
                    ));
                }
            };
            let inputs = GraphInputs {
                config: &loaded.config,
                state: &plan.prev_run_state,
            };
            match terrane_core::graph::build_apply_graph(&inputs, &plan) {
                Ok(g) => g,
                Err(diags) => {
                    ui.diagnostics(&diags, &loaded.sources);
                    return ExitCode::from(1);
                }
            }
        }
        (_, Some(_)) => {
            return fail(Diagnostic::error(
                "Invalid graph type",
                "A saved plan has only an apply graph: leave out -type or use -type=apply.",
            ));
        }
        _ => {
            // the plan graph includes what only the state still has; `validate` leaves the state out
            let state = if kind == "plan" {
                match workdir::open_store().and_then(|s| workdir::read_state(s.as_ref())) {
                    Ok(s) => s,
                    Err(d) => return fail(d),
                }
            } else {
                terrane_state::State::default()
            };
            terrane_core::graph::plan_graph_unchecked(&GraphInputs {
                config: &loaded.config,
                state: &state,
            })
        }
    };
    let text = if args.format == "mermaid" {
        mermaid(&graph, args.draw_cycles)
    } else {
        dot(&graph, args.draw_cycles)
    };
    ui.out(&text);
    ExitCode::SUCCESS
}

/// The edges to draw, sorted, each with whether it lies on a cycle (when cycles are drawn).
fn edges(g: &Graph, draw_cycles: bool) -> Vec<(NodeIndex, NodeIndex, bool)> {
    let on_cycle: Vec<(NodeIndex, NodeIndex)> = if draw_cycles {
        g.cycle_edges()
    } else {
        Vec::new()
    };
    let mut edges: Vec<(NodeIndex, NodeIndex, bool)> = g
        .reduced_edges()
        .unwrap_or_else(|| g.edges())
        .into_iter()
        .map(|(a, b)| (a, b, on_cycle.contains(&(a, b))))
        .collect();
    edges.sort_by_key(|(a, b, _)| (id(g.node(*a)), id(g.node(*b))));
    edges
}

/// A node's name in Terraform's graphs: objects that expand into instances end in `(expand)`.
fn id(n: &Node) -> String {
    match n {
        Node::Resource(_) | Node::Local(..) => format!("{n} (expand)"),
        Node::Variable(m, _) | Node::Output(m, _) if !m.is_root() => format!("{n} (expand)"),
        _ => n.to_string(),
    }
}

/// The label of a node: its address.
fn label(n: &Node) -> String {
    match n {
        Node::Orphan(r) | Node::Resource(r) => r.to_string(),
        _ => n.to_string(),
    }
}

fn sorted_nodes(g: &Graph) -> Vec<NodeIndex> {
    let mut nodes: Vec<NodeIndex> = g.indices().collect();
    nodes.sort_by_key(|i| id(g.node(*i)));
    nodes
}

fn dot_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn dot(g: &Graph, draw_cycles: bool) -> String {
    let mut out = String::from(
        "digraph {\n\tcompound = \"true\"\n\tnewrank = \"true\"\n\tsubgraph \"root\" {\n",
    );
    for i in sorted_nodes(g) {
        let n = g.node(i);
        let shape = match n {
            Node::Resource(_) | Node::Orphan(_) | Node::Destroy(_) => "box",
            Node::Provider(_) => "diamond",
            Node::Variable(m, _) | Node::Output(m, _) if m.is_root() => "note",
            _ => continue,
        };
        let _ = writeln!(
            out,
            "\t\t{} [label = {}, shape = \"{shape}\"]",
            dot_quote(&format!("[root] {}", id(n))),
            dot_quote(&label(n))
        );
    }
    for (a, b, cycle) in edges(g, draw_cycles) {
        let (a, b) = (
            dot_quote(&format!("[root] {}", id(g.node(a)))),
            dot_quote(&format!("[root] {}", id(g.node(b)))),
        );
        let _ = writeln!(out, "\t\t{a} -> {b}");
        if cycle {
            let _ = writeln!(out, "\t\t{a} -> {b} [color = \"red\", penwidth = \"2.0\"]");
        }
    }
    out.push_str("\t}\n}\n\n");
    out
}

fn mermaid_text(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "#quot;"))
}

/// A Mermaid flowchart: each module's objects in a subgraph of its own, shapes by kind of object.
fn mermaid(g: &Graph, draw_cycles: bool) -> String {
    let nodes = sorted_nodes(g);
    let names: BTreeMap<NodeIndex, String> = nodes
        .iter()
        .enumerate()
        .map(|(k, i)| (*i, format!("n{k}")))
        .collect();
    let mut by_module: BTreeMap<String, Vec<NodeIndex>> = BTreeMap::new();
    for &i in &nodes {
        by_module.entry(module_of(g.node(i))).or_default().push(i);
    }
    let mut out = String::from(
        "%% terrane graph: an arrow goes from an object to what it depends on\nflowchart LR\n",
    );
    for (k, (module, members)) in by_module.iter().enumerate() {
        let indent = if module.is_empty() {
            "    "
        } else {
            "        "
        };
        if !module.is_empty() {
            let _ = writeln!(out, "    subgraph m{k} [{}]", mermaid_text(module));
        }
        for i in members {
            let n = g.node(*i);
            let text = mermaid_text(&label(n));
            let shape = match n {
                Node::Resource(r) if r.resource.mode == terrane_addrs::ResourceMode::Data => {
                    format!("[({text})]")
                }
                Node::Resource(_) => format!("[{text}]"),
                Node::Orphan(_) | Node::Destroy(_) => format!("[/{text}/]"),
                Node::Provider(_) => format!("{{{{{text}}}}}"),
                Node::Variable(..) => format!(">{text}]"),
                Node::Output(..) => format!("([{text}])"),
                Node::Local(..) => format!("({text})"),
                Node::ModuleExpand(..) => format!("[[{text}]]"),
            };
            let _ = writeln!(out, "{indent}{}{shape}", names[i]);
        }
        if !module.is_empty() {
            out.push_str("    end\n");
        }
    }
    let mut red = Vec::new();
    for (k, (a, b, cycle)) in edges(g, draw_cycles).into_iter().enumerate() {
        let _ = writeln!(out, "    {} --> {}", names[&a], names[&b]);
        if cycle {
            red.push(k.to_string());
        }
    }
    if !red.is_empty() {
        let _ = writeln!(
            out,
            "    linkStyle {} stroke:red,stroke-width:2px",
            red.join(",")
        );
    }
    out
}

/// The module an object is declared in, `""` for the root module.
fn module_of(n: &Node) -> String {
    let m = match n {
        Node::Variable(m, _) | Node::Local(m, _) | Node::Output(m, _) => m.clone(),
        Node::ModuleExpand(m, _) => m.clone(),
        Node::Provider(p) => p.module.clone(),
        Node::Resource(r) | Node::Orphan(r) | Node::Destroy(r) => r.module.clone(),
    };
    if m.is_root() {
        String::new()
    } else {
        m.to_string()
    }
}
