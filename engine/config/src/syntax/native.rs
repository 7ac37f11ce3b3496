//! Native syntax: `.tf` files, standalone expressions and templates, read by [`super::parser`] into the
//! syntax tree with source ranges.

use super::Source;
use super::parser::Parser;
use crate::ast::Expr;
use crate::body::Body;
use terrane_diagnostics::{Diagnostic, Diagnostics, LineIndex};

/// Parses a native-syntax file into a body. Syntax errors are diagnostics, collected item by item;
/// the body is `None` when there are any.
pub fn parse_file(name: &str, text: &str) -> (Option<Body>, Diagnostics) {
    let src = Source::new(name, text);
    let mut diags = Diagnostics::new();
    let body = Parser::new(&src).file_body(&mut diags);
    if diags.has_errors() {
        (None, diags)
    } else {
        (Some(body), diags)
    }
}

/// Parses only the top-level blocks of the given kinds of a native-syntax file, skipping the rest
/// unread: a quick look at its `terraform` block and variables before the configuration is loaded.
pub fn parse_file_blocks_of(name: &str, text: &str, kinds: &[&str]) -> (Body, Diagnostics) {
    let src = Source::new(name, text);
    let mut diags = Diagnostics::new();
    let body = Parser::new(&src).file_blocks_of(kinds, &mut diags);
    (body, diags)
}

/// Parses a standalone expression (used for `-var` values and JSON strings in expression contexts).
pub fn parse_expression(name: &str, text: &str) -> Result<Expr, Diagnostic> {
    expression_in(&Source::new(name, text))
}

/// Parses a string as a template (used for `templatefile`).
pub fn parse_template(name: &str, text: &str) -> Result<Expr, Diagnostic> {
    template_in(&Source::new(name, text))
}

/// Parses a string that sits at `offset` in a file as a template (JSON strings).
pub(crate) fn parse_embedded_template(
    name: &str,
    file_text: &str,
    lines: &LineIndex,
    offset: usize,
    text: &str,
) -> Result<Expr, Diagnostic> {
    template_in(&embedded_source(name, file_text, lines, offset, text))
}

/// Parses a string that sits at `offset` in a file as an expression (JSON strings in expression contexts).
pub(crate) fn parse_embedded_expression(
    name: &str,
    file_text: &str,
    lines: &LineIndex,
    offset: usize,
    text: &str,
) -> Result<Expr, Diagnostic> {
    expression_in(&embedded_source(name, file_text, lines, offset, text))
}

fn embedded_source<'a>(
    name: &str,
    file_text: &'a str,
    lines: &'a LineIndex,
    offset: usize,
    text: &'a str,
) -> Source<'a> {
    Source {
        name: std::sync::Arc::from(name),
        text,
        file_text,
        lines: std::borrow::Cow::Borrowed(lines),
        offset,
    }
}

fn expression_in(src: &Source<'_>) -> Result<Expr, Diagnostic> {
    Parser::new(src).standalone_expr().map_err(|d| *d)
}

fn template_in(src: &Source<'_>) -> Result<Expr, Diagnostic> {
    Parser::new(src).bare_template().map_err(|d| *d)
}
