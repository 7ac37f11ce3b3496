//! Decoding a body (a resource's arguments and nested blocks) against a schema into one object value,
//! expanding `dynamic` blocks, as Terraform's `hcldec` and `dynblock` do.

use crate::context::EvalContext;
use crate::eval::evaluate;
use std::collections::BTreeMap;
use terrane_config::body::{Block as BodyBlock, Body, suggest};
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceRange};
use terrane_provider_api::schema::{Block, Nesting};
use terrane_values::{Type, Value, convert};

/// Decodes a body against a block schema. Problems (unknown arguments, missing required ones, wrong
/// types) are all reported; the value has unknowns where decoding failed.
pub fn decode_body(body: &Body, schema: &Block, ctx: &EvalContext<'_>) -> (Value, Diagnostics) {
    let mut diags = Diagnostics::new();
    let v = decode(body, schema, ctx, &mut diags);
    (v, diags)
}

/// Checks a body against a schema without evaluating it: unknown arguments and block types, missing
/// required arguments.
pub fn check_body_structure(body: &Body, schema: &Block) -> Diagnostics {
    let mut diags = Diagnostics::new();
    check_structure(body, schema, true, &mut diags);
    diags
}

fn check_structure(body: &Body, schema: &Block, recursive: bool, diags: &mut Diagnostics) {
    let names: Vec<&str> = schema.attributes.keys().map(String::as_str).collect();
    for a in &body.attrs {
        if schema.attributes.contains_key(&a.name)
            || body.is_json && (schema.block_types.contains_key(&a.name) || a.name == "//")
        {
            continue;
        }
        let detail = if schema.block_types.contains_key(&a.name) {
            format!(
                "An argument named {:?} is not expected here. Did you mean to define a block of type {:?}?",
                a.name, a.name
            )
        } else {
            let hint = suggest(&a.name, &names)
                .map(|s| format!(" Did you mean {s:?}?"))
                .unwrap_or_default();
            format!("An argument named {:?} is not expected here.{hint}", a.name)
        };
        diags.push(
            Diagnostic::error("Unsupported argument", detail).with_subject(a.name_range.clone()),
        );
    }
    for (name, attr) in &schema.attributes {
        match body.attr(name) {
            Some(a) if attr.computed && !attr.optional && !attr.required => diags.push(
                Diagnostic::error(
                    "Value for unconfigurable attribute",
                    format!("Can't configure a value for {name:?}: its value will be decided automatically based on the result of applying this configuration."),
                )
                .with_subject(a.name_range.clone()),
            ),
            None if attr.required => diags.push(
                Diagnostic::error("Missing required argument", format!("The argument {name:?} is required, but no definition was found."))
                    .with_subject(body.range.clone()),
            ),
            _ => {}
        }
    }
    let block_names: Vec<&str> = schema.block_types.keys().map(String::as_str).collect();
    for b in &body.blocks {
        if b.kind == "dynamic" {
            let label = b.labels.first().map(String::as_str).unwrap_or("");
            if let Some(nb) = schema.block_types.get(label) {
                if recursive {
                    for content in b.body.blocks_of("content") {
                        check_structure(&content.body, &nb.block, recursive, diags);
                    }
                }
            } else {
                diags.push(unsupported_block(label, &b.def_range, &block_names));
            }
            continue;
        }
        match schema.block_types.get(&b.kind) {
            Some(nb) => {
                if recursive {
                    check_structure(&b.body, &nb.block, recursive, diags)
                }
            }
            None => diags.push(unsupported_block(&b.kind, &b.def_range, &block_names)),
        }
    }
}

fn unsupported_block(kind: &str, range: &SourceRange, names: &[&str]) -> Diagnostic {
    let hint = suggest(kind, names)
        .map(|s| format!(" Did you mean {s:?}?"))
        .unwrap_or_default();
    Diagnostic::error(
        "Unsupported block type",
        format!("Blocks of type {kind:?} are not expected here.{hint}"),
    )
    .with_subject(range.clone())
}

fn decode(body: &Body, schema: &Block, ctx: &EvalContext<'_>, diags: &mut Diagnostics) -> Value {
    check_structure(body, schema, false, diags);
    let mut out = BTreeMap::new();
    for (name, attr) in &schema.attributes {
        let v = match body.attr(name) {
            Some(a) if !(attr.computed && !attr.optional && !attr.required) => {
                let (v, d) = evaluate(&a.expr, ctx);
                let failed = d.has_errors();
                diags.extend(d);
                if failed {
                    Value::unknown(attr.ty.clone())
                } else {
                    match convert(&v, &attr.ty) {
                        Ok(v) => v,
                        Err(e) => {
                            diags.push(
                                Diagnostic::error(
                                    "Incorrect attribute value type",
                                    format!("Inappropriate value for attribute {name:?}: {e}."),
                                )
                                .with_subject(a.expr.range.clone()),
                            );
                            Value::unknown(attr.ty.clone())
                        }
                    }
                }
            }
            _ => Value::null(attr.ty.clone()),
        };
        out.insert(name.clone(), v);
    }
    for (name, nb) in &schema.block_types {
        let ety = nb.block.implied_type();
        let mut items: Vec<(Option<String>, Value)> = Vec::new();
        let mut unknown = false;
        let mut static_blocks: Vec<BodyBlock> = body.blocks_of(name).cloned().collect();
        if body.is_json {
            if let Some(a) = body.attr(name) {
                let labels = if nb.nesting == Nesting::Map { 1 } else { 0 };
                static_blocks.extend(terrane_config::syntax::json::blocks_from_expr(
                    &a.expr, name, labels,
                ));
            }
        }
        let mut first_range: Option<SourceRange> = None;
        for b in &static_blocks {
            if nb.nesting == Nesting::Single && first_range.is_some() {
                diags.push(
                    Diagnostic::error(
                        format!("Duplicate {name} block"),
                        format!(
                            "Only one {name:?} block is allowed. Another was defined at {}.",
                            first_range.as_ref().expect("set")
                        ),
                    )
                    .with_subject(b.def_range.clone()),
                );
                continue;
            }
            first_range.get_or_insert_with(|| b.def_range.clone());
            items.push((
                b.labels.first().cloned(),
                decode(&b.body, &nb.block, ctx, diags),
            ));
        }
        for dynb in body
            .blocks_of("dynamic")
            .filter(|b| b.labels.first().map(String::as_str) == Some(name.as_str()))
        {
            match expand_dynamic(dynb, &nb.block, ctx, diags) {
                Some(mut expanded) => items.append(&mut expanded),
                None => unknown = true,
            }
        }
        let value = match nb.nesting {
            Nesting::Single | Nesting::Group => {
                if unknown {
                    Value::unknown(ety.clone())
                } else {
                    match items.into_iter().next() {
                        Some((_, v)) => v,
                        None if nb.nesting == Nesting::Group => decode(
                            &Body::empty(body.range.clone()),
                            &nb.block,
                            ctx,
                            &mut Diagnostics::new(),
                        ),
                        None => Value::null(ety.clone()),
                    }
                }
            }
            Nesting::List | Nesting::Set => {
                if unknown {
                    Value::unknown(if nb.nesting == Nesting::List {
                        Type::list(ety.clone())
                    } else {
                        Type::set(ety.clone())
                    })
                } else {
                    check_counts(
                        name,
                        nb.min_items,
                        nb.max_items,
                        items.len(),
                        &body.range,
                        diags,
                    );
                    let vals: Vec<Value> = items.into_iter().map(|(_, v)| v).collect();
                    if nb.nesting == Nesting::List {
                        Value::list(ety.clone(), vals)
                    } else {
                        Value::set(ety.clone(), vals)
                    }
                }
            }
            Nesting::Map => {
                if unknown {
                    Value::unknown(Type::map(ety.clone()))
                } else {
                    let m: BTreeMap<String, Value> = items
                        .into_iter()
                        .map(|(k, v)| (k.unwrap_or_default(), v))
                        .collect();
                    Value::map(ety.clone(), m)
                }
            }
        };
        out.insert(name.clone(), value);
    }
    Value::object(out)
}

fn check_counts(
    name: &str,
    min: usize,
    max: usize,
    n: usize,
    range: &SourceRange,
    diags: &mut Diagnostics,
) {
    if n < min {
        diags.push(
            Diagnostic::error(
                "Insufficient blocks",
                format!("At least {min} {name:?} blocks are required."),
            )
            .with_subject(range.clone()),
        );
    }
    if max > 0 && n > max {
        diags.push(
            Diagnostic::error(
                "Too many blocks",
                format!("No more than {max} {name:?} blocks are allowed."),
            )
            .with_subject(range.clone()),
        );
    }
}

/// Expands a `dynamic` block; `None` when its `for_each` is not known yet.
fn expand_dynamic(
    b: &BodyBlock,
    schema: &Block,
    ctx: &EvalContext<'_>,
    diags: &mut Diagnostics,
) -> Option<Vec<(Option<String>, Value)>> {
    let label = b.labels.first().cloned().unwrap_or_default();
    let iterator = b
        .body
        .attr("iterator")
        .and_then(|a| a.expr.as_keyword().map(str::to_string))
        .unwrap_or(label.clone());
    let Some(fe) = b.body.attr("for_each") else {
        diags.push(
            Diagnostic::error(
                "Missing required argument",
                "The argument \"for_each\" is required, but no definition was found.",
            )
            .with_subject(b.def_range.clone()),
        );
        return Some(Vec::new());
    };
    let (coll, d) = evaluate(&fe.expr, ctx);
    let failed = d.has_errors();
    diags.extend(d);
    if failed {
        return Some(Vec::new());
    }
    if coll.is_null() {
        diags.push(
            Diagnostic::error(
                "Invalid dynamic for_each value",
                "Cannot use a null value in for_each.",
            )
            .with_subject(fe.expr.range.clone()),
        );
        return Some(Vec::new());
    }
    let (coll, marks) = coll.unmark();
    if !coll.is_known() {
        return None;
    }
    if !coll.can_iterate() {
        diags.push(
            Diagnostic::error(
                "Invalid dynamic for_each value",
                format!(
                    "Cannot use a {} value in for_each. An iterable collection is required.",
                    coll.ty().friendly_name()
                ),
            )
            .with_subject(fe.expr.range.clone()),
        );
        return Some(Vec::new());
    }
    let content: Vec<&BodyBlock> = b.body.blocks_of("content").collect();
    let Some(content) = content.first() else {
        diags.push(
            Diagnostic::error("Missing content block", "A dynamic block must have a nested block of type \"content\" to describe the body of each generated block.")
                .with_subject(b.def_range.clone()),
        );
        return Some(Vec::new());
    };
    let mut out = Vec::new();
    for (k, v) in coll.elements() {
        let mut child = ctx.child();
        child.set(
            iterator.clone(),
            Value::object_from([("key", k.mark(marks)), ("value", v.mark(marks))]),
        );
        let key_label = match b.body.attr("labels") {
            Some(l) => {
                let (lv, d) = evaluate(&l.expr, &child);
                diags.extend(d);
                lv.as_seq()
                    .and_then(|s| s.first())
                    .and_then(|x| x.as_str().map(str::to_string))
            }
            None => None,
        };
        let v = decode(&content.body, schema, &child, diags);
        out.push((key_label, v));
    }
    Some(out)
}
