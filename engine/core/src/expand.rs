//! Expanding `count` and `for_each` into instance keys.

use crate::eval_state::{Expansion, Repetition};
use terrane_config::ast::Expr;
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_lang::{EvalContext, evaluate};
use terrane_state::EachMode;
use terrane_values::{Kind, Type, convert};

fn err(summary: &str, detail: impl Into<String>, e: &Expr) -> Diagnostics {
    Diagnostics::from(Diagnostic::error(summary, detail).with_subject(e.range.clone()))
}

/// The instances `count` or `for_each` (or neither) give.
pub fn expand(
    count: Option<&Expr>,
    for_each: Option<&Expr>,
    ctx: &EvalContext<'_>,
) -> Result<Expansion, Diagnostics> {
    if let Some(c) = count {
        return expand_count(c, ctx);
    }
    if let Some(f) = for_each {
        return expand_for_each(f, ctx);
    }
    Ok(Expansion {
        each: EachMode::None,
        instances: vec![Repetition::Single],
    })
}

/// The instances to walk: those `count` or `for_each` give or, while validating, one stand-in whatever
/// they are, with the problems of a value that is already known (a `for_each` over a list, a negative
/// count).
pub fn expand_or_stand_in(
    validating: bool,
    count: Option<&Expr>,
    for_each: Option<&Expr>,
    ctx: &EvalContext<'_>,
) -> Result<Expansion, Diagnostics> {
    if !validating {
        return expand(count, for_each, ctx);
    }
    if let Some(e) = count.or(for_each) {
        let (v, d) = evaluate(e, ctx);
        if d.has_errors() {
            return Err(d);
        }
        if v.is_wholly_known() {
            expand(count, for_each, ctx)?;
        }
    }
    let each = if for_each.is_some() {
        EachMode::Map
    } else if count.is_some() {
        EachMode::List
    } else {
        EachMode::None
    };
    let instances = if each == EachMode::None {
        vec![Repetition::Single]
    } else {
        vec![Repetition::Unknown]
    };
    Ok(Expansion { each, instances })
}

fn expand_count(e: &Expr, ctx: &EvalContext<'_>) -> Result<Expansion, Diagnostics> {
    const S: &str = "Invalid count argument";
    let (v, diags) = evaluate(e, ctx);
    if diags.has_errors() {
        return Err(diags);
    }
    if v.has_marks_deep() && v.marks_deep().is_sensitive() {
        return Err(err(
            S,
            "Sensitive values, or values derived from sensitive values, cannot be used as count arguments.",
            e,
        ));
    }
    if v.is_null() {
        return Err(err(
            S,
            "The given \"count\" argument value is null. An integer is required.",
            e,
        ));
    }
    if !v.is_known() {
        return Err(err(
            S,
            "The \"count\" value depends on resource attributes that cannot be determined until apply, so terrane cannot predict how many instances will be created. To work around this, use the -target argument to first apply only the resources that the count depends on.",
            e,
        ));
    }
    let n = convert(&v, &Type::Number).map_err(|c| {
        err(
            S,
            format!(
                "The given \"count\" argument value is unsuitable: {}.",
                c.message
            ),
            e,
        )
    })?;
    let n = n.as_number().cloned().expect("known number");
    if !n.is_integer() {
        return Err(err(
            S,
            "The given \"count\" argument value is unsuitable: value must be a whole number.",
            e,
        ));
    }
    let count = n.to_i64().unwrap_or(i64::MAX);
    if count < 0 {
        return Err(err(
            S,
            "The given \"count\" argument value is unsuitable: must be greater than or equal to zero.",
            e,
        ));
    }
    if count > 10_000_000 {
        return Err(err(
            S,
            "The given \"count\" argument value is unsuitable: it is too large.",
            e,
        ));
    }
    Ok(Expansion {
        each: EachMode::List,
        instances: (0..count).map(Repetition::Count).collect(),
    })
}

fn expand_for_each(e: &Expr, ctx: &EvalContext<'_>) -> Result<Expansion, Diagnostics> {
    const S: &str = "Invalid for_each argument";
    let (v, diags) = evaluate(e, ctx);
    if diags.has_errors() {
        return Err(diags);
    }
    if v.is_sensitive() {
        return Err(err(
            S,
            "Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments. If used, the sensitive value could be exposed as a resource instance key.",
            e,
        ));
    }
    if v.is_null() {
        return Err(err(
            S,
            "The given \"for_each\" argument value is unsuitable: the given \"for_each\" argument value is null. A map, or set of strings is allowed.",
            e,
        ));
    }
    let unknown_msg = "The \"for_each\" value depends on resource attributes that cannot be determined until apply, so terrane cannot predict how many instances will be created. To work around this, use the -target argument to first apply only the resources that the for_each depends on.";
    if !v.is_known() {
        return Err(err(S, unknown_msg, e));
    }
    let mut instances = Vec::new();
    match v.kind() {
        Kind::Map(_, m) | Kind::Object(m) => {
            for (k, x) in m.iter() {
                instances.push(Repetition::Each(k.clone(), x.clone()));
            }
        }
        Kind::Set(ety, elems) => {
            if *ety != Type::String && *ety != Type::Dynamic {
                return Err(err(
                    "Invalid for_each set argument",
                    format!(
                        "The given \"for_each\" argument value is unsuitable: \"for_each\" supports maps and sets of strings, but you have provided a set containing type {}.",
                        ety.friendly_name()
                    ),
                    e,
                ));
            }
            for x in elems.iter() {
                if !x.is_known() {
                    return Err(err(S, unknown_msg, e));
                }
                if x.is_null() {
                    return Err(err(
                        S,
                        "The given \"for_each\" argument value is unsuitable: \"for_each\" sets must not contain null values.",
                        e,
                    ));
                }
                let s = x.as_str().map(str::to_string).unwrap_or_default();
                instances.push(Repetition::Each(s, x.clone()));
            }
        }
        _ => {
            return Err(err(
                S,
                format!(
                    "The given \"for_each\" argument value is unsuitable: the \"for_each\" argument must be a map, or set of strings, and you have provided a value of type {}.",
                    v.ty().friendly_name()
                ),
                e,
            ));
        }
    }
    instances.sort_by(|a, b| a.key().cmp(&b.key()));
    Ok(Expansion {
        each: EachMode::Map,
        instances,
    })
}
