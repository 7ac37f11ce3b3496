//! The native syntax parser: a recursive-descent parser over the source text that builds the syntax
//! tree directly, with HCL's grammar, operator precedence, newline rules and error messages.
//!
//! It reads the text once, without a separate token stream: newlines are whitespace inside
//! parentheses, brackets, function arguments, `for` expressions and template interpolations, and end
//! the item in bodies and object constructors (`newlines` says which applies). Positions are turned
//! into lines and columns as nodes are built, through a line index with a cache of the last line,
//! since the parser mostly moves forward.

use super::Source;
use crate::ast::{
    BinaryOp, Call, Expr, ExprKind, ForExpr, ObjectKey, TemplatePart, Traversal, TraversalStep,
    UnaryOp,
};
use crate::body::{Attribute, Block, Body};
use std::cell::Cell;
use terrane_diagnostics::{Diagnostic, Diagnostics, Pos, SourceRange};
use terrane_values::{Number, Value};
use unicode_segmentation::UnicodeSegmentation;

type PResult<T> = Result<T, Box<Diagnostic>>;

/// How a template ends: a closing quote, a heredoc's closing delimiter line, or the end of the text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TemplateMode<'d> {
    Quoted,
    Heredoc { delim: &'d str, flush: bool },
    Bare,
}

/// Strip markers of an interpolation or directive: `~` after the opening, `~` before the closing.
#[derive(Clone, Copy, Default)]
struct Strip {
    before: bool,
    after: bool,
}

/// A template read as a flat sequence, directives as opening and closing tokens.
enum Tok {
    Lit(String),
    Interp(Expr, Strip),
    If(Expr, Strip),
    Else(Strip),
    EndIf(Strip),
    For(Option<String>, String, Expr, Strip),
    EndFor(Strip),
}

impl Tok {
    fn strip(&self) -> Option<Strip> {
        match self {
            Tok::Lit(_) => None,
            Tok::Interp(_, s)
            | Tok::If(_, s)
            | Tok::Else(s)
            | Tok::EndIf(s)
            | Tok::For(_, _, _, s)
            | Tok::EndFor(s) => Some(*s),
        }
    }
}

pub(crate) struct Parser<'s, 'a> {
    src: &'s Source<'a>,
    text: &'a str,
    b: &'a [u8],
    pos: usize,
    /// Whether a newline ends the current construct (bodies, object constructors) or is whitespace.
    newlines: bool,
    /// The line of the last position looked up, where the next one most likely is.
    line_hint: Cell<Pos>,
}

fn boxed(d: Diagnostic) -> Box<Diagnostic> {
    Box::new(d)
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

impl<'s, 'a> Parser<'s, 'a> {
    pub fn new(src: &'s Source<'a>) -> Parser<'s, 'a> {
        Parser {
            src,
            text: src.text,
            b: src.text.as_bytes(),
            pos: 0,
            newlines: true,
            line_hint: Cell::new(Pos::default()),
        }
    }

    // ---- positions and errors

    fn range(&self, start: usize, end: usize) -> SourceRange {
        let max = self.src.file_text.len();
        let s = (start + self.src.offset).min(max);
        let e = (end + self.src.offset).min(max).max(s);
        let mut hint = self.line_hint.get();
        let start = self.src.lines.pos_hinted(self.src.file_text, s, &mut hint);
        let end = self.src.lines.pos_hinted(self.src.file_text, e, &mut hint);
        self.line_hint.set(hint);
        SourceRange {
            file: self.src.name.clone(),
            start,
            end,
        }
    }

    fn error(&self, start: usize, end: usize, summary: &str, detail: &str) -> Box<Diagnostic> {
        boxed(Diagnostic::error(summary, detail).with_subject(self.range(start, end)))
    }

    /// The end of the token at `at`, as HCL's scanner would cut it: a whole name or number, a two- or
    /// three-character operator, or one character.
    fn token_end(&self, at: usize) -> usize {
        let rest = &self.text[at..];
        let Some(c) = rest.chars().next() else {
            return at;
        };
        if is_ident_start(c) {
            return at
                + rest
                    .char_indices()
                    .find(|&(i, ch)| i > 0 && !is_ident_continue(ch))
                    .map_or(rest.len(), |(i, _)| i);
        }
        if c.is_ascii_digit() {
            return at + rest.bytes().take_while(|b| b.is_ascii_digit()).count();
        }
        for op in [
            "...", "==", "!=", "<=", ">=", "&&", "||", "=>", "::", "${", "%{", "<<",
        ] {
            if rest.starts_with(op) {
                return at + op.len();
            }
        }
        at + c.len_utf8()
    }

    /// An error about the token at the current position. At the end of the text, the range is the
    /// one character past it, as Terraform shows it; a character the language does not use gets
    /// Terraform's diagnostic for it instead.
    fn error_here(&self, summary: &str, detail: &str) -> Box<Diagnostic> {
        if let Some(d) = self.invalid_character() {
            return d;
        }
        if self.pos >= self.b.len() {
            let mut range = self.range(self.pos, self.pos);
            range.end.column += 1;
            range.end.byte += 1;
            return boxed(Diagnostic::error(summary, detail).with_subject(range));
        }
        self.error(self.pos, self.token_end(self.pos), summary, detail)
    }

    /// Terraform's diagnostic for a character at the current position that no token starts with.
    fn invalid_character(&self) -> Option<Box<Diagnostic>> {
        let c = self.peek_char()?;
        let next = self.peek_at(1);
        let (summary, detail) = match c {
            '&' if next != Some(b'&') => (
                "Unsupported operator",
                "Bitwise operators are not supported. Did you mean boolean AND (\"&&\")?",
            ),
            '|' if next != Some(b'|') => (
                "Unsupported operator",
                "Bitwise operators are not supported. Did you mean boolean OR (\"||\")?",
            ),
            '~' => (
                "Unsupported operator",
                "Bitwise operators are not supported. Did you mean boolean NOT (\"!\")?",
            ),
            '^' => (
                "Unsupported operator",
                "Bitwise operators are not supported.",
            ),
            ';' => (
                "Invalid character",
                "The \";\" character is not valid. Use newlines to separate arguments and blocks, and commas to separate items in collection values.",
            ),
            '`' => (
                "Invalid character",
                "The \"`\" character is not valid. To create a multi-line string, use the \"heredoc\" syntax, like \"<<EOT\".",
            ),
            '\'' => (
                "Invalid character",
                "Single quotes are not valid. Use double quotes (\") to enclose strings.",
            ),
            _ if is_ident_start(c) || c.is_ascii_digit() || c.is_whitespace() => return None,
            _ if "+-*/%=!<>()[]{},.:?\"#&|".contains(c) => return None,
            _ => (
                "Invalid character",
                "This character is not used within the language.",
            ),
        };
        Some(self.error(self.pos, self.pos + c.len_utf8(), summary, detail))
    }

    // ---- characters

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<u8> {
        self.b.get(self.pos + n).copied()
    }

    fn starts(&self, s: &str) -> bool {
        self.b[self.pos..].starts_with(s.as_bytes())
    }

    fn peek_char(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    /// Skips spaces, tabs, carriage returns and comments, and newlines when they are whitespace here.
    fn skip_ws(&mut self) {
        self.skip(!self.newlines);
    }

    /// Skips whitespace and comments, newlines included.
    fn skip_ws_nl(&mut self) {
        self.skip(true);
    }

    #[inline]
    fn skip(&mut self, newlines: bool) {
        // Most calls find a token right away.
        match self.peek() {
            Some(b' ' | b'\t' | b'\r' | b'#' | b'/') => {}
            Some(b'\n') if newlines => {}
            _ => return,
        }
        self.skip_slow(newlines);
    }

    fn skip_slow(&mut self, newlines: bool) {
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' if newlines => self.pos += 1,
                b'#' => self.skip_line_comment(),
                b'/' if self.peek_at(1) == Some(b'/') => self.skip_line_comment(),
                // An unterminated block comment is not a comment: its `/` is read as an operator.
                b'/' if self.peek_at(1) == Some(b'*') => match self.text[self.pos + 2..].find("*/")
                {
                    Some(i) => self.pos += 2 + i + 2,
                    None => break,
                },
                _ => break,
            }
        }
    }

    fn skip_line_comment(&mut self) {
        match memchr_newline(&self.b[self.pos..]) {
            Some(i) => self.pos += i,
            None => self.pos = self.b.len(),
        }
    }

    /// Skips whitespace, then consumes `s` if it is next.
    fn eat(&mut self, s: &str) -> bool {
        self.skip_ws();
        if self.starts(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    /// Runs `f` with newlines significant or not, restoring the previous rule afterwards.
    fn with_newlines<T>(&mut self, significant: bool, f: impl FnOnce(&mut Self) -> T) -> T {
        let saved = std::mem::replace(&mut self.newlines, significant);
        let out = f(self);
        self.newlines = saved;
        out
    }

    /// An identifier at the current position (no whitespace skipped): its text and start.
    fn ident(&mut self) -> Option<(&'a str, usize)> {
        let start = self.pos;
        let first = self.peek_char()?;
        if !is_ident_start(first) {
            return None;
        }
        let mut end = start + first.len_utf8();
        // Fast path for ASCII names, which nearly all are.
        while end < self.b.len() {
            let c = self.b[end];
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' {
                end += 1;
            } else if c < 0x80 {
                break;
            } else {
                let ch = self.text[end..].chars().next().expect("char boundary");
                if is_ident_continue(ch) {
                    end += ch.len_utf8();
                } else {
                    break;
                }
            }
        }
        self.pos = end;
        Some((&self.text[start..end], start))
    }

    fn at_ident_start(&self) -> bool {
        self.peek_char().is_some_and(is_ident_start)
    }

    // ---- bodies

    /// A file's body, up to the end of the text. Errors are collected, one for each item that cannot
    /// be read; the parser then resumes at the next line.
    pub fn file_body(&mut self, diags: &mut Diagnostics) -> Body {
        let whole = self.range(0, self.b.len());
        let mut body = Body::empty(whole);
        if let Err(d) = self.body_items(&mut body, None, diags) {
            diags.push(*d);
        }
        body
    }

    /// The start of the first top-level item at or after `at`, found by skipping items unparsed:
    /// where a large file can be cut into parts parsed apart. `None` at the end of the text.
    pub fn item_start_after(&mut self, at: usize) -> Option<usize> {
        loop {
            self.skip_ws_nl();
            if self.pos >= self.b.len() {
                return None;
            }
            if self.pos >= at {
                return Some(self.pos);
            }
            self.skip_item();
        }
    }

    /// Only the top-level blocks of the given kinds; everything else is skipped over without being
    /// parsed (for reading the `terraform` block of a large configuration quickly).
    pub fn file_blocks_of(&mut self, kinds: &[&str], diags: &mut Diagnostics) -> Body {
        let whole = self.range(0, self.b.len());
        let mut body = Body::empty(whole);
        loop {
            self.skip_ws_nl();
            if self.pos >= self.b.len() {
                return body;
            }
            let save = self.pos;
            let wanted = self.ident().is_some_and(|(name, _)| kinds.contains(&name));
            self.pos = save;
            if !wanted {
                self.skip_item();
                continue;
            }
            if let Err(d) = self.body_item(&mut body, diags) {
                diags.push(*d);
                return body;
            }
        }
    }

    /// Skips one top-level item: to the first newline outside brackets, strings, heredocs and
    /// comments.
    fn skip_item(&mut self) {
        /// The bytes `skip_item` acts on outside quoted strings, and inside them.
        static CODE_STOPS: [bool; 256] = byte_set(b"\n\"{[(}])#/<");
        static QUOTED_STOPS: [bool; 256] = byte_set(b"\\\"\n$%");
        // Open brackets, and whether each is a template interpolation inside a quoted string.
        let mut stack: Vec<bool> = Vec::new();
        let mut quoted = false;
        loop {
            // Runs of bytes that change nothing are passed over in a tight loop.
            let stops = if quoted { &QUOTED_STOPS } else { &CODE_STOPS };
            while self
                .b
                .get(self.pos)
                .is_some_and(|&c| !stops[usize::from(c)])
            {
                self.pos += 1;
            }
            let Some(c) = self.peek() else { return };
            if quoted {
                match c {
                    b'\\' => self.pos += 1,
                    b'"' | b'\n' => quoted = false,
                    b'$' | b'%' if self.peek_at(1) == Some(b'{') => {
                        stack.push(true);
                        quoted = false;
                        self.pos += 1;
                    }
                    _ => {}
                }
                self.pos += 1;
                continue;
            }
            match c {
                b'\n' if stack.is_empty() => return,
                b'"' => quoted = true,
                b'{' | b'[' | b'(' => stack.push(false),
                b'}' | b']' | b')' => {
                    if stack.pop() == Some(true) {
                        quoted = true;
                    }
                }
                b'#' => {
                    self.skip_line_comment();
                    continue;
                }
                b'/' if matches!(self.peek_at(1), Some(b'/' | b'*')) => {
                    let before = self.pos;
                    self.skip(false);
                    if self.pos == before {
                        self.pos += 1;
                    }
                    continue;
                }
                b'<' if self.starts("<<") => {
                    let start = self.pos;
                    self.pos += if self.peek_at(2) == Some(b'-') { 3 } else { 2 };
                    if let Some((delim, _)) = self.ident() {
                        if self.peek() == Some(b'\n') || self.starts("\r\n") {
                            loop {
                                match memchr_newline(&self.b[self.pos..]) {
                                    Some(i) => self.pos += i + 1,
                                    None => {
                                        self.pos = self.b.len();
                                        return;
                                    }
                                }
                                if let Some(end) = self.at_heredoc_end(delim) {
                                    self.pos = end;
                                    break;
                                }
                            }
                            continue;
                        }
                    }
                    self.pos = start + 1;
                    continue;
                }
                _ => {}
            }
            self.pos += 1;
        }
    }

    /// Items up to the end of the text, or, in a block opened at `open`, up to its closing brace
    /// (left unread). A block left open at the end of the file ends the parse with an error.
    fn body_items(
        &mut self,
        body: &mut Body,
        open: Option<usize>,
        diags: &mut Diagnostics,
    ) -> PResult<()> {
        loop {
            self.skip_ws_nl();
            match (self.peek(), open) {
                (None, None) | (Some(b'}'), Some(_)) => return Ok(()),
                (None, Some(_)) => {
                    return Err(self.error_here(
                        "Argument or block definition required",
                        "An argument or block definition is required here.",
                    ));
                }
                _ => {}
            }
            if let Err(d) = self.body_item(body, diags) {
                if self.pos >= self.b.len() {
                    return Err(d);
                }
                diags.push(*d);
                self.recover_line();
            }
        }
    }

    /// Skips to the end of the current line, past any brackets opened on it; always past at least
    /// the character where the error was.
    fn recover_line(&mut self) {
        let start = self.pos;
        self.recover_line_from();
        if self.pos == start {
            self.pos += self.peek_char().map_or(0, char::len_utf8);
        }
    }

    fn recover_line_from(&mut self) {
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            match c {
                b'\n' if depth == 0 => return,
                b'{' | b'[' | b'(' => depth += 1,
                b'}' | b']' | b')' => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                }
                b'"' => {
                    self.pos += 1;
                    while let Some(c) = self.peek() {
                        self.pos += 1;
                        match c {
                            b'\\' => self.pos += 1,
                            b'"' | b'\n' => break,
                            _ => {}
                        }
                    }
                    continue;
                }
                _ => {}
            }
            self.pos += 1;
        }
    }

    fn body_item(&mut self, body: &mut Body, diags: &mut Diagnostics) -> PResult<()> {
        if self.peek() == Some(b'"') {
            return Err(self.error(
                self.pos,
                self.pos + 1,
                "Invalid argument name",
                "Argument names must not be quoted.",
            ));
        }
        let Some((name, name_start)) = self.ident() else {
            return Err(self.error_here(
                "Argument or block definition required",
                "An argument or block definition is required here.",
            ));
        };
        let name_end = self.pos;
        self.skip(false);
        let block_next = matches!(self.peek(), Some(b'{' | b'"')) || self.at_ident_start();
        if !block_next && (self.peek() != Some(b'=') || self.peek_at(1) == Some(b'=')) {
            return Err(self.error(
                name_start,
                name_end,
                "Argument or block definition required",
                "An argument or block definition is required here. To set an argument, use the equals sign \"=\" to introduce the argument value.",
            ));
        }
        if self.peek() == Some(b'=') {
            self.pos += 1;
            let attr = self.attribute_rest(name, name_start, name_end)?;
            self.end_of_item(
                "Missing newline after argument",
                "An argument definition must end with a newline.",
            )?;
            push_attr(body, attr, diags);
            return Ok(());
        }
        let block = self.block_rest(name, name_start, name_end, diags)?;
        self.end_of_item(
            "Missing newline after block definition",
            "A block definition must end with a newline.",
        )?;
        body.blocks.push(block);
        Ok(())
    }

    /// After an argument or block: a newline, the end of the file, or a comment running to either.
    fn end_of_item(&mut self, summary: &str, detail: &str) -> PResult<()> {
        self.skip(false);
        match self.peek() {
            None | Some(b'\n') => Ok(()),
            _ => Err(self.error_here(summary, detail)),
        }
    }

    fn attribute_rest(&mut self, name: &str, start: usize, name_end: usize) -> PResult<Attribute> {
        let expr = self.with_newlines(true, |p| p.expr())?;
        let name_range = self.range(start, name_end);
        let range = name_range.to(&expr.range);
        Ok(Attribute {
            name: name.to_string(),
            expr,
            name_range,
            range,
        })
    }

    fn block_rest(
        &mut self,
        kind: &str,
        start: usize,
        kind_end: usize,
        diags: &mut Diagnostics,
    ) -> PResult<Block> {
        let kind_range = self.range(start, kind_end);
        let mut labels = Vec::new();
        let mut label_ranges = Vec::new();
        loop {
            self.skip(false);
            match self.peek() {
                Some(b'{') => break,
                Some(b'"') => {
                    let l_start = self.pos;
                    self.pos += 1;
                    let toks = self.template_toks(TemplateMode::Quoted)?;
                    let mut text = String::new();
                    for t in toks.toks {
                        match t {
                            Tok::Lit(s) => text.push_str(&s),
                            _ => {
                                return Err(self.error(
                                    l_start,
                                    self.pos,
                                    "Invalid block label",
                                    "Template sequences are not allowed in block labels.",
                                ));
                            }
                        }
                    }
                    labels.push(text);
                    label_ranges.push(self.range(l_start, self.pos));
                }
                _ if self.at_ident_start() => {
                    let (label, l_start) = self.ident().expect("identifier");
                    labels.push(label.to_string());
                    label_ranges.push(self.range(l_start, self.pos));
                }
                Some(b'=') => {
                    return Err(self.error_here(
                        "Invalid block definition",
                        "The equals sign \"=\" indicates an argument definition, and must not be used when defining a block.",
                    ));
                }
                Some(b'\n') => {
                    return Err(self.error_here(
                        "Invalid block definition",
                        "A block definition must have block content delimited by \"{\" and \"}\", starting on the same line as the block header.",
                    ));
                }
                _ => {
                    return Err(self.error_here(
                        "Invalid block definition",
                        "Either a quoted string block label or an opening brace (\"{\") is expected here.",
                    ));
                }
            }
        }
        let def_range = match label_ranges.last() {
            Some(last) => kind_range.to(last),
            None => kind_range.clone(),
        };
        let open = self.pos;
        self.pos += 1; // `{`
        let mut body = Body::empty(def_range.clone());
        self.skip(false);
        match self.peek() {
            Some(b'\n') | None => {
                self.with_newlines(true, |p| p.body_items(&mut body, Some(open), diags))?;
            }
            Some(b'}') => {}
            _ => {
                // A single-line block: `name { arg = value }`.
                let Some((name, n_start)) = self.ident() else {
                    return Err(self.error_here(
                        "Argument or block definition required",
                        "An argument or block definition is required here.",
                    ));
                };
                let n_end = self.pos;
                if !self.eat("=") || self.starts("=") {
                    let end = self.token_end(self.pos);
                    return Err(self.error(
                        n_start,
                        end,
                        "Argument definition required",
                        &format!("A single-line block definition can contain only a single argument. If you meant to define argument {name:?}, use an equals sign to assign it a value. To define a nested block, place it on a line of its own within its parent block."),
                    ));
                }
                let attr = self.attribute_rest(name, n_start, n_end)?;
                body.attrs.push(attr);
                self.skip(false);
                if self.peek() != Some(b'}') {
                    return Err(self.error_here(
                        "Invalid single-argument block definition",
                        "Single-line block syntax can include only one argument definition. To define multiple arguments, use the multi-line block syntax with one argument definition per line.",
                    ));
                }
            }
        }
        self.pos += 1; // `}`
        body.range = self.range(open, self.pos);
        Ok(Block {
            kind: kind.to_string(),
            labels,
            label_ranges,
            body,
            def_range,
        })
    }

    // ---- expressions

    /// A whole standalone expression, nothing after it (newlines are whitespace).
    pub fn standalone_expr(&mut self) -> PResult<Expr> {
        self.newlines = false;
        let e = self.expr()?;
        self.skip_ws_nl();
        if self.pos < self.b.len() {
            return Err(self.error_here(
                "Extra characters after expression",
                "An expression was successfully parsed, but extra characters were found after it.",
            ));
        }
        Ok(e)
    }

    /// `cond ? a : b`, or an operation.
    fn expr(&mut self) -> PResult<Expr> {
        let cond = self.binary(0)?;
        if !self.eat("?") {
            return Ok(cond);
        }
        let yes = self.expr()?;
        self.skip_ws();
        if !self.eat(":") {
            return Err(self.error_here(
                "Missing false expression in conditional",
                "The conditional operator (...?...:...) requires a false expression, delimited by a colon.",
            ));
        }
        let no = self.expr()?;
        let range = cond.range.to(&no.range);
        Ok(Expr {
            kind: ExprKind::Conditional(Box::new(cond), Box::new(yes), Box::new(no)),
            range,
        })
    }

    /// Binary operations whose operators bind at least as tightly as `min_level` (precedence
    /// climbing: operators of one level combine left to right, `a - b - c` is `(a - b) - c`).
    fn binary(&mut self, min_level: usize) -> PResult<Expr> {
        let mut lhs = self.term_with_traversals()?;
        loop {
            self.skip_ws();
            let Some((op, level, len)) = self.binary_op() else {
                return Ok(lhs);
            };
            if level < min_level {
                return Ok(lhs);
            }
            self.pos += len;
            let rhs = self.binary(level + 1)?;
            let range = lhs.range.to(&rhs.range);
            lhs = Expr {
                kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                range,
            };
        }
    }

    /// The binary operator at the current position, with its precedence level (0 binds loosest)
    /// and length, without consuming it.
    fn binary_op(&self) -> Option<(BinaryOp, usize, usize)> {
        let next = self.peek_at(1);
        Some(match (self.peek()?, next) {
            (b'|', Some(b'|')) => (BinaryOp::Or, 0, 2),
            (b'&', Some(b'&')) => (BinaryOp::And, 1, 2),
            (b'=', Some(b'=')) => (BinaryOp::Eq, 2, 2),
            (b'!', Some(b'=')) => (BinaryOp::NotEq, 2, 2),
            (b'>', Some(b'=')) => (BinaryOp::GreaterEq, 3, 2),
            (b'<', Some(b'=')) => (BinaryOp::LessEq, 3, 2),
            (b'>', _) => (BinaryOp::Greater, 3, 1),
            (b'<', next) if next != Some(b'<') => (BinaryOp::Less, 3, 1),
            (b'+', _) => (BinaryOp::Add, 4, 1),
            (b'-', _) => (BinaryOp::Sub, 4, 1),
            (b'*', _) => (BinaryOp::Mul, 5, 1),
            (b'/', _) => (BinaryOp::Div, 5, 1),
            (b'%', _) => (BinaryOp::Mod, 5, 1),
            _ => return None,
        })
    }

    /// A term with its index, attribute and splat operations, or a unary operation on one.
    fn term_with_traversals(&mut self) -> PResult<Expr> {
        self.skip_ws();
        let start = self.pos;
        let op = match self.peek() {
            Some(b'-') => Some(UnaryOp::Neg),
            Some(b'!') if self.peek_at(1) != Some(b'=') => Some(UnaryOp::Not),
            _ => None,
        };
        if let Some(op) = op {
            self.pos += 1;
            let operand = self.term_with_traversals()?;
            let range = self.range(start, start + 1).to(&operand.range);
            return Ok(Expr {
                kind: ExprKind::Unary(op, Box::new(operand)),
                range,
            });
        }
        let term = self.term()?;
        self.traversals(term)
    }

    fn term(&mut self) -> PResult<Expr> {
        let start = self.pos;
        match self.peek() {
            Some(b'(') => {
                self.pos += 1;
                let inner = self.with_newlines(false, |p| {
                    let e = p.expr()?;
                    if !p.eat(")") {
                        return Err(p.error_here(
                            "Unbalanced parentheses",
                            "Expected a closing parenthesis to terminate the expression.",
                        ));
                    }
                    Ok(e)
                })?;
                Ok(Expr {
                    kind: ExprKind::Parens(Box::new(inner)),
                    range: self.range(start, self.pos),
                })
            }
            Some(b'0'..=b'9') => self.number(),
            Some(b'"') => {
                self.pos += 1;
                let toks = self.template_toks(TemplateMode::Quoted)?;
                self.template_expr(toks, start, TemplateMode::Quoted)
            }
            Some(b'<') if self.starts("<<") => self.heredoc(),
            Some(b'[') => self.tuple_or_for(),
            Some(b'{') => self.object_or_for(),
            _ if self.at_ident_start() => self.name_term(),
            _ => Err(self.error_here(
                "Invalid expression",
                "Expected the start of an expression, but found an invalid expression token.",
            )),
        }
    }

    fn number(&mut self) -> PResult<Expr> {
        let start = self.pos;
        self.digits();
        if self.peek() == Some(b'.') && self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            let save = self.pos;
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.digits();
            } else {
                self.pos = save;
            }
        }
        let text = &self.text[start..self.pos];
        let n = Number::parse(text).map_err(|_| {
            self.error(
                start,
                self.pos,
                "Invalid number literal",
                &format!("Failed to recognize the value of this number literal: {text}."),
            )
        })?;
        Ok(Expr {
            kind: ExprKind::Literal(Value::number(n)),
            range: self.range(start, self.pos),
        })
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    /// A keyword, a function call or the root of a reference.
    fn name_term(&mut self) -> PResult<Expr> {
        let (first, start) = self.ident().expect("identifier");
        let first_end = self.pos;
        // Function names may be namespaced: `provider::aws::arn_parse(...)`.
        let mut name_end = first_end;
        let mut namespaced = false;
        loop {
            let save = self.pos;
            self.skip_ws();
            if self.starts("::") {
                self.pos += 2;
                self.skip_ws();
                if self.ident().is_none() {
                    return Err(self.error_here(
                        "Missing function name",
                        "Function scope resolution symbol :: must be followed by a function name in this scope.",
                    ));
                }
                name_end = self.pos;
                namespaced = true;
                continue;
            }
            self.pos = save;
            break;
        }
        let save = self.pos;
        self.skip_ws();
        if self.peek() == Some(b'(') {
            let text = self.text;
            return self.call(&text[start..name_end], start, name_end);
        }
        if namespaced {
            return Err(self.error_here(
                "Missing function call",
                "A function name must be followed by an opening parenthesis to call it.",
            ));
        }
        self.pos = save;
        let range = self.range(start, first_end);
        let kind = match first {
            "true" => ExprKind::Literal(Value::bool(true)),
            "false" => ExprKind::Literal(Value::bool(false)),
            "null" => ExprKind::Literal(Value::null_dynamic()),
            _ => ExprKind::ScopeTraversal(Box::new(Traversal {
                root: first.to_string(),
                root_range: range.clone(),
                steps: Vec::new(),
            })),
        };
        Ok(Expr { kind, range })
    }

    fn call(&mut self, name: &str, start: usize, name_end: usize) -> PResult<Expr> {
        let name: String = name.chars().filter(|c| !c.is_whitespace()).collect();
        let name_range = self.range(start, name_end);
        self.pos += 1; // `(`
        let (args, expand_final) = self.with_newlines(false, |p| {
            let mut args = Vec::new();
            let mut expand = false;
            loop {
                if p.eat(")") {
                    break;
                }
                args.push(p.expr()?);
                p.skip_ws();
                if p.starts("...") {
                    let at = p.pos;
                    p.pos += 3;
                    if !p.eat(")") {
                        return Err(p.error(
                            at,
                            at + 3,
                            "Missing closing parenthesis",
                            "An expanded function argument (with ...) must be immediately followed by closing parentheses.",
                        ));
                    }
                    expand = true;
                    break;
                }
                if p.eat(",") {
                    continue;
                }
                if p.eat(")") {
                    break;
                }
                return Err(p.error_here(
                    "Missing argument separator",
                    "A comma is required to separate each function argument from the next.",
                ));
            }
            Ok((args, expand))
        })?;
        Ok(Expr {
            kind: ExprKind::Call(Box::new(Call {
                name,
                name_range,
                args,
                expand_final,
            })),
            range: self.range(start, self.pos),
        })
    }

    /// `[a, b]` or `[for ...]`.
    fn tuple_or_for(&mut self) -> PResult<Expr> {
        let start = self.pos;
        self.pos += 1;
        self.with_newlines(false, |p| {
            if p.at_keyword("for") {
                return p.for_expr(start, b']');
            }
            let mut items = Vec::new();
            loop {
                if p.eat("]") {
                    break;
                }
                items.push(p.expr()?);
                if p.eat(",") {
                    continue;
                }
                if p.eat("]") {
                    break;
                }
                return Err(p.error_here(
                    "Missing item separator",
                    "Expected a comma to mark the beginning of the next item.",
                ));
            }
            Ok(Expr {
                kind: ExprKind::Tuple(items),
                range: p.range(start, p.pos),
            })
        })
    }

    /// Whether the keyword is next (after whitespace), as a whole word.
    fn at_keyword(&mut self, kw: &str) -> bool {
        self.skip_ws();
        self.starts(kw)
            && !self.text[self.pos + kw.len()..]
                .chars()
                .next()
                .is_some_and(is_ident_continue)
    }

    /// `{ k = v, ... }` or `{for ...}`.
    fn object_or_for(&mut self) -> PResult<Expr> {
        let start = self.pos;
        self.pos += 1;
        if self.with_newlines(false, |p| p.at_keyword("for")) {
            return self.with_newlines(false, |p| p.for_expr(start, b'}'));
        }
        self.with_newlines(true, |p| {
            let mut items = Vec::new();
            loop {
                p.skip_ws_nl();
                if p.peek() == Some(b'}') {
                    p.pos += 1;
                    break;
                }
                let key = p.object_key()?;
                p.skip_ws();
                if !(p.eat("=") || p.eat(":")) {
                    return Err(p.error_here(
                        "Missing key/value separator",
                        "Expected an equals sign (\"=\") to mark the beginning of the attribute value.",
                    ));
                }
                let value = p.expr()?;
                items.push((key, value));
                p.skip_ws();
                match p.peek() {
                    Some(b',') | Some(b'\n') => p.pos += 1,
                    Some(b'}') => {}
                    None => {
                        return Err(p.error(
                            start,
                            start + 1,
                            "Unterminated object constructor expression",
                            "There is no corresponding closing brace before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.",
                        ));
                    }
                    _ => {
                        return Err(p.error_here(
                            "Missing attribute separator",
                            "Expected a newline or comma to mark the beginning of the next attribute.",
                        ));
                    }
                }
            }
            items.shrink_to_fit();
            Ok(Expr {
                kind: ExprKind::Object(items),
                range: p.range(start, p.pos),
            })
        })
    }

    /// An object key: a bare name is the name itself; anything else is an expression.
    fn object_key(&mut self) -> PResult<ObjectKey> {
        let key = self.with_newlines(false, |p| p.binary(0))?;
        if let ExprKind::ScopeTraversal(t) = &key.kind {
            if t.steps.is_empty() {
                return Ok(ObjectKey::Name(t.root.clone(), key.range));
            }
        }
        Ok(ObjectKey::Expr(key))
    }

    /// `for k, v in coll : ...` after the opening bracket or brace; `close` says which result.
    fn for_expr(&mut self, start: usize, close: u8) -> PResult<Expr> {
        self.pos += 3; // `for`
        self.skip_ws();
        let Some((first, _)) = self.ident() else {
            return Err(self.error_here(
                "Invalid 'for' expression",
                "For expression requires variable name after 'for'.",
            ));
        };
        let mut key_var = None;
        let mut value_var = first.to_string();
        if self.eat(",") {
            self.skip_ws();
            let Some((second, _)) = self.ident() else {
                return Err(self.error_here(
                    "Invalid 'for' expression",
                    "For expression requires value variable name after comma.",
                ));
            };
            key_var = Some(value_var);
            value_var = second.to_string();
        }
        if !self.at_keyword("in") {
            return Err(self.error_here(
                "Invalid 'for' expression",
                "For expression requires the 'in' keyword after its name declarations.",
            ));
        }
        self.pos += 2;
        let collection = self.expr()?;
        if !self.eat(":") {
            return Err(self.error_here(
                "Invalid 'for' expression",
                "For expression requires a colon after the collection expression.",
            ));
        }
        let mut key = None;
        let first = self.expr()?;
        let value = if close == b'}' {
            if !self.eat("=>") {
                return Err(boxed(
                    Diagnostic::error(
                        "Invalid 'for' expression",
                        "Key expression is required when building an object.",
                    )
                    .with_subject(first.range.clone()),
                ));
            }
            key = Some(first);
            self.expr()?
        } else {
            first
        };
        self.skip_ws();
        let group_at = self.pos;
        let group = self.eat("...");
        let mut cond = None;
        if self.at_keyword("if") {
            self.pos += 2;
            cond = Some(self.expr()?);
        }
        self.skip_ws();
        if self.peek() != Some(close) {
            let (summary, detail) = if close == b']' {
                (
                    "Invalid 'for' expression",
                    "Extra characters after the end of the 'for' expression.",
                )
            } else {
                (
                    "Invalid 'for' expression",
                    "Extra characters after the end of the 'for' expression.",
                )
            };
            return Err(self.error_here(summary, detail));
        }
        self.pos += 1;
        if group && close == b']' {
            return Err(self.error(
                group_at,
                group_at + 3,
                "Invalid 'for' expression",
                "Grouping ellipsis (...) cannot be used when building a tuple.",
            ));
        }
        Ok(Expr {
            kind: ExprKind::For(Box::new(ForExpr {
                key_var,
                value_var,
                collection,
                key,
                value,
                cond,
                group,
            })),
            range: self.range(start, self.pos),
        })
    }

    // ---- traversals

    /// Attribute, index and splat operations after a term. A reference keeps its static prefix (names
    /// and constant keys) as one traversal; the rest become operations.
    fn traversals(&mut self, mut e: Expr) -> PResult<Expr> {
        let mut static_ok = matches!(e.kind, ExprKind::ScopeTraversal(_));
        loop {
            let save = self.pos;
            self.skip_ws();
            match self.peek() {
                Some(b'.') if self.starts("...") => {
                    self.pos = save;
                    return Ok(e);
                }
                Some(b'.') if self.peek_at(1) == Some(b'*') => {
                    let star = self.pos;
                    self.pos += 2;
                    let item = Expr {
                        kind: ExprKind::SplatItem,
                        range: self.range(star, self.pos),
                    };
                    // An attribute-only splat applies the names (and legacy indexes) after it.
                    let mut each = item;
                    loop {
                        let save = self.pos;
                        self.skip_ws();
                        if self.peek() == Some(b'.')
                            && self.peek_at(1) != Some(b'*')
                            && !self.starts("...")
                        {
                            self.pos += 1;
                            each = self.dot_step(each, false)?;
                        } else {
                            self.pos = save;
                            break;
                        }
                    }
                    let range = e.range.to(&each.range);
                    e = Expr {
                        kind: ExprKind::Splat {
                            source: Box::new(e),
                            each: Box::new(each),
                        },
                        range,
                    };
                    static_ok = false;
                }
                Some(b'.') => {
                    self.pos += 1;
                    e = self.dot_step(e, static_ok)?;
                }
                Some(b'[') => {
                    let open = self.pos;
                    self.pos += 1;
                    let full_splat = self.with_newlines(false, |p| {
                        p.skip_ws();
                        if p.peek() == Some(b'*') {
                            let save = p.pos;
                            p.pos += 1;
                            if p.eat("]") {
                                return true;
                            }
                            p.pos = save;
                        }
                        false
                    });
                    if full_splat {
                        let item = Expr {
                            kind: ExprKind::SplatItem,
                            range: self.range(open, self.pos),
                        };
                        let each = self.traversals(item)?;
                        let range = e.range.to(&each.range);
                        return Ok(Expr {
                            kind: ExprKind::Splat {
                                source: Box::new(e),
                                each: Box::new(each),
                            },
                            range,
                        });
                    }
                    let key = self.with_newlines(false, |p| {
                        let k = p.expr()?;
                        if !p.eat("]") {
                            return Err(p.error_here(
                                "Missing close bracket on index",
                                "The index operator must end with a closing bracket (\"]\").",
                            ));
                        }
                        Ok(k)
                    })?;
                    let step_range = self.range(open, self.pos);
                    e = index_step(e, key, step_range, &mut static_ok);
                }
                _ => {
                    self.pos = save;
                    return Ok(e);
                }
            }
        }
    }

    /// `.name` or a legacy index `.0`, the dot already read.
    fn dot_step(&mut self, e: Expr, static_ok: bool) -> PResult<Expr> {
        let dot = self.pos - 1;
        self.skip_ws();
        if self.peek().is_some_and(|c| c.is_ascii_digit()) {
            let n_start = self.pos;
            let num = self.number()?;
            let text = &self.text[n_start..self.pos];
            if let Some((a, b)) = text.split_once('.') {
                return Err(self.error(
                    n_start,
                    self.pos,
                    "Invalid legacy index syntax",
                    &format!("When using the legacy index syntax, chaining two indexes together is not permitted. Use the proper index syntax instead, like [{a}][{b}]."),
                ));
            }
            let step_range = self.range(dot, self.pos);
            let mut s = static_ok;
            return Ok(index_step(e, num, step_range, &mut s));
        }
        let Some((name, _)) = self.ident() else {
            return Err(self.error_here(
                "Invalid attribute name",
                "An attribute name is required after a dot.",
            ));
        };
        let step_range = self.range(dot, self.pos);
        Ok(attr_step(e, name, step_range, static_ok))
    }

    // ---- templates

    fn heredoc(&mut self) -> PResult<Expr> {
        let start = self.pos;
        // `<<` (or `<<-`) starts a heredoc only when a name and a newline follow; otherwise the `<`
        // is no expression at all.
        let flush = self.peek_at(2) == Some(b'-');
        self.pos += if flush { 3 } else { 2 };
        let delim = match self.ident() {
            Some((delim, _)) if matches!(self.peek(), Some(b'\n')) || self.starts("\r\n") => delim,
            _ => {
                self.pos = start;
                return Err(self.error(
                    start,
                    start + 1,
                    "Invalid expression",
                    "Expected the start of an expression, but found an invalid expression token.",
                ));
            }
        };
        self.pos += if self.peek() == Some(b'\r') { 2 } else { 1 };
        let mode = TemplateMode::Heredoc { delim, flush };
        let t = self.template_toks(mode)?;
        self.template_expr(t, start, mode)
    }

    /// Builds the expression of a template read from `start` to the current position.
    fn template_expr(
        &self,
        t: TemplateToks,
        start: usize,
        mode: TemplateMode<'_>,
    ) -> PResult<Expr> {
        self.check_directives(&t)?;
        let mut toks = t.toks;
        let range = self.range(start, self.pos);
        apply_strips(&mut toks);
        if let TemplateMode::Heredoc { flush: true, .. } = mode {
            flush_heredoc(&mut toks);
        }
        let mut i = 0;
        let mut parts = build_parts(&mut toks, &mut i);
        let kind = match parts.len() {
            0 => ExprKind::Literal(Value::string("")),
            1 => match parts.pop().expect("one part") {
                TemplatePart::Literal(s) => ExprKind::Literal(Value::string(s)),
                TemplatePart::Interp(e) => ExprKind::TemplateWrap(Box::new(e)),
                other => ExprKind::Template(vec![other]),
            },
            _ => ExprKind::Template(parts),
        };
        Ok(Expr { kind, range })
    }

    /// The whole text as a bare template (`templatefile`): no quotes, no escapes, to the end.
    pub fn bare_template(&mut self) -> PResult<Expr> {
        let t = self.template_toks(TemplateMode::Bare)?;
        self.template_expr(t, 0, TemplateMode::Bare)
    }

    /// The end of a heredoc's closing line, if the current position (a line start) begins one: the
    /// delimiter alone on its line, after optional indentation.
    fn at_heredoc_end(&self, delim: &str) -> Option<usize> {
        let mut i = self.pos;
        while i < self.b.len() && matches!(self.b[i], b' ' | b'\t') {
            i += 1;
        }
        if !self.b[i..].starts_with(delim.as_bytes()) {
            return None;
        }
        let end = i + delim.len();
        match self.b.get(end) {
            None | Some(b'\n') => Some(end),
            Some(b'\r') if self.b.get(end + 1) == Some(&b'\n') => Some(end),
            _ => None,
        }
    }

    /// Reads a template's text up to its end, as literal, interpolation and directive tokens. A
    /// heredoc's or bare template's text is one literal per line, as Terraform scans it (strip
    /// markers then trim only the adjacent line).
    fn template_toks(&mut self, mode: TemplateMode<'_>) -> PResult<TemplateToks> {
        let mut t = TemplateToks {
            toks: Vec::new(),
            directives: Vec::new(),
            end: (0, 0),
        };
        let mut lit = String::new();
        let mut line_start = matches!(mode, TemplateMode::Heredoc { .. });
        loop {
            if line_start {
                line_start = false;
                if let TemplateMode::Heredoc { delim, .. } = mode {
                    if let Some(end) = self.at_heredoc_end(delim) {
                        t.end = (end - delim.len(), end);
                        self.pos = end;
                        break;
                    }
                }
            }
            // Copy a run of plain text at once.
            let run = self.b[self.pos..]
                .iter()
                .position(|&c| matches!(c, b'$' | b'%' | b'\\' | b'"' | b'\n'))
                .unwrap_or(self.b.len() - self.pos);
            lit.push_str(&self.text[self.pos..self.pos + run]);
            self.pos += run;
            let Some(c) = self.peek() else {
                if mode == TemplateMode::Bare {
                    t.end = (self.pos, self.pos);
                    break;
                }
                return Err(self.error_here(
                    "Unterminated template string",
                    "No closing marker was found for the string.",
                ));
            };
            match c {
                b'"' if mode == TemplateMode::Quoted => {
                    t.end = (self.pos, self.pos + 1);
                    self.pos += 1;
                    break;
                }
                b'\n' => {
                    if mode == TemplateMode::Quoted {
                        return Err(self.error_here(
                            "Invalid multi-line string",
                            "Quoted strings may not be split over multiple lines. To produce a multi-line string, either use the \\n escape to represent a newline character or use the \"heredoc\" multi-line template syntax.",
                        ));
                    }
                    self.pos += 1;
                    lit.push('\n');
                    t.toks.push(Tok::Lit(std::mem::take(&mut lit)));
                    line_start = true;
                }
                b'\\' if mode == TemplateMode::Quoted => self.escape(&mut lit)?,
                b'$' | b'%' => {
                    let marker = c;
                    if self.peek_at(1) == Some(marker) && self.peek_at(2) == Some(b'{') {
                        // `$${` and `%%{` are a literal `${` and `%{`.
                        lit.push(marker as char);
                        lit.push('{');
                        self.pos += 3;
                    } else if self.peek_at(1) == Some(b'{') {
                        if !lit.is_empty() {
                            t.toks.push(Tok::Lit(std::mem::take(&mut lit)));
                        }
                        let at = self.pos;
                        self.pos += 2;
                        if marker == b'$' {
                            self.interpolation(&mut t.toks)?;
                        } else {
                            self.directive(&mut t.toks)?;
                            t.directives.push((t.toks.len() - 1, at, self.pos));
                        }
                    } else {
                        lit.push(marker as char);
                        self.pos += 1;
                    }
                }
                _ => {
                    lit.push(c as char);
                    self.pos += 1;
                }
            }
        }
        if !lit.is_empty() {
            t.toks.push(Tok::Lit(lit));
        }
        Ok(t)
    }

    fn escape(&mut self, lit: &mut String) -> PResult<()> {
        let start = self.pos;
        self.pos += 1;
        let Some(c) = self.peek_char() else {
            return Err(self.error(
                start,
                self.pos,
                "Unterminated template string",
                "No closing marker was found for the string.",
            ));
        };
        self.pos += c.len_utf8();
        match c {
            'n' => lit.push('\n'),
            'r' => lit.push('\r'),
            't' => lit.push('\t'),
            '"' => lit.push('"'),
            '\\' => lit.push('\\'),
            'u' | 'U' => {
                let (n, words) = if c == 'u' { (4, "four") } else { (8, "eight") };
                let digits = self.b[self.pos..]
                    .iter()
                    .take(n)
                    .take_while(|b| b.is_ascii_hexdigit())
                    .count();
                let ch = (digits == n)
                    .then(|| u32::from_str_radix(&self.text[self.pos..self.pos + n], 16).ok())
                    .flatten()
                    .and_then(char::from_u32);
                match ch {
                    Some(ch) => {
                        lit.push(ch);
                        self.pos += n;
                    }
                    None => {
                        return Err(self.error(
                            start,
                            self.pos + digits,
                            "Invalid escape sequence",
                            &format!("The \\{c} escape sequence must be followed by {words} hexadecimal digits."),
                        ));
                    }
                }
            }
            other => {
                return Err(self.error(
                    start,
                    self.pos,
                    "Invalid escape sequence",
                    &format!(
                        "The symbol {:?} is not a valid escape sequence selector.",
                        other.to_string()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// `${ expr }` after the opening `${`.
    fn interpolation(&mut self, toks: &mut Vec<Tok>) -> PResult<()> {
        self.with_newlines(false, |p| {
            let before = p.eat("~");
            let e = p.expr()?;
            let after = p.eat("~");
            if !p.eat("}") {
                return Err(p.error_here(
                    "Extra characters after interpolation expression",
                    "Expected a closing brace to end the interpolation expression, but found extra characters.\n\nThis can happen when you include interpolation syntax for another language, such as shell scripting, but forget to escape the interpolation start token. If this is an embedded sequence for another language, escape it by starting with \"$${\" instead of just \"${\".",
                ));
            }
            toks.push(Tok::Interp(e, Strip { before, after }));
            Ok(())
        })
    }

    /// `%{ if ... }`, `%{ for ... }` and their closings, after the opening `%{`.
    fn directive(&mut self, toks: &mut Vec<Tok>) -> PResult<()> {
        self.with_newlines(false, |p| {
            let before = p.eat("~");
            p.skip_ws();
            let kw_start = p.pos;
            let kw = p.ident().map(|(k, _)| k).unwrap_or("");
            let tok = match kw {
                "if" => Tok::If(p.expr()?, Strip::default()),
                "else" => Tok::Else(Strip::default()),
                "endif" => Tok::EndIf(Strip::default()),
                "endfor" => Tok::EndFor(Strip::default()),
                "for" => {
                    p.skip_ws();
                    let Some((first, _)) = p.ident() else {
                        return Err(p.error_here(
                            "Invalid 'for' directive",
                            "For directive requires variable name after 'for'.",
                        ));
                    };
                    let mut key = None;
                    let mut value = first.to_string();
                    if p.eat(",") {
                        p.skip_ws();
                        let Some((second, _)) = p.ident() else {
                            return Err(p.error_here(
                                "Invalid 'for' directive",
                                "For directive requires value variable name after comma.",
                            ));
                        };
                        key = Some(value);
                        value = second.to_string();
                    }
                    if !p.at_keyword("in") {
                        return Err(p.error_here(
                            "Invalid 'for' directive",
                            "For directive requires 'in' keyword after names.",
                        ));
                    }
                    p.pos += 2;
                    Tok::For(key, value, p.expr()?, Strip::default())
                }
                "" => {
                    return Err(p.error_here(
                        "Invalid template directive",
                        "A template directive keyword (\"if\", \"for\", etc) is expected at the beginning of a %{ sequence.",
                    ));
                }
                other => {
                    return Err(p.error(
                        kw_start,
                        p.pos,
                        "Invalid template control keyword",
                        &format!("{other:?} is not a valid template control keyword."),
                    ));
                }
            };
            let after = p.eat("~");
            if !p.eat("}") {
                return Err(p.error_here(
                    "Extra characters in template directive",
                    "Expected a closing brace to end the template directive.",
                ));
            }
            let strip = Strip { before, after };
            toks.push(match tok {
                Tok::If(e, _) => Tok::If(e, strip),
                Tok::Else(_) => Tok::Else(strip),
                Tok::EndIf(_) => Tok::EndIf(strip),
                Tok::EndFor(_) => Tok::EndFor(strip),
                Tok::For(k, v, e, _) => Tok::For(k, v, e, strip),
                t => t,
            });
            Ok(())
        })
    }

    /// Checks that template directives open and close in order, with Terraform's diagnostics for
    /// the first that does not.
    fn check_directives(&self, t: &TemplateToks) -> PResult<()> {
        let mut open: Vec<(&str, SourceRange)> = Vec::new();
        for &(i, start, end) in &t.directives {
            let (word, opens) = match &t.toks[i] {
                Tok::If(..) => ("if", true),
                Tok::For(..) => ("for", true),
                Tok::Else(_) => ("else", false),
                Tok::EndIf(_) => ("endif", false),
                _ => ("endfor", false),
            };
            let range = self.range(start, end);
            if opens {
                open.push((word, range));
                continue;
            }
            let wanted = if word == "endfor" { "for" } else { "if" };
            match open.last() {
                Some((w, _)) if *w == wanted => {
                    if word != "else" {
                        open.pop();
                    }
                }
                Some((w, at)) => {
                    let close = if *w == "if" { "endif" } else { "endfor" };
                    return Err(boxed(
                        Diagnostic::error(
                            format!("Unexpected {word} directive"),
                            format!(
                                "Expecting an {close} directive for the {w} started at {}.",
                                at.range_text()
                            ),
                        )
                        .with_subject(range),
                    ));
                }
                None => {
                    return Err(boxed(
                        Diagnostic::error(
                            format!("Unexpected {word} directive"),
                            "The control directives within this template are unbalanced.",
                        )
                        .with_subject(range),
                    ));
                }
            }
        }
        if let Some((w, at)) = open.last() {
            let close = if *w == "if" { "endif" } else { "endfor" };
            let mut end = self.range(t.end.0, t.end.1);
            if t.end.0 == t.end.1 {
                end.end.column += 1;
                end.end.byte += 1;
            }
            return Err(boxed(
                Diagnostic::error(
                    "Unexpected end of template",
                    format!(
                        "The {w} directive at {} is missing its corresponding {close} directive.",
                        at.range_text()
                    ),
                )
                .with_subject(end),
            ));
        }
        Ok(())
    }
}

/// A template's tokens, where its directives are (token index, start and end), and its closing
/// marker's position.
struct TemplateToks {
    toks: Vec<Tok>,
    directives: Vec<(usize, usize, usize)>,
    end: (usize, usize),
}

fn memchr_newline(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

fn push_attr(body: &mut Body, attr: Attribute, diags: &mut Diagnostics) {
    if let Some(prev) = body.attrs.iter().find(|p| p.name == attr.name) {
        diags.push(
            Diagnostic::error(
                "Attribute redefined",
                format!(
                    "The argument {:?} was already set at {}. Each argument may be set only once.",
                    attr.name,
                    prev.name_range.range_text()
                ),
            )
            .with_subject(attr.name_range.clone()),
        );
        return;
    }
    body.attrs.push(attr);
}

/// `e.name`: another step of a reference while it is static, an operation after that.
fn attr_step(e: Expr, name: &str, step_range: SourceRange, static_ok: bool) -> Expr {
    let range = e.range.to(&step_range);
    match e.kind {
        ExprKind::ScopeTraversal(mut t) if static_ok => {
            // Exactly as many steps as written: the syntax tree lives as long as the configuration,
            // and growing by doubling held 100 MB of spare capacity for a 10 MB configuration.
            t.steps.reserve_exact(1);
            t.steps
                .push(TraversalStep::Attr(name.to_string(), step_range));
            Expr {
                kind: ExprKind::ScopeTraversal(t),
                range,
            }
        }
        kind => Expr {
            kind: ExprKind::GetAttr(
                Box::new(Expr {
                    kind,
                    range: e.range,
                }),
                name.to_string(),
            ),
            range,
        },
    }
}

/// `e[key]`: a reference's static step when the key is a constant, an operation otherwise.
fn index_step(e: Expr, key: Expr, step_range: SourceRange, static_ok: &mut bool) -> Expr {
    let range = e.range.to(&step_range);
    match (e.kind, key.kind) {
        (ExprKind::ScopeTraversal(mut t), ExprKind::Literal(v))
            if *static_ok && (v.as_number().is_some() || v.as_str().is_some()) =>
        {
            t.steps.reserve_exact(1);
            t.steps.push(TraversalStep::Index(v, step_range));
            Expr {
                kind: ExprKind::ScopeTraversal(t),
                range,
            }
        }
        (kind, key_kind) => {
            *static_ok = false;
            Expr {
                kind: ExprKind::Index(
                    Box::new(Expr {
                        kind,
                        range: e.range,
                    }),
                    Box::new(Expr {
                        kind: key_kind,
                        range: key.range,
                    }),
                ),
                range,
            }
        }
    }
}

/// Strip markers remove the whitespace of the adjacent literal (in heredocs, one line of it).
fn apply_strips(toks: &mut [Tok]) {
    for i in 0..toks.len() {
        let Some(strip) = toks[i].strip() else {
            continue;
        };
        if strip.before && i > 0 {
            if let Tok::Lit(s) = &mut toks[i - 1] {
                let keep = s.trim_end_matches(char::is_whitespace).len();
                s.truncate(keep);
            }
        }
        if strip.after && i + 1 < toks.len() {
            if let Tok::Lit(s) = &mut toks[i + 1] {
                let cut = s.len() - s.trim_start_matches(char::is_whitespace).len();
                s.drain(..cut);
            }
        }
    }
}

/// Removes a flush heredoc's indentation: the least number of leading spaces over the lines that
/// start with a literal (a line starting with an interpolation or directive counts as none; blank
/// lines do not count), taken off each of those lines. Runs after strip markers, like Terraform.
fn flush_heredoc(toks: &mut [Tok]) {
    let mut min = usize::MAX;
    let mut adjust = Vec::new();
    let mut line_start = true;
    for (i, tok) in toks.iter().enumerate() {
        if line_start {
            line_start = false;
            match tok {
                Tok::Lit(s) => {
                    let rest = s.trim_start_matches(char::is_whitespace);
                    if !(rest.is_empty() && s.ends_with('\n')) {
                        let spaces = s[..s.len() - rest.len()].graphemes(true).count();
                        min = min.min(spaces);
                        adjust.push(i);
                    }
                }
                _ => min = 0,
            }
        }
        if let Tok::Lit(s) = tok {
            line_start = s.ends_with('\n');
        }
    }
    if min == 0 || min == usize::MAX {
        return;
    }
    for i in adjust {
        if let Tok::Lit(s) = &mut toks[i] {
            let cut: usize = s.graphemes(true).take(min).map(str::len).sum();
            s.drain(..cut);
        }
    }
}

/// Nests the flat tokens into template parts, joining adjacent literals.
fn build_parts(toks: &mut [Tok], pos: &mut usize) -> Vec<TemplatePart> {
    let mut parts = Vec::new();
    while *pos < toks.len() {
        match std::mem::replace(&mut toks[*pos], Tok::Lit(String::new())) {
            Tok::Lit(s) => {
                *pos += 1;
                if let Some(TemplatePart::Literal(prev)) = parts.last_mut() {
                    prev.push_str(&s);
                } else if !s.is_empty() {
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
                parts.shrink_to_fit();
                return parts;
            }
        }
    }
    // Kept for the whole run: no spare capacity.
    parts.shrink_to_fit();
    parts
}

/// A table of the given bytes, for scanning.
const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
}
