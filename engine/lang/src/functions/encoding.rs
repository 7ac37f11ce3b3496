//! Encoding functions: JSON, base64, URL encoding.

use super::util::s;
use super::{FnError, Function, Functions, Param, Returns, fail};
use terrane_values::Kind;
use terrane_values::json::{from_json_implied, write_json_string};
use terrane_values::{Type, Value};

pub(super) fn register(f: &mut Functions) {
    f.add(
        "jsonencode",
        Function::new(
            vec![Param::new("val", Type::Dynamic).nullable().dynamic()],
            Returns::Fixed(Type::String),
            |a, _, _| {
                if !a[0].is_wholly_known() {
                    return Ok(Value::unknown(Type::String));
                }
                let mut out = String::new();
                json_text(&a[0], &mut out)?;
                Ok(Value::string(out))
            },
        ),
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
        Function::new(
            vec![Param::new("str", Type::String)],
            Returns::Fixed(Type::String),
            |a, _, _| Ok(Value::string(base64_encode(s(&a[0]).as_bytes()))),
        ),
    );
    f.add(
        "base64decode",
        Function::new(
            vec![Param::new("str", Type::String)],
            Returns::Fixed(Type::String),
            |a, _, _| {
                let bytes = go_base64_decode(s(&a[0])).map_err(|_| {
                    FnError::Call(format!("failed to decode base64 data '{}'", s(&a[0])))
                })?;
                match String::from_utf8(bytes) {
                    Ok(t) => Ok(Value::string(t)),
                    Err(_) => fail("the result of decoding the provided string is not valid UTF-8"),
                }
            },
        ),
    );
    f.add(
        "base64gzip",
        Function::new(
            vec![Param::new("str", Type::String)],
            Returns::Fixed(Type::String),
            |a, _, _| Ok(Value::string(base64_encode(&gzip(s(&a[0]).as_bytes())))),
        ),
    );
    f.add(
        "urlencode",
        Function::new(
            vec![Param::new("str", Type::String)],
            Returns::Fixed(Type::String),
            |a, _, _| Ok(Value::string(url_query_escape(s(&a[0])))),
        ),
    );
}

fn decode(text: &str) -> Result<Value, FnError> {
    let j: serde_json::Value =
        serde_json::from_str(text).map_err(|e| FnError::Call(format!("invalid JSON: {e}")))?;
    from_json_implied(&j).map_err(|e| FnError::Call(e.to_string()))
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        out.push(B64[(n >> 18) as usize & 63] as char);
        out.push(B64[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            B64[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            B64[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

/// `jsonencode`'s text: Go's encoding (HTML-safe strings, keys in order), numbers as cty prints them
/// (so negative zero stays `-0`).
fn json_text(v: &Value, out: &mut String) -> Result<(), FnError> {
    match v.kind() {
        Kind::Unknown(_) => return fail("value is not known"),
        Kind::Null(_) => out.push_str("null"),
        Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Kind::Number(n) if n.is_infinite() => return fail("cannot serialize infinity as JSON"),
        Kind::Number(n) => out.push_str(&n.to_string()),
        Kind::String(s) => write_json_string(s, out),
        Kind::List(_, e) | Kind::Set(_, e) | Kind::Tuple(e) => {
            out.push('[');
            for (i, x) in e.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_text(x, out)?;
            }
            out.push(']');
        }
        Kind::Map(_, m) | Kind::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(k, out);
                out.push(':');
                json_text(x, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// Gzip with the header Go's `compress/gzip` writes (no name, no time, unknown OS).
pub fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::GzBuilder::new()
        .operating_system(255)
        .write(Vec::new(), flate2::Compression::default());
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

/// Decodes standard base64 as Go's `base64.StdEncoding.DecodeString` does (line breaks ignored, padding
/// required); on failure, the offset Go reports.
pub fn go_base64_decode(text: &str) -> Result<Vec<u8>, usize> {
    let src = text.as_bytes();
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    loop {
        let mut quad = [0u8; 4];
        let mut j = 0;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(si - j);
            }
            let c = src[si];
            si += 1;
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                b'\n' | b'\r' => continue,
                b'=' => {
                    match j {
                        0 | 1 => return Err(si - 1),
                        2 => {
                            while si < src.len() && matches!(src[si], b'\n' | b'\r') {
                                si += 1;
                            }
                            if si == src.len() {
                                return Err(src.len());
                            }
                            if src[si] != b'=' {
                                return Err(si - 1);
                            }
                            si += 1;
                        }
                        _ => {}
                    }
                    while si < src.len() && matches!(src[si], b'\n' | b'\r') {
                        si += 1;
                    }
                    if si < src.len() {
                        return Err(si);
                    }
                    let n = (quad[0] as u32) << 18 | (quad[1] as u32) << 12 | (quad[2] as u32) << 6;
                    out.push((n >> 16) as u8);
                    if j == 3 {
                        out.push((n >> 8) as u8);
                    }
                    return Ok(out);
                }
                _ => return Err(si - 1),
            };
            quad[j] = v;
            j += 1;
        }
        let n = (quad[0] as u32) << 18
            | (quad[1] as u32) << 12
            | (quad[2] as u32) << 6
            | quad[3] as u32;
        out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
    }
}

/// Go's `url.QueryEscape`.
pub fn url_query_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
