//! Evaluation of the Terraform language: expressions, templates, resource bodies decoded against a
//! schema (with `dynamic` blocks), and the built-in functions.
//!
//! Evaluation is pure: it reads an [`EvalContext`] of named values and calls [`functions`], and returns
//! a value together with diagnostics. It never reads state or calls providers; the engine resolves
//! references first and puts their values into the context.
#![deny(missing_docs)]

mod context;
pub mod decode;
mod eval;
pub mod functions;
mod ops;
mod traverse;

pub use context::{EvalContext, Names};
pub use eval::{evaluate, evaluate_to_type};
pub use functions::Functions;
pub use traverse::{get_attr, index};

#[cfg(test)]
mod tests;
