//! Values written the way `terraform output` and `terraform console` write them.

use terrane_values::display::{is_identifier, write_string};
use terrane_values::{Kind, Value};

/// Formats a value over several lines, nested collections indented by two spaces.
pub fn format_value(v: &Value, indent: usize) -> String {
    format_value_hiding(v, indent, "(sensitive value)")
}

/// [`format_value`] with sensitive values written as `hidden`.
pub fn format_value_hiding(v: &Value, indent: usize, hidden: &str) -> String {
    if v.is_sensitive() {
        return hidden.into();
    }
    let pad = " ".repeat(indent + 2);
    let end_pad = " ".repeat(indent);
    match v.kind() {
        Kind::Null(_) => "null".into(),
        Kind::Unknown(_) => "(known after apply)".into(),
        Kind::Bool(b) => b.to_string(),
        Kind::Number(n) => n.to_string(),
        Kind::String(s) => {
            if s.contains('\n') && !s.trim_end_matches('\n').is_empty() {
                let body = s.strip_suffix('\n').unwrap_or(s);
                format!("<<EOT\n{body}\nEOT")
            } else {
                let mut out = String::new();
                write_string(s, &mut out);
                out
            }
        }
        Kind::List(_, e) | Kind::Set(_, e) | Kind::Tuple(e) => {
            let (open, close) = match v.kind() {
                Kind::List(..) => ("tolist([", "])"),
                Kind::Set(..) => ("toset([", "])"),
                _ => ("[", "]"),
            };
            if e.is_empty() {
                return format!("{open}{close}");
            }
            let mut out = format!("{open}\n");
            for x in e.iter() {
                out.push_str(&format!(
                    "{pad}{},\n",
                    format_value_hiding(x, indent + 2, hidden)
                ));
            }
            out.push_str(&format!("{end_pad}{close}"));
            out
        }
        Kind::Map(_, m) | Kind::Object(m) => {
            let (open, close) = if matches!(v.kind(), Kind::Map(..)) {
                ("tomap({", "})")
            } else {
                ("{", "}")
            };
            if m.is_empty() {
                return format!("{open}{close}");
            }
            let mut out = format!("{open}\n");
            for (k, x) in m.iter() {
                let mut key = String::new();
                write_string(k, &mut key);
                out.push_str(&format!(
                    "{pad}{key} = {}\n",
                    format_value_hiding(x, indent + 2, hidden)
                ));
            }
            out.push_str(&format!("{end_pad}{close}"));
            out
        }
    }
}

/// An attribute or map key as written in plans: bare when it is an identifier.
pub fn key_text(k: &str, quote_always: bool) -> String {
    if !quote_always && is_identifier(k) {
        return k.to_string();
    }
    let mut out = String::new();
    write_string(k, &mut out);
    out
}
