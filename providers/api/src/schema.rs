//! Schemas: the attributes and nested blocks of a resource, data source or provider configuration.

use std::collections::BTreeMap;
use terrane_values::Type;

/// A versioned block schema.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    /// The schema version, recorded in state with each object.
    pub version: i64,
    /// The top-level block.
    pub block: Block,
}

/// The contents of a block: attributes and nested block types.
#[derive(Clone, Debug, Default)]
pub struct Block {
    /// Attributes by name.
    pub attributes: BTreeMap<String, Attribute>,
    /// Nested block types by name.
    pub block_types: BTreeMap<String, NestedBlock>,
    /// Documentation.
    pub description: String,
}

/// One attribute of a block.
#[derive(Clone, Debug)]
pub struct Attribute {
    /// The attribute's type.
    pub ty: Type,
    /// Configuration must set it.
    pub required: bool,
    /// Configuration may set it.
    pub optional: bool,
    /// The provider decides its value (when not configured, for optional+computed).
    pub computed: bool,
    /// Its value is never shown.
    pub sensitive: bool,
    /// A change forces replacement (used by providers built on the SDK helpers; not in the protocol).
    pub force_new: bool,
    /// Still accepted but on its way out: generated configuration leaves it out.
    pub deprecated: bool,
    /// Documentation.
    pub description: String,
}

impl Attribute {
    fn base(ty: Type) -> Attribute {
        Attribute {
            ty,
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            force_new: false,
            deprecated: false,
            description: String::new(),
        }
    }

    /// A required attribute.
    pub fn required(ty: Type) -> Attribute {
        Attribute {
            required: true,
            ..Attribute::base(ty)
        }
    }

    /// An optional attribute.
    pub fn optional(ty: Type) -> Attribute {
        Attribute {
            optional: true,
            ..Attribute::base(ty)
        }
    }

    /// A computed attribute the configuration cannot set.
    pub fn computed(ty: Type) -> Attribute {
        Attribute {
            computed: true,
            ..Attribute::base(ty)
        }
    }

    /// An optional attribute the provider fills in when it is not set.
    pub fn optional_computed(ty: Type) -> Attribute {
        Attribute {
            optional: true,
            computed: true,
            ..Attribute::base(ty)
        }
    }

    /// Marks the attribute as forcing replacement when it changes.
    pub fn force_new(mut self) -> Attribute {
        self.force_new = true;
        self
    }

    /// Marks the attribute deprecated.
    pub fn deprecated(mut self) -> Attribute {
        self.deprecated = true;
        self
    }

    /// Marks the attribute sensitive.
    pub fn sensitive(mut self) -> Attribute {
        self.sensitive = true;
        self
    }

    /// Sets the description.
    pub fn describe(mut self, text: &str) -> Attribute {
        self.description = text.to_string();
        self
    }
}

/// How instances of a nested block type are collected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    /// At most one block; null when absent.
    Single,
    /// Exactly one block; an object of nulls when absent.
    Group,
    /// A list of blocks.
    List,
    /// A set of blocks.
    Set,
    /// A map of blocks keyed by their one label.
    Map,
}

/// A nested block type.
#[derive(Clone, Debug)]
pub struct NestedBlock {
    /// How the blocks are collected.
    pub nesting: Nesting,
    /// The blocks' own schema.
    pub block: Block,
    /// The minimum number of blocks (list and set).
    pub min_items: usize,
    /// The maximum number of blocks, 0 for no limit.
    pub max_items: usize,
}

impl Block {
    /// The object type of values of this block.
    pub fn implied_type(&self) -> Type {
        let mut attrs: BTreeMap<String, Type> = self
            .attributes
            .iter()
            .map(|(k, a)| (k.clone(), a.ty.clone()))
            .collect();
        for (k, nb) in &self.block_types {
            let inner = nb.block.implied_type();
            let t = match nb.nesting {
                Nesting::Single | Nesting::Group => inner,
                Nesting::List => Type::list(inner),
                Nesting::Set => Type::set(inner),
                Nesting::Map => Type::map(inner),
            };
            attrs.insert(k.clone(), t);
        }
        Type::object(attrs)
    }

    /// Builder: adds an attribute.
    pub fn attr(mut self, name: &str, a: Attribute) -> Block {
        self.attributes.insert(name.to_string(), a);
        self
    }

    /// Builder: adds a nested block type.
    pub fn nested(mut self, name: &str, nesting: Nesting, block: Block) -> Block {
        self.block_types.insert(
            name.to_string(),
            NestedBlock {
                nesting,
                block,
                min_items: 0,
                max_items: 0,
            },
        );
        self
    }

    /// The paths of every sensitive attribute, for marking values read from providers.
    pub fn sensitive_paths(&self) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        for (k, a) in &self.attributes {
            if a.sensitive {
                out.push(vec![k.clone()]);
            }
        }
        out
    }
}
