//! JSON syntax: `.tf.json` files. Strings are templates, and nested blocks are JSON objects whose shape
//! is only known from the schema of the enclosing block.

use crate::ast::{Expr, ExprKind, JsonString, ObjectKey};
use crate::body::{Attribute, Block, Body};
use crate::syntax::native::{parse_embedded_expression, parse_embedded_template};
use std::sync::Arc;
use terrane_diagnostics::{Diagnostic, Diagnostics, LineIndex, SourceRange};
use terrane_values::{Number, Value};

/// The number of labels of each top-level block type of the Terraform language.
pub fn top_level_labels(kind: &str) -> Option<usize> {
    Some(match kind {
        "terraform" | "locals" | "moved" | "import" | "removed" | "check" => 0,
        "variable" | "output" | "module" | "provider" => 1,
        "resource" | "data" | "ephemeral" => 2,
        _ => return None,
    })
}

/// Parses a `.tf.json` file into a body whose top-level blocks are known.
pub fn parse_file(name: &str, text: &str) -> (Option<Body>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut p = Parser {
        name: Arc::from(name),
        text,
        lines: LineIndex::new(text),
        pos: 0,
        diags: &mut diags,
    };
    let node = match p.document() {
        Ok(n) => n,
        Err(d) => {
            diags.push(d);
            return (None, diags);
        }
    };
    let whole = p.range(0, text.len());
    let lines = LineIndex::new(text);
    let conv = Conv {
        name,
        text,
        lines: &lines,
    };
    let mut body = Body {
        attrs: Vec::new(),
        blocks: Vec::new(),
        range: whole.clone(),
        is_json: true,
    };
    let JKind::Object(props) = node.kind else {
        diags.push(
            Diagnostic::error(
                "Invalid JSON configuration",
                "The root of a JSON configuration file must be an object.",
            )
            .with_subject(node.range),
        );
        return (None, diags);
    };
    for (key, key_range, value) in props {
        if key == "//" {
            continue;
        }
        match top_level_labels(&key) {
            Some(n) => conv.blocks(
                &key,
                &key_range,
                n,
                &value,
                &mut Vec::new(),
                &mut body.blocks,
                &mut diags,
            ),
            None => diags.push(
                Diagnostic::error(
                    "Unsupported block type",
                    format!("Blocks of type {key:?} are not expected here."),
                )
                .with_subject(key_range),
            ),
        }
    }
    (Some(body), diags)
}

/// Reads blocks of `kind` written as JSON properties (an object or a list of objects) from an
/// expression, for bodies decoded against a schema. `labels` is the number of labels the block has.
pub fn blocks_from_expr(expr: &Expr, kind: &str, labels: usize) -> Vec<Block> {
    let mut out = Vec::new();
    collect_blocks(expr, kind, labels, &mut Vec::new(), &mut out);
    out
}

fn collect_blocks(
    expr: &Expr,
    kind: &str,
    labels: usize,
    got: &mut Vec<(String, SourceRange)>,
    out: &mut Vec<Block>,
) {
    match &expr.kind {
        ExprKind::Tuple(items) => {
            for i in items {
                collect_blocks(i, kind, labels, got, out);
            }
        }
        ExprKind::Object(items) if got.len() < labels => {
            for (k, v) in items {
                let (name, range) = match k {
                    ObjectKey::Name(n, r) => (n.clone(), r.clone()),
                    ObjectKey::Expr(e) => {
                        (e.as_static_string().unwrap_or_default(), e.range.clone())
                    }
                };
                got.push((name, range));
                collect_blocks(v, kind, labels, got, out);
                got.pop();
            }
        }
        ExprKind::Object(items) => {
            let attrs = items
                .iter()
                .map(|(k, v)| {
                    let (name, name_range) = match k {
                        ObjectKey::Name(n, r) => (n.clone(), r.clone()),
                        ObjectKey::Expr(e) => {
                            (e.as_static_string().unwrap_or_default(), e.range.clone())
                        }
                    };
                    Attribute {
                        name,
                        range: name_range.to(&v.range),
                        name_range,
                        expr: v.clone(),
                    }
                })
                .collect();
            out.push(Block {
                kind: kind.to_string(),
                labels: got.iter().map(|(l, _)| l.clone()).collect(),
                label_ranges: got.iter().map(|(_, r)| r.clone()).collect(),
                body: Body {
                    attrs,
                    blocks: Vec::new(),
                    range: expr.range.clone(),
                    is_json: true,
                },
                def_range: got.last().map_or(expr.range.clone(), |(_, r)| r.clone()),
            });
        }
        _ => {}
    }
}

struct Conv<'a> {
    name: &'a str,
    text: &'a str,
    lines: &'a LineIndex,
}

impl Conv<'_> {
    #[allow(clippy::too_many_arguments)]
    fn blocks(
        &self,
        kind: &str,
        kind_range: &SourceRange,
        labels_left: usize,
        node: &JNode,
        labels: &mut Vec<(String, SourceRange)>,
        out: &mut Vec<Block>,
        diags: &mut Diagnostics,
    ) {
        match &node.kind {
            JKind::Array(items) => {
                for i in items {
                    self.blocks(kind, kind_range, labels_left, i, labels, out, diags);
                }
            }
            JKind::Object(props) if labels_left > 0 => {
                for (k, r, v) in props {
                    labels.push((k.clone(), r.clone()));
                    self.blocks(kind, kind_range, labels_left - 1, v, labels, out, diags);
                    labels.pop();
                }
            }
            JKind::Object(props) => {
                let mut body = Body {
                    attrs: Vec::new(),
                    blocks: Vec::new(),
                    range: node.range.clone(),
                    is_json: true,
                };
                for (k, r, v) in props {
                    let expr = self.expr(v, diags);
                    body.attrs.push(Attribute {
                        name: k.clone(),
                        range: r.to(&expr.range),
                        name_range: r.clone(),
                        expr,
                    });
                }
                out.push(Block {
                    kind: kind.to_string(),
                    labels: labels.iter().map(|(l, _)| l.clone()).collect(),
                    label_ranges: labels.iter().map(|(_, r)| r.clone()).collect(),
                    body,
                    def_range: labels.last().map_or(kind_range.clone(), |(_, r)| r.clone()),
                });
            }
            _ => diags.push(
                Diagnostic::error(
                    "Incorrect JSON value type",
                    format!("A JSON object is required for a {kind:?} block."),
                )
                .with_subject(node.range.clone()),
            ),
        }
    }

    fn expr(&self, node: &JNode, diags: &mut Diagnostics) -> Expr {
        let kind = match &node.kind {
            JKind::Null => ExprKind::Literal(Value::null_dynamic()),
            JKind::Bool(b) => ExprKind::Literal(Value::bool(*b)),
            JKind::Number(t) => match Number::parse(t) {
                Ok(n) => ExprKind::Literal(Value::number(n)),
                Err(_) => ExprKind::Literal(Value::null_dynamic()),
            },
            JKind::String(s) => {
                let offset = node.start + 1;
                let template =
                    match parse_embedded_template(self.name, self.text, self.lines, offset, s) {
                        Ok(t) => t,
                        Err(d) => {
                            diags.push(d);
                            Expr {
                                kind: ExprKind::Literal(Value::string(s)),
                                range: node.range.clone(),
                            }
                        }
                    };
                let as_expr =
                    parse_embedded_expression(self.name, self.text, self.lines, offset, s)
                        .ok()
                        .map(Box::new);
                ExprKind::JsonString(JsonString {
                    template: Box::new(template),
                    as_expr,
                })
            }
            JKind::Array(items) => {
                ExprKind::Tuple(items.iter().map(|i| self.expr(i, diags)).collect())
            }
            JKind::Object(props) => ExprKind::Object(
                props
                    .iter()
                    .map(|(k, r, v)| {
                        let key = if k.contains("${") || k.contains("%{") {
                            match parse_embedded_template(self.name, self.text, self.lines, 0, k) {
                                Ok(e) => ObjectKey::Expr(Expr {
                                    range: r.clone(),
                                    ..e
                                }),
                                Err(_) => ObjectKey::Name(k.clone(), r.clone()),
                            }
                        } else {
                            ObjectKey::Name(k.clone(), r.clone())
                        };
                        (key, self.expr(v, diags))
                    })
                    .collect(),
            ),
        };
        Expr {
            kind,
            range: node.range.clone(),
        }
    }
}

struct JNode {
    kind: JKind,
    range: SourceRange,
    start: usize,
}

enum JKind {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<JNode>),
    Object(Vec<(String, SourceRange, JNode)>),
}

struct Parser<'a, 'd> {
    name: Arc<str>,
    text: &'a str,
    lines: LineIndex,
    pos: usize,
    diags: &'d mut Diagnostics,
}

impl Parser<'_, '_> {
    fn range(&self, start: usize, end: usize) -> SourceRange {
        SourceRange::from_bytes(self.name.clone(), &self.lines, self.text, start, end)
    }

    fn err(&self, detail: &str) -> Diagnostic {
        let end = (self.pos + 1).min(self.text.len());
        Diagnostic::error("Invalid JSON syntax", detail).with_subject(self.range(self.pos, end))
    }

    fn ws(&mut self) {
        let b = self.text.as_bytes();
        while self.pos < b.len() && matches!(b[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
    }

    fn document(&mut self) -> Result<JNode, Diagnostic> {
        let n = self.value()?;
        self.ws();
        if self.pos < self.text.len() {
            return Err(self.err("Unexpected text after the JSON value."));
        }
        Ok(n)
    }

    fn value(&mut self) -> Result<JNode, Diagnostic> {
        self.ws();
        let start = self.pos;
        let b = self.text.as_bytes();
        let Some(&c) = b.get(self.pos) else {
            return Err(self.err("Unexpected end of file; a JSON value is required."));
        };
        let kind = match c {
            b'{' => {
                self.pos += 1;
                let mut props = Vec::new();
                self.ws();
                if b.get(self.pos) == Some(&b'}') {
                    self.pos += 1;
                } else {
                    loop {
                        self.ws();
                        let kstart = self.pos;
                        if b.get(self.pos) != Some(&b'"') {
                            return Err(self.err("An object property name (a string) is required."));
                        }
                        let key = self.string()?;
                        let krange = self.range(kstart, self.pos);
                        self.ws();
                        if b.get(self.pos) != Some(&b':') {
                            return Err(self.err("A colon is required after a property name."));
                        }
                        self.pos += 1;
                        let v = self.value()?;
                        if let Some((_, prev, _)) =
                            props
                                .iter()
                                .find(|(k, _, _): &&(String, SourceRange, JNode)| {
                                    *k == key && key != "//"
                                })
                        {
                            let prev: &SourceRange = prev;
                            self.diags.push(
                                Diagnostic::error(
                                    "Duplicate JSON object property",
                                    format!("An property named {key:?} was previously introduced at {prev}."),
                                )
                                .with_subject(krange.clone()),
                            );
                        }
                        props.push((key, krange, v));
                        self.ws();
                        match b.get(self.pos) {
                            Some(b',') => self.pos += 1,
                            Some(b'}') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(self.err("A comma or closing brace is required.")),
                        }
                    }
                }
                JKind::Object(props)
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if b.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                } else {
                    loop {
                        items.push(self.value()?);
                        self.ws();
                        match b.get(self.pos) {
                            Some(b',') => self.pos += 1,
                            Some(b']') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(self.err("A comma or closing bracket is required.")),
                        }
                    }
                }
                JKind::Array(items)
            }
            b'"' => JKind::String(self.string()?),
            b't' if self.text[self.pos..].starts_with("true") => {
                self.pos += 4;
                JKind::Bool(true)
            }
            b'f' if self.text[self.pos..].starts_with("false") => {
                self.pos += 5;
                JKind::Bool(false)
            }
            b'n' if self.text[self.pos..].starts_with("null") => {
                self.pos += 4;
                JKind::Null
            }
            b'-' | b'0'..=b'9' => {
                while self.pos < b.len()
                    && matches!(b[self.pos], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    self.pos += 1;
                }
                JKind::Number(self.text[start..self.pos].to_string())
            }
            _ => return Err(self.err("A JSON value is required here.")),
        };
        Ok(JNode {
            kind,
            range: self.range(start, self.pos),
            start,
        })
    }

    fn string(&mut self) -> Result<String, Diagnostic> {
        self.pos += 1;
        let mut out = String::new();
        let text = self.text;
        loop {
            let Some(c) = text[self.pos..].chars().next() else {
                return Err(self.err("Unterminated string."));
            };
            self.pos += c.len_utf8();
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let Some(e) = text[self.pos..].chars().next() else {
                        return Err(self.err("Unterminated string."));
                    };
                    self.pos += 1;
                    match e {
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        '/' => out.push('/'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => {
                            let mut code = self.hex4()?;
                            if (0xD800..0xDC00).contains(&code)
                                && text[self.pos..].starts_with("\\u")
                            {
                                self.pos += 2;
                                let low = self.hex4()?;
                                code = 0x10000
                                    + ((code - 0xD800) << 10)
                                    + (low.wrapping_sub(0xDC00) & 0x3ff);
                            }
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        }
                        _ => return Err(self.err("Invalid escape sequence in string.")),
                    }
                }
                c => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, Diagnostic> {
        let s = self
            .text
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.err("Invalid unicode escape."))?;
        let v = u32::from_str_radix(s, 16).map_err(|_| self.err("Invalid unicode escape."))?;
        self.pos += 4;
        Ok(v)
    }
}
