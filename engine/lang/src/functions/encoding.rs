//! Encoding functions: JSON, base64, URL encoding.

use super::util::s;
use super::{fail, FnError, Function, Functions, Param, Returns};
use terrane_values::json::{from_json_implied, to_json_text};
use terrane_values::{Type, Value};

pub(super) fn register(f: &mut Functions) {
    f.add(
        "jsonencode",
        Function::new(vec![Param::new("val", Type::Dynamic).nullable().dynamic()], Returns::Fixed(Type::String), |a, _, _| {
            if !a[0].is_wholly_known() {
                return Ok(Value::unknown(Type::String));
            }
            to_json_text(&a[0]).map(Value::string).map_err(|e| FnError::Call(e.to_string()))
        }),
    );
    f.add(
        "jsondecode",
        Function::new(
            vec![Param::new("str", Type::String)],
            Returns::Computed(|a| {
                if !a[0].is_known() {
                    return Ok(Type::Dynamic);
                }
                decode(s(&a[0])).map(|v| v.ty())
            }),
            |a, _, _| decode(s(&a[0])),
        ),
    );
    f.add(
        "base64encode",
        Function::new(vec![Param::new("str", Type::String)], Returns::Fixed(Type::String), |a, _, _| {
            Ok(Value::string(base64_encode(s(&a[0]).as_bytes())))
        }),
    );
    f.add(
        "base64decode",
        Function::new(vec![Param::new("str", Type::String)], Returns::Fixed(Type::String), |a, _, _| {
            let bytes = base64_decode(s(&a[0])).ok_or_else(|| FnError::Call("failed to decode base64 data".into()))?;
            match String::from_utf8(bytes) {
                Ok(t) => Ok(Value::string(t)),
                Err(_) => fail("the result of decoding the provided string is not valid UTF-8"),
            }
        }),
    );
    f.add(
        "urlencode",
        Function::new(vec![Param::new("str", Type::String)], Returns::Fixed(Type::String), |a, _, _| Ok(Value::string(url_query_escape(s(&a[0]))))),
    );
}

fn decode(text: &str) -> Result<Value, FnError> {
    let j: serde_json::Value = serde_json::from_str(text).map_err(|e| FnError::Call(format!("invalid JSON: {e}")))?;
    from_json_implied(&j).map_err(|e| FnError::Call(e.to_string()))
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        out.push(B64[(n >> 18) as usize & 63] as char);
        out.push(B64[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 { B64[(n >> 6) as usize & 63] as char } else { '=' });
        out.push(if chunk.len() > 2 { B64[n as usize & 63] as char } else { '=' });
    }
    out
}

/// Decodes standard base64 (padding required, as Go's StdEncoding does).
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let bytes: Vec<u8> = text.bytes().filter(|b| *b != b'\n' && *b != b'\r').collect();
    if bytes.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        let mut pad = 0;
        for &c in chunk {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                b'=' => {
                    pad += 1;
                    0
                }
                _ => return None,
            };
            n = n << 6 | v as u32;
        }
        out.push((n >> 16) as u8);
        if pad < 2 {
            out.push((n >> 8) as u8);
        }
        if pad < 1 {
            out.push(n as u8);
        }
    }
    Some(out)
}

/// Go's `url.QueryEscape`.
pub fn url_query_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
