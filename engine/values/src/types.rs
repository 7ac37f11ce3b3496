//! Terraform's types: primitives, collections (list, set, map), structural types (object, tuple), and
//! the dynamic pseudo-type `any`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

/// A Terraform type, or the type constraint `any` ([`Type::Dynamic`]).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    /// `any`: not yet known, or any type.
    Dynamic,
    /// `bool`.
    Bool,
    /// `number`.
    Number,
    /// `string`.
    String,
    /// `list(T)`.
    List(Arc<Type>),
    /// `set(T)`.
    Set(Arc<Type>),
    /// `map(T)`.
    Map(Arc<Type>),
    /// `object({...})`.
    Object(Arc<ObjectType>),
    /// `tuple([...])`.
    Tuple(Arc<Vec<Type>>),
}

/// The attributes of an object type; in a type constraint, some may be `optional`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ObjectType {
    /// Attribute names and their types, in lexical order.
    pub attrs: BTreeMap<String, Type>,
    /// Attributes that may be absent when converting to this type (constraints only).
    pub optional: BTreeSet<String>,
}

impl Type {
    /// `list(elem)`.
    pub fn list(elem: Type) -> Type {
        Type::List(Arc::new(elem))
    }

    /// `set(elem)`.
    pub fn set(elem: Type) -> Type {
        Type::Set(Arc::new(elem))
    }

    /// `map(elem)`.
    pub fn map(elem: Type) -> Type {
        Type::Map(Arc::new(elem))
    }

    /// `object({...})` with every attribute required.
    pub fn object(attrs: impl IntoIterator<Item = (String, Type)>) -> Type {
        Type::Object(Arc::new(ObjectType {
            attrs: attrs.into_iter().collect(),
            optional: BTreeSet::new(),
        }))
    }

    /// `object({...})` with the given optional attributes.
    pub fn object_with_optional(attrs: BTreeMap<String, Type>, optional: BTreeSet<String>) -> Type {
        Type::Object(Arc::new(ObjectType { attrs, optional }))
    }

    /// `object({})`.
    pub fn empty_object() -> Type {
        Type::Object(Arc::new(ObjectType::default()))
    }

    /// `tuple([...])`.
    pub fn tuple(elems: Vec<Type>) -> Type {
        Type::Tuple(Arc::new(elems))
    }

    /// `tuple([])`.
    pub fn empty_tuple() -> Type {
        Type::Tuple(Arc::new(Vec::new()))
    }

    /// Whether this is bool, number or string.
    pub fn is_primitive(&self) -> bool {
        matches!(self, Type::Bool | Type::Number | Type::String)
    }

    /// Whether this is a list, set or map.
    pub fn is_collection(&self) -> bool {
        matches!(self, Type::List(_) | Type::Set(_) | Type::Map(_))
    }

    /// The element type of a list, set or map.
    pub fn element_type(&self) -> Option<&Type> {
        match self {
            Type::List(e) | Type::Set(e) | Type::Map(e) => Some(e),
            _ => None,
        }
    }

    /// Whether this type is or contains `any` (so it is a constraint, not a concrete type).
    pub fn has_dynamic(&self) -> bool {
        match self {
            Type::Dynamic => true,
            Type::Bool | Type::Number | Type::String => false,
            Type::List(e) | Type::Set(e) | Type::Map(e) => e.has_dynamic(),
            Type::Object(o) => o.attrs.values().any(Type::has_dynamic),
            Type::Tuple(t) => t.iter().any(Type::has_dynamic),
        }
    }

    /// The object's attribute types.
    pub fn attribute_types(&self) -> Option<&BTreeMap<String, Type>> {
        match self {
            Type::Object(o) => Some(&o.attrs),
            _ => None,
        }
    }

    /// A short name for messages: `string`, `list of string`, `object`.
    pub fn friendly_name(&self) -> String {
        match self {
            Type::Dynamic => "dynamic".into(),
            Type::Bool => "bool".into(),
            Type::Number => "number".into(),
            Type::String => "string".into(),
            Type::List(e) => format!("list of {}", e.friendly_name()),
            Type::Set(e) => format!("set of {}", e.friendly_name()),
            Type::Map(e) => format!("map of {}", e.friendly_name()),
            Type::Object(_) => "object".into(),
            Type::Tuple(_) => "tuple".into(),
        }
    }

    /// The name used in "... required" messages, as cty words type constraints: `list of any single
    /// type`, `map of string`.
    pub fn friendly_name_for_constraint(&self) -> String {
        match self {
            Type::Dynamic => "any type".into(),
            Type::List(e) => format!("list of {}", e.constraint_element_name()),
            Type::Set(e) => format!("set of {}", e.constraint_element_name()),
            Type::Map(e) => format!("map of {}", e.constraint_element_name()),
            _ => self.friendly_name(),
        }
    }

    fn constraint_element_name(&self) -> String {
        match self {
            Type::Dynamic => "any single type".into(),
            other => other.friendly_name_for_constraint(),
        }
    }
}

impl fmt::Display for Type {
    /// The type in Terraform's constraint syntax: `list(object({a=string}))`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Dynamic => f.write_str("any"),
            Type::Bool => f.write_str("bool"),
            Type::Number => f.write_str("number"),
            Type::String => f.write_str("string"),
            Type::List(e) => write!(f, "list({e})"),
            Type::Set(e) => write!(f, "set({e})"),
            Type::Map(e) => write!(f, "map({e})"),
            Type::Object(o) => {
                f.write_str("object({")?;
                for (i, (k, t)) in o.attrs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    if o.optional.contains(k) {
                        write!(f, "{k}=optional({t})")?;
                    } else {
                        write!(f, "{k}={t}")?;
                    }
                }
                f.write_str("})")
            }
            Type::Tuple(t) => {
                f.write_str("tuple([")?;
                for (i, e) in t.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{e}")?;
                }
                f.write_str("])")
            }
        }
    }
}

impl fmt::Debug for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
