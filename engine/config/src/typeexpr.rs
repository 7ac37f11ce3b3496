//! Type constraint expressions: `string`, `list(object({ name = string, port = optional(number, 80) }))`.

use crate::ast::{Expr, ExprKind, ObjectKey};
use std::collections::{BTreeMap, BTreeSet};
use terrane_diagnostics::Diagnostic;
use terrane_values::Type;

/// A type constraint with the defaults of its `optional(type, default)` attributes.
#[derive(Clone, Debug)]
pub struct TypeSpec {
    /// The type (with optional attributes marked on object types).
    pub ty: Type,
    /// Default values of optional attributes, if any were given.
    pub defaults: Option<TypeDefaults>,
}

/// Defaults for an object type's optional attributes, and for the types nested inside it.
#[derive(Clone, Debug, Default)]
pub struct TypeDefaults {
    /// Default expressions of this object's optional attributes.
    pub attrs: BTreeMap<String, Expr>,
    /// Defaults of nested types: by attribute name for objects, or `"*"` for the element of a
    /// collection, or the index for a tuple.
    pub children: BTreeMap<String, TypeDefaults>,
}

impl TypeDefaults {
    fn is_empty(&self) -> bool {
        self.attrs.is_empty() && self.children.is_empty()
    }
}

/// Parses a type constraint expression.
pub fn type_constraint(expr: &Expr) -> Result<TypeSpec, Diagnostic> {
    let (ty, defaults) = parse(expr.unwrap_parens(), false)?;
    Ok(TypeSpec {
        ty,
        defaults: defaults.filter(|d| !d.is_empty()),
    })
}

fn invalid(expr: &Expr, detail: impl Into<String>) -> Diagnostic {
    Diagnostic::error("Invalid type specification", detail).with_subject(expr.range.clone())
}

fn parse(expr: &Expr, in_object: bool) -> Result<(Type, Option<TypeDefaults>), Diagnostic> {
    let expr = expr.unwrap_parens();
    if let Some(kw) = expr.as_keyword() {
        return match kw {
            "string" => Ok((Type::String, None)),
            "number" => Ok((Type::Number, None)),
            "bool" => Ok((Type::Bool, None)),
            "any" => Ok((Type::Dynamic, None)),
            "list" => Ok((Type::list(Type::Dynamic), None)),
            "map" => Ok((Type::map(Type::Dynamic), None)),
            "set" | "tuple" | "object" => Err(invalid(
                expr,
                format!(
                    "The {kw} type constructor requires one argument specifying the element type."
                ),
            )),
            other => Err(invalid(
                expr,
                format!("The keyword {other:?} is not a valid type specification."),
            )),
        };
    }
    if let ExprKind::Literal(v) = &expr.kind {
        if let Some(s) = v.as_str() {
            return Err(Diagnostic::error(
                "Invalid quoted type constraints",
                format!(
                    "Terraform 0.11 and earlier required type constraints to be given in quotes, but that form is now deprecated and will be removed in a future version of Terraform. Remove the quotes around {s:?}."
                ),
            )
            .with_subject(expr.range.clone()));
        }
    }
    let ExprKind::Call(call) = &expr.kind else {
        return Err(invalid(
            expr,
            "A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string).",
        ));
    };
    let one_arg = |name: &str| -> Result<&Expr, Diagnostic> {
        if call.args.len() != 1 {
            return Err(invalid(
                expr,
                format!(
                    "The {name} type constructor requires one argument specifying the element type."
                ),
            ));
        }
        Ok(&call.args[0])
    };
    match call.name.as_str() {
        "list" | "set" | "map" => {
            let (elem, d) = parse(one_arg(&call.name)?, false)?;
            let ty = match call.name.as_str() {
                "list" => Type::list(elem),
                "set" => Type::set(elem),
                _ => Type::map(elem),
            };
            Ok((ty, child("*", d)))
        }
        "tuple" => {
            let arg = one_arg("tuple")?;
            let Some(items) = arg.as_tuple() else {
                return Err(invalid(
                    arg,
                    "The tuple type constructor requires a list of element types.",
                ));
            };
            let mut tys = Vec::new();
            let mut defaults = TypeDefaults::default();
            for (i, item) in items.iter().enumerate() {
                let (t, d) = parse(item, false)?;
                tys.push(t);
                if let Some(d) = d {
                    defaults.children.insert(i.to_string(), d);
                }
            }
            Ok((Type::tuple(tys), Some(defaults)))
        }
        "object" => {
            let arg = one_arg("object")?;
            let ExprKind::Object(items) = &arg.unwrap_parens().kind else {
                return Err(invalid(
                    arg,
                    "The object type constructor requires an object of attribute types.",
                ));
            };
            let mut attrs = BTreeMap::new();
            let mut optional = BTreeSet::new();
            let mut defaults = TypeDefaults::default();
            for (k, v) in items {
                let name = match k {
                    ObjectKey::Name(n, _) => n.clone(),
                    ObjectKey::Expr(e) => match e
                        .as_static_string()
                        .or_else(|| e.as_keyword().map(str::to_string))
                    {
                        Some(s) => s,
                        None => {
                            return Err(invalid(
                                e,
                                "Object constructor map keys must be attribute names.",
                            ));
                        }
                    },
                };
                let v = v.unwrap_parens();
                let (t, d) = match &v.kind {
                    ExprKind::Call(c) if c.name == "optional" => {
                        if c.args.is_empty() || c.args.len() > 2 {
                            return Err(invalid(
                                v,
                                "Optional attribute modifier requires the attribute type and an optional default value.",
                            ));
                        }
                        optional.insert(name.clone());
                        if let Some(default) = c.args.get(1) {
                            defaults.attrs.insert(name.clone(), default.clone());
                        }
                        parse(&c.args[0], true)?
                    }
                    _ => parse(v, true)?,
                };
                if let Some(d) = d {
                    defaults.children.insert(name.clone(), d);
                }
                attrs.insert(name, t);
            }
            Ok((Type::object_with_optional(attrs, optional), Some(defaults)))
        }
        "optional" => {
            let _ = in_object;
            Err(invalid(
                expr,
                "Keyword \"optional\" is valid only as a modifier for object type attributes.",
            ))
        }
        other => Err(invalid(
            expr,
            format!("Keyword {other:?} is not a valid type constructor."),
        )),
    }
}

fn child(key: &str, d: Option<TypeDefaults>) -> Option<TypeDefaults> {
    let d = d?;
    let mut out = TypeDefaults::default();
    out.children.insert(key.to_string(), d);
    Some(out)
}
