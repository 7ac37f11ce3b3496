//! Terraform's type system and values.
//!
//! A [`Value`] is what an expression evaluates to: null, a bool, an exact [`Number`], a string, a list,
//! set, map, object or tuple, or a value that is not known until apply. Every value carries [`Marks`]
//! (sensitive, ephemeral) that operations propagate. [`convert`] and [`unify`] reproduce Terraform's
//! implicit conversions, and [`json`] its JSON encodings of values and types.
//!
//! This crate is a leaf: it knows nothing of configuration, providers or state.
#![deny(missing_docs)]

pub mod convert;
pub mod display;
pub mod json;
mod marks;
pub mod number;
mod path;
pub mod set;
mod types;
mod unify;
mod value;

pub use convert::{ConvertError, convert};
pub use marks::Marks;
pub use number::Number;
pub use path::{Path, PathStep};
pub use types::{ObjectType, Type};
pub use unify::unify;
pub use value::{Kind, Value};

#[cfg(test)]
mod tests;
