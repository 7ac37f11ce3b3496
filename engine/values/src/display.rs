//! A compact rendering of values in Terraform's syntax, for diagnostics and debugging.

use crate::value::{Kind, Value};
use std::fmt::Write;

/// How to render a value.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// Replace sensitive values by `(sensitive value)`.
    pub mask_sensitive: bool,
    /// Show collection kinds (`tolist([...])`) as the console does.
    pub show_collection_kind: bool,
}

impl RenderOptions {
    /// Options for messages shown to users: sensitive values hidden.
    pub fn user() -> RenderOptions {
        RenderOptions {
            mask_sensitive: true,
            show_collection_kind: true,
        }
    }

    /// Options for debug output in tests.
    pub fn debug() -> RenderOptions {
        RenderOptions {
            mask_sensitive: false,
            show_collection_kind: true,
        }
    }
}

/// Renders a value on one line.
pub fn render(v: &Value, opts: &RenderOptions) -> String {
    let mut out = String::new();
    write_value(v, opts, &mut out);
    out
}

fn write_value(v: &Value, opts: &RenderOptions, out: &mut String) {
    if opts.mask_sensitive && v.is_sensitive() {
        out.push_str("(sensitive value)");
        return;
    }
    let wrap = |out: &mut String, func: &str, open: bool| {
        if opts.show_collection_kind {
            if open {
                out.push_str(func);
                out.push('(');
            } else {
                out.push(')');
            }
        }
    };
    match v.kind() {
        Kind::Null(_) => out.push_str("null"),
        Kind::Unknown(_) => out.push_str("(known after apply)"),
        Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Kind::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Kind::String(s) => write_string(s, out),
        Kind::List(_, e) | Kind::Set(_, e) | Kind::Tuple(e) => {
            let func = match v.kind() {
                Kind::List(..) => Some("tolist"),
                Kind::Set(..) => Some("toset"),
                _ => None,
            };
            if let Some(f) = func {
                wrap(out, f, true);
            }
            out.push('[');
            for (i, x) in e.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(x, opts, out);
            }
            out.push(']');
            if func.is_some() {
                wrap(out, "", false);
            }
        }
        Kind::Map(_, m) | Kind::Object(m) => {
            let is_map = matches!(v.kind(), Kind::Map(..));
            if is_map {
                wrap(out, "tomap", true);
            }
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if is_identifier(k) {
                    out.push_str(k);
                } else {
                    write_string(k, out);
                }
                out.push_str(" = ");
                write_value(x, opts, out);
            }
            out.push('}');
            if is_map {
                wrap(out, "", false);
            }
        }
    }
}

/// Whether `s` can be written without quotes as an attribute name.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// Writes a string literal in Terraform syntax, escaping quotes, backslashes, control characters and
/// template sequences.
pub fn write_string(s: &str, out: &mut String) {
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
