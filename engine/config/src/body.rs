//! Bodies, attributes and blocks: the structure of a configuration file before it is given meaning.

use crate::ast::{Expr, ExprKind};
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceRange};

/// The contents of a file or of a block.
#[derive(Clone, Debug)]
pub struct Body {
    /// Arguments, in source order.
    pub attrs: Vec<Attribute>,
    /// Nested blocks, in source order.
    pub blocks: Vec<Block>,
    /// The range of the body (for a block, from its opening to its closing brace).
    pub range: SourceRange,
    /// Whether the body came from JSON, where nested blocks look like arguments until a schema says
    /// otherwise.
    pub is_json: bool,
}

/// `name = expr`.
#[derive(Clone, Debug)]
pub struct Attribute {
    /// The argument name.
    pub name: String,
    /// The value expression.
    pub expr: Expr,
    /// The range of the name.
    pub name_range: SourceRange,
    /// The range of the whole argument.
    pub range: SourceRange,
}

/// `kind "label" { ... }`.
#[derive(Clone, Debug)]
pub struct Block {
    /// The block type, `resource`.
    pub kind: String,
    /// The labels, `["null_resource", "a"]`.
    pub labels: Vec<String>,
    /// The range of each label.
    pub label_ranges: Vec<SourceRange>,
    /// The block's contents.
    pub body: Body,
    /// The range of the block type and labels, which diagnostics about the whole block point at.
    pub def_range: SourceRange,
}

impl Body {
    /// An empty body.
    pub fn empty(range: SourceRange) -> Body {
        Body {
            attrs: Vec::new(),
            blocks: Vec::new(),
            range,
            is_json: false,
        }
    }

    /// The argument with this name.
    pub fn attr(&self, name: &str) -> Option<&Attribute> {
        self.attrs.iter().find(|a| a.name == name)
    }

    /// Removes and returns the argument with this name.
    pub fn take_attr(&mut self, name: &str) -> Option<Attribute> {
        let i = self.attrs.iter().position(|a| a.name == name)?;
        Some(self.attrs.remove(i))
    }

    /// The blocks of a kind.
    pub fn blocks_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }

    /// Checks the body against the arguments and block types a block may contain, reporting unknown
    /// ones. `what` names the enclosing block in messages.
    pub fn check_schema(
        &self,
        attrs: &[&str],
        blocks: &[&str],
        what: &str,
        diags: &mut Diagnostics,
    ) {
        for a in &self.attrs {
            if !attrs.contains(&a.name.as_str()) {
                if self.is_json && blocks.contains(&a.name.as_str()) {
                    continue;
                }
                if self.is_json && a.name == "//" {
                    continue;
                }
                let hint = suggest(&a.name, attrs)
                    .map(|s| format!(" Did you mean {s:?}?"))
                    .unwrap_or_default();
                diags.push(
                    Diagnostic::error(
                        "Unsupported argument",
                        format!("An argument named {:?} is not expected here.{hint}", a.name),
                    )
                    .with_subject(a.name_range.clone()),
                );
            }
        }
        for b in &self.blocks {
            if !blocks.contains(&b.kind.as_str()) {
                let hint = suggest(&b.kind, blocks)
                    .map(|s| format!(" Did you mean {s:?}?"))
                    .unwrap_or_default();
                diags.push(
                    Diagnostic::error(
                        "Unsupported block type",
                        format!("Blocks of type {:?} are not expected {what}.{hint}", b.kind),
                    )
                    .with_subject(b.def_range.clone()),
                );
            }
        }
    }

    /// The blocks of a kind, including those written as JSON properties (`"lifecycle": {...}` or a list
    /// of such objects).
    pub fn blocks_with_json(&self, kind: &str) -> Vec<Block> {
        let mut out: Vec<Block> = self.blocks_of(kind).cloned().collect();
        if self.is_json {
            if let Some(a) = self.attr(kind) {
                out.extend(crate::syntax::json::blocks_from_expr(&a.expr, kind, 0));
            }
        }
        out
    }

    /// The arguments of the body that are real arguments (not JSON-encoded blocks or comments).
    pub fn plain_attrs<'a>(
        &'a self,
        block_kinds: &'a [&'a str],
    ) -> impl Iterator<Item = &'a Attribute> + 'a {
        self.attrs.iter().filter(move |a| {
            !(self.is_json && (block_kinds.contains(&a.name.as_str()) || a.name == "//"))
        })
    }
}

/// The closest of `candidates` to `name`, for "Did you mean" hints.
pub fn suggest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (levenshtein(name, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3) && *d < name.len().max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The edit distance between two strings.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = if a[i - 1] == b[j - 1] { 0 } else { 1 };
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

impl Attribute {
    /// Whether the expression is a literal `null`.
    pub fn is_null_literal(&self) -> bool {
        matches!(&self.expr.kind, ExprKind::Literal(v) if v.is_null())
    }
}
