//! Native syntax: `.tf` files, standalone expressions and templates, read by [`super::parser`] into the
//! syntax tree with source ranges.

use super::Source;
use super::parser::Parser;
use crate::ast::Expr;
use crate::body::Body;
use terrane_diagnostics::{Diagnostic, Diagnostics, LineIndex};

/// Files from this size on are parsed in two halves on two threads, when there are two cores.
const SPLIT_SIZE: usize = 1 << 20;

/// Parses a native-syntax file into a body. Syntax errors are diagnostics, collected item by item;
/// the body is `None` when there are any.
pub fn parse_file(name: &str, text: &str) -> (Option<Body>, Diagnostics) {
    let src = Source::new(name, text);
    let two_cores = std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    let halves = if text.len() >= SPLIT_SIZE && two_cores {
        parse_halves(&src)
    } else {
        None
    };
    let (body, diags) = halves.unwrap_or_else(|| {
        let mut diags = Diagnostics::new();
        let body = Parser::new(&src).file_body(&mut diags);
        (body, diags)
    });
    if diags.has_errors() {
        (None, diags)
    } else {
        (Some(body), diags)
    }
}

/// Parses a large file as two halves cut between top-level items, the second on another thread.
/// The halves are joined only when neither has an error and the second has no top-level argument
/// (one that might repeat an argument of the first); otherwise `None`, and the file is parsed whole,
/// so that what is reported is exactly what parsing it whole reports.
fn parse_halves(src: &Source<'_>) -> Option<(Body, Diagnostics)> {
    let text = src.text;
    let cut = Parser::new(src).item_start_after(text.len() / 2)?;
    let part = |range: std::ops::Range<usize>| Source {
        name: src.name.clone(),
        text: &text[range.clone()],
        file_text: text,
        lines: std::borrow::Cow::Borrowed(src.lines.as_ref()),
        offset: range.start,
    };
    let (first, second) = (part(0..cut), part(cut..text.len()));
    let parse = |part: &Source<'_>| {
        let mut diags = Diagnostics::new();
        let body = Parser::new(part).file_body(&mut diags);
        (body, diags)
    };
    let ((mut body, mut diags), (rest, rest_diags)) = std::thread::scope(|s| {
        let other = s.spawn(|| parse(&second));
        let mine = parse(&first);
        (mine, other.join().expect("parser thread panicked"))
    });
    if diags.has_errors() || rest_diags.has_errors() || !rest.attrs.is_empty() {
        return None;
    }
    body.blocks.extend(rest.blocks);
    body.range = body.range.to(&rest.range);
    diags.extend(rest_diags);
    Some((body, diags))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of more than a megabyte with what the cut between halves must step over: heredocs,
    /// comments, templates with braces and directives, multi-line objects.
    fn large_file(tail: &str) -> String {
        let mut text = String::from("terraform {\n  required_version = \">= 1.0\"\n}\n");
        let mut i = 0;
        while text.len() < SPLIT_SIZE + 4096 {
            text.push_str(&format!(
                "# item {i} {{ \"\nlocals {{\n  a_{i} = \"x-${{local.b}}-%{{ if true }}}}%{{ endif }}\"\n  \
                 h_{i} = <<-EOT\n    {{ not a brace ]\n    EOT\n  o_{i} = {{\n    k = [1, 2.5, \"}}\"]\n  }} /* {{ */\n}}\n"
            ));
            i += 1;
        }
        text.push_str(tail);
        text
    }

    fn whole(text: &str) -> (Option<Body>, Diagnostics) {
        let src = Source::new("main.tf", text);
        let mut diags = Diagnostics::new();
        let body = Parser::new(&src).file_body(&mut diags);
        (Some(body).filter(|_| !diags.has_errors()), diags)
    }

    #[test]
    fn a_large_file_parsed_in_halves_is_the_file_parsed_whole() {
        let text = large_file("output \"o\" {\n  value = local.a_0\n}\n");
        let src = Source::new("main.tf", &text);
        let (halves, diags) = parse_halves(&src).expect("cut between items");
        assert!(!diags.has_errors());
        let (one, _) = whole(&text);
        assert_eq!(format!("{halves:?}"), format!("{:?}", one.unwrap()));
    }

    #[test]
    fn errors_in_a_large_file_are_those_of_the_file_parsed_whole() {
        for tail in ["locals {\n  x = (\n}\n", "x = 1\n", "locals {\n"] {
            let text = large_file(tail);
            let (body, diags) = parse_file("main.tf", &text);
            let (one, one_diags) = whole(&text);
            assert_eq!(format!("{body:?}"), format!("{one:?}"), "{tail}");
            assert_eq!(format!("{diags:?}"), format!("{one_diags:?}"), "{tail}");
        }
    }
}
