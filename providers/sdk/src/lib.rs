//! Building blocks for providers written in Rust.
//!
//! A provider built on this crate describes each resource type with a schema (attributes marked
//! `computed`, `force_new`, `sensitive`) and implements only create, read, update and delete in a
//! [`ResourceType`]. [`SdkProvider`] turns that into the full [`Provider`](terrane_provider_api::Provider)
//! interface, and [`plan::plan_change`] does what Terraform's plugin SDK does when planning: computed
//! attributes the configuration leaves unset are unknown on create, a change to a `force_new` attribute
//! requires replacement (and makes the computed attributes unknown again), and everything else carries
//! over from the prior state.
#![deny(missing_docs)]

pub mod plan;
mod provider;

pub use provider::{DataSourceType, ResourceType, SdkProvider};

use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_values::Value;

/// An error diagnostic as a one-element collection.
pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Diagnostics {
    Diagnostics::from(Diagnostic::error(summary, detail))
}

/// An attribute of a known object value, or null.
pub fn attr<'a>(obj: &'a Value, name: &str) -> Option<&'a Value> {
    obj.get_attr(name).filter(|v| !v.is_null())
}

/// A string attribute.
pub fn attr_str<'a>(obj: &'a Value, name: &str) -> Option<&'a str> {
    attr(obj, name).and_then(Value::as_str)
}

/// Replaces one attribute of an object value.
pub fn with_attr(obj: &Value, name: &str, v: Value) -> Value {
    let mut m = obj.as_map().cloned().unwrap_or_default();
    m.insert(name.to_string(), v);
    Value::object(m)
}
