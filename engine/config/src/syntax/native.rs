//! Native syntax: `.tf` files parsed by hcl-edit and converted into the syntax tree with source ranges.

use super::Source;
use crate::ast::{
    BinaryOp, Call, Expr, ExprKind, ForExpr, ObjectKey, TemplatePart, Traversal, TraversalStep,
    UnaryOp,
};
use crate::body::{Attribute, Block, Body};
use hcl_edit::Span;
use hcl_edit::expr::{self as hx, Expression, TraversalOperator};
use hcl_edit::structure::{self as hs, BlockLabel, Structure};
use hcl_edit::template::{self as ht, Directive, Element, Strip};
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceRange};
use terrane_values::{Number, Value};

/// Parses a native-syntax file into a body. Syntax errors are diagnostics; the body is `None` then.
pub fn parse_file(name: &str, text: &str) -> (Option<Body>, Diagnostics) {
    let src = Source::new(name, text);
    let mut diags = Diagnostics::new();
    match hcl_edit::parser::parse_body(text) {
        Ok(body) => {
            let whole = src.range(0, text.len());
            let conv = Converter { src: &src };
            let body = conv.body(&body, whole, &mut diags);
            (Some(body), diags)
        }
        Err(e) => {
            diags.push(syntax_error(&src, &e));
            (None, diags)
        }
    }
}

/// Parses a standalone expression (used for `-var` values and JSON strings in expression contexts).
pub fn parse_expression(name: &str, text: &str) -> Result<Expr, Diagnostic> {
    let src = Source::new(name, text);
    match hcl_edit::parser::parse_expr(text) {
        Ok(e) => {
            let whole = src.range(0, text.len());
            Ok(Converter { src: &src }.expr(&e, &whole))
        }
        Err(e) => Err(syntax_error(&src, &e)),
    }
}

/// Parses a string as a template (used for `templatefile`).
pub fn parse_template(name: &str, text: &str) -> Result<Expr, Diagnostic> {
    parse_template_in(&Source::new(name, text))
}

/// Parses a string that sits at `offset` in a file as a template (JSON strings).
pub(crate) fn parse_embedded_template(
    name: &str,
    file_text: &str,
    lines: &terrane_diagnostics::LineIndex,
    offset: usize,
    text: &str,
) -> Result<Expr, Diagnostic> {
    let src = embedded_source(name, file_text, lines, offset, text);
    parse_template_in(&src)
}

/// Parses a string that sits at `offset` in a file as an expression (JSON strings in expression contexts).
pub(crate) fn parse_embedded_expression(
    name: &str,
    file_text: &str,
    lines: &terrane_diagnostics::LineIndex,
    offset: usize,
    text: &str,
) -> Result<Expr, Diagnostic> {
    let src = embedded_source(name, file_text, lines, offset, text);
    match hcl_edit::parser::parse_expr(text) {
        Ok(e) => {
            let whole = src.range(0, text.len());
            Ok(Converter { src: &src }.expr(&e, &whole))
        }
        Err(e) => Err(syntax_error(&src, &e)),
    }
}

fn embedded_source<'a>(
    name: &str,
    file_text: &'a str,
    lines: &'a terrane_diagnostics::LineIndex,
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

fn parse_template_in(src: &Source<'_>) -> Result<Expr, Diagnostic> {
    let text = src.text;
    match hcl_edit::parser::parse_template(text) {
        Ok(t) => {
            let whole = src.range(0, text.len());
            let conv = Converter { src };
            Ok(conv.template_expr(&t, &whole, true))
        }
        Err(e) => Err(syntax_error(src, &e)),
    }
}

fn syntax_error(src: &Source<'_>, e: &hcl_edit::parser::Error) -> Diagnostic {
    let loc = e.location();
    let line_start = src
        .text
        .split_inclusive('\n')
        .take(loc.line().saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let line_text = e.line();
    let col_byte: usize = line_text
        .chars()
        .take(loc.column().saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    let start = (line_start + col_byte).min(src.text.len());
    let end = (start + 1).min(src.text.len()).max(start);
    let (start, end) = if src.offset > 0 {
        (0, src.text.len())
    } else {
        (start, end)
    };
    let message = e.message().trim();
    let (summary, detail) = summarize_syntax_error(message);
    Diagnostic::error(summary, detail).with_subject(src.range(start, end))
}

fn summarize_syntax_error(message: &str) -> (String, String) {
    let detail = if message.is_empty() {
        "This character is not expected here.".to_string()
    } else {
        format!("{}.", capitalize(message))
    };
    ("Invalid syntax".to_string(), detail)
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

struct Converter<'s, 'a> {
    src: &'s Source<'a>,
}

enum Tok {
    Lit(String),
    Interp(Expr, Strip),
    If(Expr, Strip),
    Else(Strip),
    EndIf(Strip),
    For(Option<String>, String, Expr, Strip),
    EndFor(Strip),
}

impl Converter<'_, '_> {
    fn range(&self, span: Option<std::ops::Range<usize>>, fallback: &SourceRange) -> SourceRange {
        self.src.span(span, fallback)
    }

    fn body(&self, body: &hs::Body, range: SourceRange, diags: &mut Diagnostics) -> Body {
        let mut out = Body::empty(range.clone());
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let name = a.key.as_str().to_string();
                    let name_range = self.range(a.key.span(), &range);
                    let expr = self.expr(&a.value, &name_range);
                    let full = name_range.to(&expr.range);
                    if let Some(prev) = out.attrs.iter().find(|p| p.name == name) {
                        diags.push(
                            Diagnostic::error(
                                "Attribute redefined",
                                format!(
                                    "The argument {:?} was already set at {}:{},{}. Each argument may be set only once.",
                                    name, prev.name_range.file, prev.name_range.start.line, prev.name_range.start.column
                                ),
                            )
                            .with_subject(name_range.clone()),
                        );
                        continue;
                    }
                    out.attrs.push(Attribute {
                        name,
                        expr,
                        name_range,
                        range: full,
                    });
                }
                Structure::Block(b) => out.blocks.push(self.block(b, &range, diags)),
            }
        }
        out
    }

    fn block(&self, b: &hs::Block, parent: &SourceRange, diags: &mut Diagnostics) -> Block {
        let kind_range = self.range(b.ident.span(), parent);
        let mut labels = Vec::new();
        let mut label_ranges = Vec::new();
        for l in &b.labels {
            let (text, span) = match l {
                BlockLabel::Ident(i) => (i.as_str().to_string(), i.span()),
                BlockLabel::String(s) => (s.value().to_string(), s.span()),
            };
            labels.push(text);
            label_ranges.push(self.range(span, &kind_range));
        }
        let def_range = match label_ranges.last() {
            Some(last) => kind_range.to(last),
            None => kind_range.clone(),
        };
        let body_range = self.range(b.span(), &def_range);
        let body = self.body(&b.body, body_range, diags);
        Block {
            kind: b.ident.as_str().to_string(),
            labels,
            label_ranges,
            body,
            def_range,
        }
    }

    fn mk(&self, kind: ExprKind, range: SourceRange) -> Expr {
        Expr { kind, range }
    }

    fn expr(&self, e: &Expression, fallback: &SourceRange) -> Expr {
        let range = self.range(e.span(), fallback);
        let kind = match e {
            Expression::Null(_) => ExprKind::Literal(Value::null_dynamic()),
            Expression::Bool(b) => ExprKind::Literal(Value::bool(*b.value())),
            Expression::Number(n) => {
                let text = e
                    .span()
                    .and_then(|s| self.src.text.get(s))
                    .map(str::to_string)
                    .unwrap_or_else(|| n.value().to_string());
                match Number::parse(text.trim()) {
                    Ok(num) => ExprKind::Literal(Value::number(num)),
                    Err(_) => ExprKind::Literal(Value::number(
                        Number::from_f64(n.value().as_f64().unwrap_or(0.0))
                            .unwrap_or_else(|_| Number::zero()),
                    )),
                }
            }
            Expression::String(s) => {
                ExprKind::Literal(Value::string(unescape_template_markers(s.value())))
            }
            Expression::Array(a) => {
                ExprKind::Tuple(a.iter().map(|x| self.expr(x, &range)).collect())
            }
            Expression::Object(o) => {
                let mut items = Vec::new();
                for (k, v) in o.iter() {
                    let key = match k {
                        hx::ObjectKey::Ident(id) => {
                            ObjectKey::Name(id.as_str().to_string(), self.range(id.span(), &range))
                        }
                        hx::ObjectKey::Expression(x) => ObjectKey::Expr(self.expr(x, &range)),
                    };
                    items.push((key, self.expr(v.expr(), &range)));
                }
                ExprKind::Object(items)
            }
            Expression::StringTemplate(t) => return self.template_expr(t, &range, true),
            Expression::HeredocTemplate(h) => return self.template_expr(&h.template, &range, true),
            Expression::Parenthesis(p) => ExprKind::Parens(Box::new(self.expr(p.inner(), &range))),
            Expression::Variable(v) => ExprKind::ScopeTraversal(Traversal {
                root: v.as_str().to_string(),
                root_range: range.clone(),
                steps: Vec::new(),
            }),
            Expression::Conditional(c) => ExprKind::Conditional(
                Box::new(self.expr(&c.cond_expr, &range)),
                Box::new(self.expr(&c.true_expr, &range)),
                Box::new(self.expr(&c.false_expr, &range)),
            ),
            Expression::FuncCall(f) => {
                let mut name = String::new();
                for ns in &f.name.namespace {
                    name.push_str(ns.as_str());
                    name.push_str("::");
                }
                name.push_str(f.name.name.as_str());
                let name_range = self.range(f.name.name.span(), &range);
                ExprKind::Call(Box::new(Call {
                    name,
                    name_range,
                    args: f.args.iter().map(|a| self.expr(a, &range)).collect(),
                    expand_final: f.args.expand_final(),
                }))
            }
            Expression::Traversal(t) => return self.traversal(t, range),
            Expression::UnaryOp(u) => {
                let op = match u.operator.value() {
                    hx::UnaryOperator::Neg => UnaryOp::Neg,
                    hx::UnaryOperator::Not => UnaryOp::Not,
                };
                ExprKind::Unary(op, Box::new(self.expr(&u.expr, &range)))
            }
            Expression::BinaryOp(b) => {
                use hx::BinaryOperator as B;
                let op = match b.operator.value() {
                    B::Eq => BinaryOp::Eq,
                    B::NotEq => BinaryOp::NotEq,
                    B::LessEq => BinaryOp::LessEq,
                    B::GreaterEq => BinaryOp::GreaterEq,
                    B::Less => BinaryOp::Less,
                    B::Greater => BinaryOp::Greater,
                    B::Mul => BinaryOp::Mul,
                    B::Div => BinaryOp::Div,
                    B::Mod => BinaryOp::Mod,
                    B::Plus => BinaryOp::Add,
                    B::Minus => BinaryOp::Sub,
                    B::And => BinaryOp::And,
                    B::Or => BinaryOp::Or,
                };
                ExprKind::Binary(
                    op,
                    Box::new(self.expr(&b.lhs_expr, &range)),
                    Box::new(self.expr(&b.rhs_expr, &range)),
                )
            }
            Expression::ForExpr(f) => ExprKind::For(Box::new(ForExpr {
                key_var: f.intro.key_var.as_ref().map(|k| k.as_str().to_string()),
                value_var: f.intro.value_var.as_str().to_string(),
                collection: self.expr(&f.intro.collection_expr, &range),
                key: f.key_expr.as_ref().map(|k| self.expr(k, &range)),
                value: self.expr(&f.value_expr, &range),
                cond: f.cond.as_ref().map(|c| self.expr(&c.expr, &range)),
                group: f.grouping,
            })),
        };
        self.mk(kind, range)
    }

    /// `root.a[0]...`: the longest static prefix becomes a scope traversal; the rest are operations.
    fn traversal(&self, t: &hx::Traversal, range: SourceRange) -> Expr {
        let ops = &t.operators;
        let mut i = 0;
        let base = if let Expression::Variable(v) = &t.expr {
            let root_range = self.range(v.span(), &range);
            let mut steps = Vec::new();
            while i < ops.len() {
                let op_range = self.range(ops[i].span(), &range);
                match ops[i].value() {
                    TraversalOperator::GetAttr(name) => {
                        steps.push(TraversalStep::Attr(name.as_str().to_string(), op_range))
                    }
                    TraversalOperator::LegacyIndex(n) => steps.push(TraversalStep::Index(
                        Value::int(*n.value() as i64),
                        op_range,
                    )),
                    TraversalOperator::Index(x) => match self.static_key(x, &range) {
                        Some(v) => steps.push(TraversalStep::Index(v, op_range)),
                        None => break,
                    },
                    _ => break,
                }
                i += 1;
            }
            let end = steps
                .last()
                .map_or(root_range.clone(), |s| root_range.to(s.range()));
            self.mk(
                ExprKind::ScopeTraversal(Traversal {
                    root: v.as_str().to_string(),
                    root_range,
                    steps,
                }),
                end,
            )
        } else {
            self.expr(&t.expr, &range)
        };
        self.apply_ops(base, &ops[i..], &range)
    }

    fn static_key(&self, x: &Expression, range: &SourceRange) -> Option<Value> {
        match x {
            Expression::Number(_) | Expression::String(_) => match self.expr(x, range).kind {
                ExprKind::Literal(v) => Some(v),
                _ => None,
            },
            _ => None,
        }
    }

    fn apply_ops(
        &self,
        base: Expr,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        range: &SourceRange,
    ) -> Expr {
        let mut e = base;
        let mut i = 0;
        while i < ops.len() {
            let op_range = self.range(ops[i].span(), range);
            let whole = e.range.to(&op_range);
            match ops[i].value() {
                TraversalOperator::GetAttr(name) => {
                    e = self.mk(
                        ExprKind::GetAttr(Box::new(e), name.as_str().to_string()),
                        whole,
                    );
                }
                TraversalOperator::LegacyIndex(n) => {
                    let key = self.mk(ExprKind::Literal(Value::int(*n.value() as i64)), op_range);
                    e = self.mk(ExprKind::Index(Box::new(e), Box::new(key)), whole);
                }
                TraversalOperator::Index(x) => {
                    let key = self.expr(x, &op_range);
                    e = self.mk(ExprKind::Index(Box::new(e), Box::new(key)), whole);
                }
                TraversalOperator::FullSplat(_) => {
                    let item = self.mk(ExprKind::SplatItem, op_range.clone());
                    let each = self.apply_ops(item, &ops[i + 1..], range);
                    let whole = e.range.to(&each.range);
                    return self.mk(
                        ExprKind::Splat {
                            source: Box::new(e),
                            each: Box::new(each),
                        },
                        whole,
                    );
                }
                TraversalOperator::AttrSplat(_) => {
                    let mut j = i + 1;
                    while j < ops.len() && matches!(ops[j].value(), TraversalOperator::GetAttr(_)) {
                        j += 1;
                    }
                    let item = self.mk(ExprKind::SplatItem, op_range.clone());
                    let each = self.apply_ops(item, &ops[i + 1..j], range);
                    let whole = e.range.to(&each.range);
                    e = self.mk(
                        ExprKind::Splat {
                            source: Box::new(e),
                            each: Box::new(each),
                        },
                        whole,
                    );
                    i = j;
                    continue;
                }
            }
            i += 1;
        }
        e
    }

    /// A template: literal text only becomes a literal string, a lone interpolation keeps its value's
    /// type, anything else produces a string.
    fn template_expr(&self, t: &ht::Template, range: &SourceRange, unwrap_single: bool) -> Expr {
        let mut toks = Vec::new();
        self.flatten(t, range, &mut toks);
        apply_strips(&mut toks);
        let mut pos = 0;
        let parts = build_parts(&mut toks, &mut pos);
        if parts.is_empty() {
            return self.mk(ExprKind::Literal(Value::string("")), range.clone());
        }
        if parts.len() == 1 {
            match &parts[0] {
                TemplatePart::Literal(s) => {
                    return self.mk(ExprKind::Literal(Value::string(s)), range.clone());
                }
                TemplatePart::Interp(e) if unwrap_single => {
                    return self.mk(ExprKind::TemplateWrap(Box::new(e.clone())), range.clone());
                }
                _ => {}
            }
        }
        self.mk(ExprKind::Template(parts), range.clone())
    }

    fn flatten(&self, t: &ht::Template, range: &SourceRange, out: &mut Vec<Tok>) {
        for el in t.iter() {
            match el {
                Element::Literal(s) => out.push(Tok::Lit(unescape_template_markers(s.value()))),
                Element::Interpolation(i) => {
                    out.push(Tok::Interp(self.expr(&i.expr, range), i.strip))
                }
                Element::Directive(dir) => match &**dir {
                    Directive::If(d) => {
                        out.push(Tok::If(
                            self.expr(&d.if_expr.cond_expr, range),
                            d.if_expr.strip,
                        ));
                        self.flatten(&d.if_expr.template, range, out);
                        if let Some(e) = &d.else_expr {
                            out.push(Tok::Else(e.strip));
                            self.flatten(&e.template, range, out);
                        }
                        out.push(Tok::EndIf(d.endif_expr.strip));
                    }
                    Directive::For(d) => {
                        out.push(Tok::For(
                            d.for_expr.key_var.as_ref().map(|k| k.as_str().to_string()),
                            d.for_expr.value_var.as_str().to_string(),
                            self.expr(&d.for_expr.collection_expr, range),
                            d.for_expr.strip,
                        ));
                        self.flatten(&d.for_expr.template, range, out);
                        out.push(Tok::EndFor(d.endfor_expr.strip));
                    }
                },
            }
        }
    }
}

/// `$${` and `%%{` stand for a literal `${` and `%{`.
fn unescape_template_markers(s: &str) -> String {
    if s.contains("$${") || s.contains("%%{") {
        s.replace("$${", "${").replace("%%{", "%{")
    } else {
        s.to_string()
    }
}

fn strip_of(t: &Tok) -> Option<Strip> {
    match t {
        Tok::Lit(_) => None,
        Tok::Interp(_, s)
        | Tok::If(_, s)
        | Tok::Else(s)
        | Tok::EndIf(s)
        | Tok::For(_, _, _, s)
        | Tok::EndFor(s) => Some(*s),
    }
}

const TEMPLATE_SPACE: &[char] = &[' ', '\t', '\r', '\n'];

fn apply_strips(toks: &mut [Tok]) {
    for i in 0..toks.len() {
        let Some(strip) = strip_of(&toks[i]) else {
            continue;
        };
        if matches!(strip, Strip::Start | Strip::Both) && i > 0 {
            if let Tok::Lit(s) = &mut toks[i - 1] {
                *s = s.trim_end_matches(TEMPLATE_SPACE).to_string();
            }
        }
        if matches!(strip, Strip::End | Strip::Both) && i + 1 < toks.len() {
            if let Tok::Lit(s) = &mut toks[i + 1] {
                *s = s.trim_start_matches(TEMPLATE_SPACE).to_string();
            }
        }
    }
}

fn build_parts(toks: &mut Vec<Tok>, pos: &mut usize) -> Vec<TemplatePart> {
    let mut parts = Vec::new();
    while *pos < toks.len() {
        match std::mem::replace(&mut toks[*pos], Tok::Lit(String::new())) {
            Tok::Lit(s) => {
                *pos += 1;
                if !s.is_empty() {
                    parts.push(TemplatePart::Literal(s));
                }
            }
            Tok::Interp(e, _) => {
                *pos += 1;
                parts.push(TemplatePart::Interp(e));
            }
            Tok::If(cond, _) => {
                *pos += 1;
                let then = build_parts(toks, pos);
                let mut otherwise = Vec::new();
                if *pos < toks.len() && matches!(toks[*pos], Tok::Else(_)) {
                    *pos += 1;
                    otherwise = build_parts(toks, pos);
                }
                if *pos < toks.len() && matches!(toks[*pos], Tok::EndIf(_)) {
                    *pos += 1;
                }
                parts.push(TemplatePart::If {
                    cond,
                    then,
                    otherwise,
                });
            }
            Tok::For(key_var, value_var, collection, _) => {
                *pos += 1;
                let body = build_parts(toks, pos);
                if *pos < toks.len() && matches!(toks[*pos], Tok::EndFor(_)) {
                    *pos += 1;
                }
                parts.push(TemplatePart::For {
                    key_var,
                    value_var,
                    collection,
                    body,
                });
            }
            t @ (Tok::Else(_) | Tok::EndIf(_) | Tok::EndFor(_)) => {
                toks[*pos] = t;
                return parts;
            }
        }
    }
    parts
}
