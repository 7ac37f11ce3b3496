//! The state: what terrane manages, as last recorded.
//!
//! [`State`] holds root outputs and, per resource, its instances' objects (attributes as JSON, exactly
//! as the provider's schema shapes them, plus sensitive paths, private data and dependencies). It
//! converts to and from backend [`Snapshot`](terrane_state_api::Snapshot) entries, one per instance and
//! output ([`entries`]), and to and from Terraform's state v4 JSON ([`v4`]).
#![deny(missing_docs)]

mod codec;
pub mod diff;
mod edit;
pub mod entries;
mod model;
pub mod v4;

pub use codec::V4Codec;
pub use edit::EditError;

pub use model::{
    EachMode, InstanceState, Intent, ObjectState, ObjectStatus, OutputState, ResourceState, State,
};

/// Errors reading state data.
#[derive(Debug, thiserror::Error)]
pub enum StateFormatError {
    /// The JSON is malformed or has the wrong shape.
    #[error("invalid state data: {0}")]
    Invalid(String),
    /// The format version is not one this terrane reads.
    #[error(
        "unsupported state format version {0}; this terrane reads Terraform's state format version 4 (a state written by a newer tool needs a newer terrane)"
    )]
    UnsupportedVersion(u64),
}
