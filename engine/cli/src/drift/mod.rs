//! Drift reports: what a refresh-only check of one or more stacks found, as one JSON document with a
//! versioned schema (`docs/drift-report.md`), and its renderings as text, markdown and JUnit XML.
//!
//! The JSON document is the report: a check of one stack builds it from the refresh-only plan, a
//! recursive check merges the documents of its stacks, and every other format renders it, so every
//! format says the same.

pub mod junit;
pub mod managed;
pub mod markdown;
pub mod report;
pub mod stacks;
pub mod text;
pub mod unmanaged;
