//! Configuration loading: every `.tf` and `.tf.json` file of a directory, and the module tree below it.
//!
//! Files are parsed (native syntax by a recursive-descent parser, JSON by a small one) into [`body::Body`] values
//! whose expressions ([`ast::Expr`]) keep their source ranges. The [`module`] layer gives the bodies
//! their meaning (variables, resources, outputs ...), [`loader`] builds the module tree from local
//! sources, and [`validate`] checks references statically. Every problem found is reported, not only
//! the first, as diagnostics with file, line and column.
#![deny(missing_docs)]

pub mod ast;
pub mod body;
pub mod fmt;
pub mod loader;
pub mod module;
mod overrides;
pub mod refs;
pub mod sources;
pub mod syntax;
pub mod typeexpr;
pub mod validate;

pub use loader::{Config, ModuleNode, load_config};
pub use module::Module;
