//! The engine: it turns configuration and state into a plan, and a plan into changes applied through
//! providers, walking a dependency graph.
//!
//! The core performs no I/O of its own: it reads the real world only through
//! [`Provider`](terrane_provider_api::Provider)s and writes state only through the
//! [`StateSink`](apply::StateSink) it is given. It never depends on a concrete provider or backend;
//! the CLI supplies them.
#![deny(missing_docs)]

pub mod apply;
mod common;
mod console;
mod eval_state;
pub mod events;
mod expand;
pub mod graph;
mod moves;
mod objects;
pub mod plan;
mod providers;
mod refs;
mod scope;
mod stop;
pub mod variables;
mod walk;

pub use apply::{ApplyOptions, StateSink, StateUpdate, apply};
pub use common::Context;
pub use console::{Evaluator, evaluator};
pub use events::{Event, Observer, Operation, Silent};
pub use graph::{Graph, GraphInputs, Node, build_plan_graph};
pub use plan::{PlanOptions, plan, validate};
pub use providers::{ProviderFactory, Schemas, resolve_provider};
pub use scope::RunInfo;
pub use stop::Stop;
pub use variables::RawInput;
