//! The order of set elements.
//!
//! Terraform iterates sets in a fixed order that users observe (in `for` expressions, `tolist`, outputs):
//! strings lexically, numbers numerically, `false` before `true`, and anything else by comparing cty's
//! internal serialization of the values ("set hash bytes") byte by byte. Unknown elements come last.

use crate::types::Type;
use crate::value::{Kind, Value};
use std::cmp::Ordering;

/// Sorts elements into set order and removes duplicates.
pub(crate) fn normalize(elem: &Type, mut elems: Vec<Value>) -> Vec<Value> {
    if elems.len() > 1 {
        let keyed = !matches!(elem, Type::String | Type::Number | Type::Bool);
        if keyed {
            let mut with_keys: Vec<(Vec<u8>, Value)> =
                elems.into_iter().map(|v| (hash_bytes(&v), v)).collect();
            with_keys.sort_by(|(ka, a), (kb, b)| known_first(a, b).then_with(|| ka.cmp(kb)));
            elems = with_keys.into_iter().map(|(_, v)| v).collect();
        } else {
            elems.sort_by(compare_primitive);
        }
        elems.dedup_by(|b, a| a.equals(b) == Some(true));
    }
    elems
}

fn known_first(a: &Value, b: &Value) -> Ordering {
    (!a.is_known()).cmp(&!b.is_known())
}

fn compare_primitive(a: &Value, b: &Value) -> Ordering {
    known_first(a, b).then_with(|| match (a.kind(), b.kind()) {
        (Kind::String(x), Kind::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Kind::Number(x), Kind::Number(y)) => x.cmp_value(y),
        (Kind::Bool(x), Kind::Bool(y)) => x.cmp(y),
        _ => hash_bytes(a).cmp(&hash_bytes(b)),
    })
}

/// cty's set hash serialization of a value.
pub fn hash_bytes(v: &Value) -> Vec<u8> {
    let mut buf = Vec::new();
    append_hash_bytes(v, &mut buf);
    buf
}

fn append_hash_bytes(v: &Value, buf: &mut Vec<u8>) {
    match v.kind() {
        Kind::Unknown(_) => buf.push(b'?'),
        Kind::Null(_) => buf.push(b'~'),
        Kind::Number(n) => buf.extend_from_slice(n.to_set_key().as_bytes()),
        Kind::Bool(b) => buf.push(if *b { b'T' } else { b'F' }),
        Kind::String(s) => buf.extend_from_slice(go_quote(s).as_bytes()),
        Kind::Map(_, m) => {
            buf.push(b'{');
            for (k, e) in m.iter() {
                buf.extend_from_slice(go_quote(k).as_bytes());
                buf.push(b':');
                append_hash_bytes(e, buf);
                buf.push(b';');
            }
            buf.push(b'}');
        }
        Kind::List(_, e) | Kind::Set(_, e) => {
            buf.push(b'[');
            for x in e.iter() {
                append_hash_bytes(x, buf);
                buf.push(b';');
            }
            buf.push(b']');
        }
        Kind::Object(m) => {
            buf.push(b'<');
            for x in m.values() {
                append_hash_bytes(x, buf);
                buf.push(b';');
            }
            buf.push(b'>');
        }
        Kind::Tuple(e) => {
            buf.push(b'<');
            for x in e.iter() {
                append_hash_bytes(x, buf);
                buf.push(b';');
            }
            buf.push(b'>');
        }
    }
}

/// Go's `strconv.Quote`: a double-quoted string with Go escapes for control and non-printable
/// characters.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() || c == '\u{feff}' => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
