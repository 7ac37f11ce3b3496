//! The dependency graph: one node per configuration object, edges from references, `depends_on`,
//! module nesting, providers and (for apply) destroy ordering.
//!
//! Nodes stand for configuration objects, not instances: a resource node plans or applies every
//! instance of the resource in every instance of its module, so the graph stays the size of the
//! configuration whatever `count` and `for_each` expand to.

mod build;
mod node;

pub use build::{GraphInputs, build_apply_graph, build_plan_graph, resource_dependencies};
pub use node::Node;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use rustc_hash::FxHashMap as HashMap;

/// A dependency graph. An edge `a -> b` means `a` depends on `b`: `b` runs first.
#[derive(Default)]
pub struct Graph {
    pub(crate) g: DiGraph<Node, ()>,
    index: HashMap<Node, NodeIndex>,
}

impl Graph {
    /// Adds a node if absent; returns its index.
    pub fn add(&mut self, n: Node) -> NodeIndex {
        if let Some(i) = self.index.get(&n) {
            return *i;
        }
        let i = self.g.add_node(n.clone());
        self.index.insert(n, i);
        i
    }

    /// The index of a node.
    pub fn find(&self, n: &Node) -> Option<NodeIndex> {
        self.index.get(n).copied()
    }

    /// Records that `from` depends on `to`. Self-edges are ignored.
    pub fn depend(&mut self, from: NodeIndex, to: NodeIndex) {
        if from != to && self.g.find_edge(from, to).is_none() {
            self.g.add_edge(from, to, ());
        }
    }

    /// The node at an index.
    pub fn node(&self, i: NodeIndex) -> &Node {
        &self.g[i]
    }

    /// Every node index.
    pub fn indices(&self) -> impl Iterator<Item = NodeIndex> + '_ {
        self.g.node_indices()
    }

    /// What a node depends on.
    pub fn dependencies(&self, i: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
        self.g
            .edges_directed(i, petgraph::Direction::Outgoing)
            .map(|e| e.target())
    }

    /// What depends on a node.
    pub fn dependents(&self, i: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
        self.g
            .edges_directed(i, petgraph::Direction::Incoming)
            .map(|e| e.source())
    }

    /// The number of nodes.
    pub fn len(&self) -> usize {
        self.g.node_count()
    }

    /// Whether the graph has no nodes.
    pub fn is_empty(&self) -> bool {
        self.g.node_count() == 0
    }

    /// Removes nodes not in `keep`.
    pub fn retain(&mut self, keep: impl Fn(&Node) -> bool) {
        self.g.retain_nodes(|g, i| keep(&g[i]));
        self.index = self
            .g
            .node_indices()
            .map(|i| (self.g[i].clone(), i))
            .collect();
    }

    /// The strongly connected components with more than one node (or a self-loop): the cycles.
    pub fn cycles(&self) -> Vec<Vec<Node>> {
        petgraph::algo::tarjan_scc(&self.g)
            .into_iter()
            .filter(|c| c.len() > 1)
            .map(|c| {
                let mut nodes: Vec<Node> = c.into_iter().map(|i| self.g[i].clone()).collect();
                nodes.sort();
                nodes
            })
            .collect()
    }

    /// A sorted text dump, one `node -> dependency` line per edge and a line per lone node, for tests.
    pub fn dump(&self) -> String {
        let mut lines = Vec::new();
        for i in self.g.node_indices() {
            let mut deps: Vec<String> = self
                .dependencies(i)
                .map(|d| self.g[d].to_string())
                .collect();
            deps.sort();
            if deps.is_empty() {
                lines.push(self.g[i].to_string());
            } else {
                lines.push(format!("{} -> {}", self.g[i], deps.join(", ")));
            }
        }
        lines.sort();
        lines.join("\n") + "\n"
    }
}
