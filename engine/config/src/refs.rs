//! References: what a traversal such as `null_resource.a[0].id` or `module.net.vpc_id` points at.

use crate::ast::{Traversal, TraversalStep};
use terrane_addrs::{InstanceKey, Resource, ResourceMode};
use terrane_diagnostics::{Diagnostic, SourceRange};
use terrane_values::Kind;

/// What a reference points at.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RefSubject {
    /// `var.NAME`
    Variable(String),
    /// `local.NAME`
    Local(String),
    /// `module.NAME` (every instance) or `module.NAME[key]`.
    ModuleCall(String, Option<InstanceKey>),
    /// `module.NAME.OUTPUT` or `module.NAME[key].OUTPUT`.
    ModuleOutput(String, Option<InstanceKey>, String),
    /// `TYPE.NAME` or `data.TYPE.NAME`: every instance.
    Resource(Resource),
    /// `TYPE.NAME[key]`.
    ResourceInstance(Resource, InstanceKey),
    /// `count.index`
    CountIndex,
    /// `each.key`
    EachKey,
    /// `each.value`
    EachValue,
    /// `path.module`
    PathModule,
    /// `path.root`
    PathRoot,
    /// `path.cwd`
    PathCwd,
    /// `terraform.workspace`
    TerraformWorkspace,
    /// `self`
    SelfRef,
}

/// A parsed reference with the steps that follow the referenced object (borrowed from the traversal:
/// most callers want only the subject, and every expression's references are parsed several times).
#[derive(Clone, Debug)]
pub struct Reference<'a> {
    /// What is referenced.
    pub subject: RefSubject,
    /// The range of the referencing part of the traversal.
    pub range: SourceRange,
    /// Further attribute and index steps into the referenced value.
    pub remaining: &'a [TraversalStep],
}

fn invalid(range: &SourceRange, detail: impl Into<String>) -> Diagnostic {
    Diagnostic::error("Invalid reference", detail).with_subject(range.clone())
}

fn key_of(step: Option<&TraversalStep>) -> Option<InstanceKey> {
    match step {
        Some(TraversalStep::Index(v, _)) => match v.kind() {
            Kind::Number(n) => n.to_i64().map(InstanceKey::Int),
            Kind::String(s) => Some(InstanceKey::Str(s.to_string())),
            _ => None,
        },
        _ => None,
    }
}

/// Parses the reference a traversal makes. Names bound locally (for-expression variables, dynamic block
/// iterators) must be filtered out by the caller first.
pub fn parse_ref(t: &Traversal) -> Result<Reference<'_>, Diagnostic> {
    let (subject, n) = subject_of(t)?;
    Ok(Reference {
        subject,
        range: range_upto(t, n),
        remaining: t.steps.get(n..).unwrap_or_default(),
    })
}

/// The subject of the reference a traversal makes, when it makes a valid one: [`parse_ref`] without
/// the range and the remaining steps (graph building and evaluation want only the subjects).
pub fn ref_subject(t: &Traversal) -> Option<RefSubject> {
    subject_of(t).ok().map(|(subject, _)| subject)
}

/// The range of a traversal's root and its first `n` steps.
fn range_upto(t: &Traversal, n: usize) -> SourceRange {
    match t.steps.get(n.saturating_sub(1)) {
        Some(s) if n > 0 => t.root_range.to(s.range()),
        _ => t.root_range.clone(),
    }
}

/// A reference's subject and how many steps of the traversal it takes.
fn subject_of(t: &Traversal) -> Result<(RefSubject, usize), Diagnostic> {
    let steps = &t.steps;
    let attr = |i: usize| t.attr(i).map(str::to_string);
    let upto = |n: usize| range_upto(t, n);
    let simple = |subject: RefSubject| Ok((subject, 1));
    match t.root.as_str() {
        "var" => match attr(0) {
            Some(n) => simple(RefSubject::Variable(n)),
            None => Err(invalid(
                &t.root_range,
                "The \"var\" object does not support this operation; an input variable name is required, like var.name.",
            )),
        },
        "local" => match attr(0) {
            Some(n) => simple(RefSubject::Local(n)),
            None => Err(invalid(
                &t.root_range,
                "The \"local\" object cannot be accessed directly. Instead, access one of its attributes.",
            )),
        },
        "count" => match attr(0).as_deref() {
            Some("index") => simple(RefSubject::CountIndex),
            _ => Err(invalid(
                &upto(1),
                "The \"count\" object does not have an attribute named that; the only supported attribute is count.index.",
            )),
        },
        "each" => match attr(0).as_deref() {
            Some("key") => simple(RefSubject::EachKey),
            Some("value") => simple(RefSubject::EachValue),
            _ => Err(invalid(
                &upto(1),
                "The \"each\" object does not have an attribute named that. The supported attributes are each.key and each.value.",
            )),
        },
        "path" => match attr(0).as_deref() {
            Some("module") => simple(RefSubject::PathModule),
            Some("root") => simple(RefSubject::PathRoot),
            Some("cwd") => simple(RefSubject::PathCwd),
            _ => Err(invalid(
                &upto(1),
                "The \"path\" object does not have an attribute named that. The supported attributes are path.cwd, path.module and path.root.",
            )),
        },
        "terraform" => match attr(0).as_deref() {
            Some("workspace") => simple(RefSubject::TerraformWorkspace),
            _ => Err(invalid(
                &upto(1),
                "The \"terraform\" object does not have an attribute named that. The only supported attribute is terraform.workspace.",
            )),
        },
        "self" => Ok((RefSubject::SelfRef, 0)),
        "module" => {
            let Some(name) = attr(0) else {
                return Err(invalid(
                    &t.root_range,
                    "The \"module\" object cannot be accessed directly. Instead, access one of its attributes.",
                ));
            };
            let (key, n) = match key_of(steps.get(1)) {
                Some(k) => (Some(k), 2),
                None => (None, 1),
            };
            match attr(n) {
                Some(out) => Ok((RefSubject::ModuleOutput(name, key, out), n + 1)),
                None => Ok((RefSubject::ModuleCall(name, key), n)),
            }
        }
        "data" => {
            let (Some(ty), Some(name)) = (attr(0), attr(1)) else {
                return Err(invalid(
                    &upto(2),
                    "The \"data\" object must be followed by two attribute names: the data source type and the resource name.",
                ));
            };
            resource_ref(
                Resource {
                    mode: ResourceMode::Data,
                    ty,
                    name,
                },
                steps,
                2,
            )
        }
        ty => {
            let Some(name) = attr(0) else {
                return Err(invalid(
                    &t.root_range,
                    "A reference to a resource type must be followed by at least one attribute access, specifying the resource name.",
                ));
            };
            resource_ref(
                Resource {
                    mode: ResourceMode::Managed,
                    ty: ty.to_string(),
                    name,
                },
                steps,
                1,
            )
        }
    }
}

fn resource_ref(
    resource: Resource,
    steps: &[TraversalStep],
    n: usize,
) -> Result<(RefSubject, usize), Diagnostic> {
    match key_of(steps.get(n)) {
        Some(k) => Ok((RefSubject::ResourceInstance(resource, k), n + 1)),
        None => Ok((RefSubject::Resource(resource), n)),
    }
}
