//! Plans: the changes terrane proposes, as data.
//!
//! A [`Plan`] lists a [`ResourceChange`] per resource instance (with an [`Action`], the values before
//! and after, which attributes force replacement and why), the changes of root outputs, the changes
//! found outside terrane during refresh, and the state the plan was made against. [`file`] saves and
//! loads plans (`plan -out`), [`diff`] finds the attributes a change touches, [`json`] renders Terraform's machine-readable format (`show -json`,
//! format version 1.2).
#![deny(missing_docs)]

mod action;
pub mod diff;
pub mod file;
pub mod json;
mod model;
pub mod values;

pub use action::{Action, ActionReason};
pub use model::{OutputChange, Plan, PlanMode, ResourceChange};
