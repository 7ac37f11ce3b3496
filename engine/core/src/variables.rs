//! Input variables: values given to the root module (`-var`, `-var-file`, `*.tfvars`, `TF_VAR_*`),
//! converted to each variable's type with defaults, nullability and validation rules applied.

use terrane_config::module::Variable;
use terrane_config::typeexpr::TypeDefaults;
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceRange};
use terrane_lang::{EvalContext, Functions, evaluate};
use terrane_values::{Kind, Type, Value, convert};

/// A value given for a root module variable.
#[derive(Clone, Debug)]
pub enum RawInput {
    /// Text from `-var` or an environment variable: a string for untyped and `string` variables,
    /// otherwise parsed as an expression.
    Text {
        /// The text.
        text: String,
        /// Where it came from, for messages (`-var`, `TF_VAR_x`).
        source: String,
    },
    /// A value from a `.tfvars` or `.tfvars.json` file, already evaluated.
    Value {
        /// The value.
        value: Value,
        /// Where it was written.
        range: Option<SourceRange>,
    },
}

/// The final value of a variable from its raw input (or default), checked against its declaration.
/// `for_root` says whether a missing value is the user's to give (root) or a module argument.
pub fn finalize(
    var: &Variable,
    raw: Option<Value>,
    raw_range: Option<&SourceRange>,
    functions: &Functions,
) -> Result<Value, Diagnostics> {
    let ty = var
        .type_spec
        .as_ref()
        .map_or(Type::Dynamic, |t| t.ty.clone());
    let subject = raw_range.cloned().unwrap_or_else(|| var.range.clone());
    let mut value = match raw {
        Some(v) => v,
        None => match &var.default {
            Some(d) => {
                let ctx = EvalContext::new(functions);
                let (v, diags) = evaluate(d, &ctx);
                if diags.has_errors() {
                    return Err(diags);
                }
                v
            }
            None => {
                return Err(Diagnostics::from(
                    Diagnostic::error(
                        "No value for required variable",
                        format!(
                            "The root module input variable {:?} is not set, and has no default value. Use a -var or -var-file command line argument to provide a value for this variable.",
                            var.name
                        ),
                    )
                    .with_subject(var.range.clone()),
                ));
            }
        },
    };
    if value.is_null() && !var.nullable {
        match &var.default {
            Some(d) if !matches!(d.as_literal(), Some(v) if v.is_null()) => {
                let ctx = EvalContext::new(functions);
                value = evaluate(d, &ctx).0;
            }
            _ => {
                return Err(Diagnostics::from(
                    Diagnostic::error("Required variable not set", format!("Unsuitable value for var.{} set: required variable may not be set to null.", var.name))
                        .with_subject(subject),
                ))
            }
        }
    }
    if let Some(defaults) = var.type_spec.as_ref().and_then(|t| t.defaults.as_ref()) {
        value = apply_defaults(&value, &ty, defaults, functions);
    }
    let value = convert(&value, &ty).map_err(|e| {
        Diagnostics::from(
            Diagnostic::error(
                "Invalid value for input variable",
                format!(
                    "The given value is not suitable for var.{} declared at {}: {}.",
                    var.name, var.range, e
                ),
            )
            .with_subject(subject.clone()),
        )
    })?;
    let value = if var.sensitive {
        value.sensitive()
    } else {
        value
    };
    // an ephemeral variable's value lives for this run only: never in a plan file or the state
    let value = if var.ephemeral {
        value.mark(terrane_values::Marks::EPHEMERAL)
    } else {
        value
    };
    check_validations(var, &value, functions, &subject)?;
    Ok(value)
}

/// Turns `-var`/environment text into a value: untyped and `string` variables take it literally.
pub fn parse_text(var: &Variable, text: &str, source: &str) -> Result<Value, Diagnostics> {
    if var.parses_as_literal() {
        return Ok(Value::string(text));
    }
    let expr = terrane_config::syntax::native::parse_expression(source, text).map_err(|d| {
        Diagnostics::from(Diagnostic::error(
            "Invalid value for input variable",
            format!(
                "The value given for var.{} in {source} is not a valid expression: {}",
                var.name, d.detail
            ),
        ))
    })?;
    let functions = Functions::new(".");
    let ctx = EvalContext::new(&functions);
    let (v, diags) = evaluate(&expr, &ctx);
    if diags.has_errors() {
        let mut out = Diagnostics::new();
        for d in diags {
            out.push(Diagnostic::error(
                "Invalid value for input variable",
                format!("Variables may not be used here: {}", d.detail),
            ));
        }
        return Err(out);
    }
    Ok(v)
}

fn check_validations(
    var: &Variable,
    value: &Value,
    functions: &Functions,
    subject: &SourceRange,
) -> Result<(), Diagnostics> {
    let mut diags = Diagnostics::new();
    for rule in &var.validations {
        let mut ctx = EvalContext::new(functions);
        ctx.set(
            "var",
            Value::object_from([(var.name.clone(), value.clone())]),
        );
        let (ok, d) = evaluate(&rule.condition, &ctx);
        if d.has_errors() {
            diags.extend(d);
            continue;
        }
        let (ok, _) = ok.unmark_deep();
        if !ok.is_known() {
            continue;
        }
        if ok.is_null()
            || convert(&ok, &Type::Bool)
                .ok()
                .and_then(|b| b.as_bool())
                .is_none()
        {
            diags.push(
                Diagnostic::error(
                    "Invalid variable validation result",
                    "The validation condition must return true or false.",
                )
                .with_subject(rule.condition.range.clone()),
            );
            continue;
        }
        if convert(&ok, &Type::Bool).ok().and_then(|b| b.as_bool()) == Some(false) {
            let (msg, _) = evaluate(&rule.error_message, &ctx);
            let msg = msg
                .unmark_deep()
                .0
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| "The value is invalid.".into());
            diags.push(
                Diagnostic::error(
                    "Invalid value for variable",
                    format!(
                        "{msg}\n\nThis was checked by the validation rule at {}.",
                        rule.range
                    ),
                )
                .with_subject(subject.clone()),
            );
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(())
    }
}

/// Fills in the defaults of `optional(type, default)` attributes that are absent or null.
pub fn apply_defaults(
    v: &Value,
    ty: &Type,
    defaults: &TypeDefaults,
    functions: &Functions,
) -> Value {
    if v.is_null() || !v.is_known() {
        return v.clone();
    }
    let (inner, marks) = v.clone().unmark();
    let out = match (inner.kind(), ty) {
        (Kind::Object(attrs), Type::Object(o)) => {
            let mut m = (**attrs).clone();
            for (name, expr) in &defaults.attrs {
                if m.get(name).is_none_or(Value::is_null) {
                    let ctx = EvalContext::new(functions);
                    let (d, diags) = evaluate(expr, &ctx);
                    if !diags.has_errors() {
                        m.insert(name.clone(), d);
                    }
                }
            }
            for (name, child) in &defaults.children {
                if let (Some(val), Some(t)) = (m.get(name).cloned(), o.attrs.get(name)) {
                    m.insert(name.clone(), apply_defaults(&val, t, child, functions));
                }
            }
            Value::object(m)
        }
        (Kind::Map(_, items), Type::Map(e)) | (Kind::Object(items), Type::Map(e)) => {
            match defaults.children.get("*") {
                Some(child) => Value::object(
                    items
                        .iter()
                        .map(|(k, x)| (k.clone(), apply_defaults(x, e, child, functions)))
                        .collect(),
                ),
                None => inner.clone(),
            }
        }
        (
            Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items),
            Type::List(e) | Type::Set(e),
        ) => match defaults.children.get("*") {
            Some(child) => Value::tuple(
                items
                    .iter()
                    .map(|x| apply_defaults(x, e, child, functions))
                    .collect(),
            ),
            None => inner.clone(),
        },
        (Kind::Tuple(items), Type::Tuple(ts)) => Value::tuple(
            items
                .iter()
                .enumerate()
                .map(
                    |(i, x)| match (defaults.children.get(&i.to_string()), ts.get(i)) {
                        (Some(child), Some(t)) => apply_defaults(x, t, child, functions),
                        _ => x.clone(),
                    },
                )
                .collect(),
        ),
        _ => inner.clone(),
    };
    out.mark(marks)
}
