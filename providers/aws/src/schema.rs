//! Shorthands for writing schemas: the attribute kinds of terraform-provider-aws.

use terrane_provider_api::schema::Attribute;
use terrane_values::Type;

/// A required string.
pub fn req_str() -> Attribute {
    Attribute::required(Type::String)
}

/// An optional string.
pub fn opt_str() -> Attribute {
    Attribute::optional(Type::String)
}

/// An optional string AWS fills in when unset.
pub fn optc_str() -> Attribute {
    Attribute::optional_computed(Type::String)
}

/// A computed string.
pub fn comp_str() -> Attribute {
    Attribute::computed(Type::String)
}

/// An optional bool.
pub fn opt_bool() -> Attribute {
    Attribute::optional(Type::Bool)
}

/// An optional bool AWS fills in when unset.
pub fn optc_bool() -> Attribute {
    Attribute::optional_computed(Type::Bool)
}

/// An optional number.
pub fn opt_num() -> Attribute {
    Attribute::optional(Type::Number)
}

/// An optional number AWS fills in when unset.
pub fn optc_num() -> Attribute {
    Attribute::optional_computed(Type::Number)
}

/// A computed number.
pub fn comp_num() -> Attribute {
    Attribute::computed(Type::Number)
}

/// A set of strings.
pub fn str_set() -> Type {
    Type::set(Type::String)
}

/// A list of strings.
pub fn str_list() -> Type {
    Type::list(Type::String)
}

/// A map of strings.
pub fn str_map() -> Type {
    Type::map(Type::String)
}
