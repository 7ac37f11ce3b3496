//! The dependency graph: one node per configuration object, edges from references, `depends_on`,
//! module nesting, providers and (for apply) destroy ordering.
//!
//! Nodes stand for configuration objects, not instances: a resource node plans or applies every
//! instance of the resource in every instance of its module, so the graph stays the size of the
//! configuration whatever `count` and `for_each` expand to.

mod build;
mod node;

pub use build::{
    GraphInputs, build_apply_graph, build_plan_graph, plan_graph_unchecked, resource_dependencies,
};
pub use node::Node;

use petgraph::graph::DiGraph;
pub use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use rustc_hash::FxHashMap as HashMap;

/// A dependency graph. An edge `a -> b` means `a` depends on `b`: `b` runs first.
#[derive(Default)]
pub struct Graph {
    pub(crate) g: DiGraph<Node, ()>,
    index: HashMap<Node, NodeIndex>,
    /// Nodes that were made to depend on themselves (a local using its own value): no edge, but
    /// the configuration is to be reported.
    pub(crate) self_loops: Vec<NodeIndex>,
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

    /// Records that `from` depends on `to`. A self-edge is not added, only noted.
    pub fn depend(&mut self, from: NodeIndex, to: NodeIndex) {
        if from == to {
            self.self_loops.push(from);
        } else if self.g.find_edge(from, to).is_none() {
            self.g.add_edge(from, to, ());
        }
    }

    /// Whether any node was made to depend on itself.
    pub fn has_self_loops(&self) -> bool {
        !self.self_loops.is_empty()
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

    /// The edges left once those implied by others are removed (`a -> c` goes when `a -> b -> c`),
    /// each as `(dependent, dependency)`: what a drawing of the graph needs. `None` when the graph
    /// has a cycle, which has no single reduction.
    pub fn reduced_edges(&self) -> Option<Vec<(NodeIndex, NodeIndex)>> {
        // dependencies before dependents
        let mut order = petgraph::algo::toposort(&self.g, None).ok()?;
        order.reverse();
        let n = self.g.node_count();
        let words = n.div_ceil(64);
        let mut pos = vec![0; n];
        for (p, i) in order.iter().enumerate() {
            pos[i.index()] = p;
        }
        // reach[i]: every node i depends on, directly or not
        let mut reach = vec![0u64; n * words];
        let mut kept = Vec::new();
        for &i in &order {
            let mut deps: Vec<NodeIndex> = self.dependencies(i).collect();
            // the closest dependencies first: one reached through another is then already known
            deps.sort_by_key(|d| std::cmp::Reverse(pos[d.index()]));
            let mut r = vec![0u64; words];
            for d in deps {
                let (w, b) = (d.index() / 64, 1u64 << (d.index() % 64));
                if r[w] & b != 0 {
                    continue;
                }
                kept.push((i, d));
                r[w] |= b;
                let from = &reach[d.index() * words..(d.index() + 1) * words];
                for (x, y) in r.iter_mut().zip(from) {
                    *x |= y;
                }
            }
            reach[i.index() * words..(i.index() + 1) * words].copy_from_slice(&r);
        }
        Some(kept)
    }

    /// Whether an edge lies on a cycle (both ends in the same strongly connected component).
    pub fn cycle_edges(&self) -> Vec<(NodeIndex, NodeIndex)> {
        let mut component = vec![usize::MAX; self.g.node_count()];
        for (c, nodes) in petgraph::algo::tarjan_scc(&self.g).into_iter().enumerate() {
            if nodes.len() > 1 {
                for i in nodes {
                    component[i.index()] = c;
                }
            }
        }
        self.g
            .edge_references()
            .filter(|e| {
                let c = component[e.source().index()];
                c != usize::MAX && c == component[e.target().index()]
            })
            .map(|e| (e.source(), e.target()))
            .collect()
    }

    /// Every edge, as `(dependent, dependency)`.
    pub fn edges(&self) -> Vec<(NodeIndex, NodeIndex)> {
        self.g
            .edge_references()
            .map(|e| (e.source(), e.target()))
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

#[cfg(test)]
mod tests {
    use super::{Graph, Node};
    use terrane_addrs::ModulePath;

    fn local(g: &mut Graph, name: &str) -> petgraph::graph::NodeIndex {
        g.add(Node::Local(ModulePath::root(), name.to_string()))
    }

    fn names(
        g: &Graph,
        edges: &[(petgraph::graph::NodeIndex, petgraph::graph::NodeIndex)],
    ) -> Vec<String> {
        let mut v: Vec<String> = edges
            .iter()
            .map(|(a, b)| format!("{} -> {}", g.node(*a), g.node(*b)))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn reduction_drops_edges_implied_by_longer_paths() {
        let mut g = Graph::default();
        let (a, b, c, d) = (
            local(&mut g, "a"),
            local(&mut g, "b"),
            local(&mut g, "c"),
            local(&mut g, "d"),
        );
        g.depend(a, b);
        g.depend(b, c);
        g.depend(a, c);
        g.depend(a, d);
        g.depend(d, c);
        let reduced = g.reduced_edges().expect("no cycle");
        assert_eq!(
            names(&g, &reduced),
            [
                "local.a -> local.b",
                "local.a -> local.d",
                "local.b -> local.c",
                "local.d -> local.c"
            ]
        );
        assert!(g.cycle_edges().is_empty());
    }

    #[test]
    fn cycles_have_no_reduction_and_their_edges_are_found() {
        let mut g = Graph::default();
        let (a, b, c) = (local(&mut g, "a"), local(&mut g, "b"), local(&mut g, "c"));
        g.depend(a, b);
        g.depend(b, a);
        g.depend(b, c);
        assert!(g.reduced_edges().is_none());
        assert_eq!(
            names(&g, &g.cycle_edges()),
            ["local.a -> local.b", "local.b -> local.a"]
        );
    }
}
