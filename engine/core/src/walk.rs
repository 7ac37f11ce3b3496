//! The graph walk.
//!
//! Concurrency model: a node starts once every node it depends on has finished. The driver (this
//! function) owns all walk state; it asks the executor to `start` a node, which either finishes at
//! once (evaluating a local is cheap) or returns a future that runs on the tokio runtime beside the
//! others. Provider calls inside those futures take permits from a semaphore (the `-parallelism`
//! limit, default 10). When a node's future completes, the driver hands its output back to the
//! executor, which merges it into the walk state. A node that fails marks everything that depends on
//! it as skipped: those never run, while independent nodes carry on.

use crate::graph::{Graph, Node};
use petgraph::graph::NodeIndex;
use std::future::Future;
use std::pin::Pin;
use tokio::task::JoinSet;

/// How a node's work is done.
pub enum Task<T> {
    /// Finished during `start`.
    Done(T),
    /// Runs in the background.
    Spawn(Pin<Box<dyn Future<Output = T> + Send + 'static>>),
}

/// Runs nodes and merges their results; the driver calls it from one task only.
pub trait Executor {
    /// The result of one node.
    type Output: Send + 'static;

    /// Starts a node whose dependencies have all succeeded.
    fn start(&mut self, node: &Node) -> Task<Self::Output>;

    /// Merges a node's result; returns whether the node succeeded.
    fn finish(&mut self, node: &Node, out: Self::Output) -> bool;

    /// Called for a node that will not run because a dependency failed.
    fn skipped(&mut self, _node: &Node) {}

    /// Whether to stop starting new nodes (an interrupt was received).
    fn stopping(&self) -> bool {
        false
    }
}

/// Walks the graph, running each node after its dependencies.
pub async fn walk<E: Executor>(graph: &Graph, exec: &mut E) {
    let n = graph.len();
    let mut pending: Vec<usize> = vec![0; n];
    let mut blocked: Vec<bool> = vec![false; n];
    let mut ready: Vec<NodeIndex> = Vec::new();
    for i in graph.indices() {
        pending[i.index()] = graph.dependencies(i).count();
        if pending[i.index()] == 0 {
            ready.push(i);
        }
    }
    // Deterministic order for nodes that are ready together (nodes are unique: no ties).
    ready.sort_unstable_by(|a, b| graph.node(*b).cmp(graph.node(*a)));
    let mut running: JoinSet<(NodeIndex, E::Output)> = JoinSet::new();
    loop {
        while let Some(i) = ready.pop() {
            let node = graph.node(i);
            if blocked[i.index()] || exec.stopping() {
                exec.skipped(node);
                release(graph, i, false, &mut pending, &mut blocked, &mut ready);
                continue;
            }
            match exec.start(node) {
                Task::Done(out) => {
                    let ok = exec.finish(node, out);
                    release(graph, i, ok, &mut pending, &mut blocked, &mut ready);
                }
                Task::Spawn(fut) => {
                    running.spawn(async move { (i, fut.await) });
                }
            }
        }
        let Some(joined) = running.join_next().await else {
            break;
        };
        let (i, out) = match joined {
            Ok(r) => r,
            Err(e) => panic!("a graph walk task failed: {e}"),
        };
        let ok = exec.finish(graph.node(i), out);
        release(graph, i, ok, &mut pending, &mut blocked, &mut ready);
    }
}

fn release(
    graph: &Graph,
    i: NodeIndex,
    ok: bool,
    pending: &mut [usize],
    blocked: &mut [bool],
    ready: &mut Vec<NodeIndex>,
) {
    for d in graph.dependents(i) {
        if !ok {
            blocked[d.index()] = true;
        }
        pending[d.index()] -= 1;
        if pending[d.index()] == 0 {
            ready.push(d);
        }
    }
}
