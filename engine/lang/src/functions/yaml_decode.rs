//! `yamldecode`: one YAML document to a value, resolving plain scalars as Terraform's decoder (cty-yaml)
//! does: YAML 1.1 booleans and nulls, decimal, hexadecimal and octal numbers, timestamps as RFC 3339
//! strings; mappings become objects and sequences tuples.

use super::datetime::{Timestamp, format_rfc3339};
use super::util::s;
use super::{FnError, Function, Functions, Param, Returns};
use std::collections::{BTreeMap, HashMap, HashSet};
use terrane_values::{Number, Type, Value};
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::TScalarStyle;

const TAG_PREFIX: &str = "tag:yaml.org,2002:";

pub(super) fn register(f: &mut Functions) {
    f.add(
        "yamldecode",
        Function::new(
            vec![Param::new("src", Type::String)],
            Returns::Computed(|a| {
                if a[0].is_known() {
                    decode(s(&a[0])).map(|v| v.ty())
                } else {
                    Ok(Type::Dynamic)
                }
            }),
            |a, _, _| decode(s(&a[0])),
        ),
    );
}

fn err<T>(msg: impl Into<String>) -> Result<T, FnError> {
    Err(FnError::Call(msg.into()))
}

/// Decodes a single YAML document.
pub fn decode(src: &str) -> Result<Value, FnError> {
    let src = if src.is_empty() { "\n" } else { src };
    let mut d = Decoder {
        parser: Parser::new_from_str(src),
        anchors: HashMap::new(),
        pending: HashSet::new(),
    };
    if !matches!(d.next()?, Event::StreamStart) {
        return err("missing stream start token");
    }
    if !matches!(d.next()?, Event::DocumentStart) {
        return err("on line 1, column 1: missing start of document");
    }
    let first = d.next()?;
    let v = d.node(first)?;
    match d.next()? {
        Event::DocumentEnd => {}
        Event::DocumentStart => return err("only a single document is allowed"),
        _ => return err("unexpected extra content after value"),
    }
    match d.next()? {
        Event::StreamEnd => Ok(v),
        _ => err("unexpected extra content after value"),
    }
}

struct Decoder<'a> {
    parser: Parser<std::str::Chars<'a>>,
    anchors: HashMap<usize, Value>,
    pending: HashSet<usize>,
}

fn long_tag(tag: &Option<Tag>) -> String {
    match tag {
        None => String::new(),
        Some(t) if t.handle == "!" && t.suffix.is_empty() => "!".into(),
        Some(t) => format!("{}{}", t.handle, t.suffix),
    }
}

impl Decoder<'_> {
    fn next(&mut self) -> Result<Event, FnError> {
        match self.parser.next_token() {
            Ok((ev, _)) => Ok(ev),
            Err(e) => err(e.info().to_string()),
        }
    }

    fn begin(&mut self, anchor: usize) {
        if anchor > 0 {
            self.pending.insert(anchor);
        }
    }

    fn complete(&mut self, anchor: usize, v: &Value) {
        if anchor > 0 {
            self.pending.remove(&anchor);
            self.anchors.insert(anchor, v.clone());
        }
    }

    fn node(&mut self, ev: Event) -> Result<Value, FnError> {
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                self.begin(anchor);
                let v = resolve_scalar(&long_tag(&tag), &text, style)?;
                self.complete(anchor, &v);
                Ok(v)
            }
            Event::Alias(id) => {
                if self.pending.contains(&id) {
                    return err("cannot refer to an anchor from inside its own definition");
                }
                match self.anchors.get(&id) {
                    Some(v) => Ok(v.clone()),
                    None => err("reference to undefined anchor"),
                }
            }
            Event::SequenceStart(anchor, tag) => {
                let tag = long_tag(&tag);
                if !tag.is_empty() && tag != format!("{TAG_PREFIX}seq") {
                    return err(format!("can't interpret sequence as {tag}"));
                }
                self.begin(anchor);
                let mut items = Vec::new();
                loop {
                    match self.next()? {
                        Event::SequenceEnd => break,
                        ev => items.push(self.node(ev)?),
                    }
                }
                let v = Value::tuple(items);
                self.complete(anchor, &v);
                Ok(v)
            }
            Event::MappingStart(anchor, tag) => {
                let tag = long_tag(&tag);
                if !tag.is_empty() && tag != format!("{TAG_PREFIX}map") {
                    return err(format!("can't interpret mapping as {tag}"));
                }
                self.begin(anchor);
                let mut attrs = BTreeMap::new();
                loop {
                    let key = match self.next()? {
                        Event::MappingEnd => break,
                        Event::Scalar(text, style, _, tag) => {
                            resolve_scalar(&long_tag(&tag), &text, style)?
                        }
                        _ => return err("only strings are allowed as mapping keys"),
                    };
                    if key.is_null() {
                        return err("mapping key cannot be null");
                    }
                    let key = match terrane_values::convert(&key, &Type::String) {
                        Ok(k) => k.as_str().unwrap_or_default().to_string(),
                        Err(_) => return err("only strings are allowed as mapping keys"),
                    };
                    let ev = self.next()?;
                    let v = self.node(ev)?;
                    attrs.insert(key, v);
                }
                let v = Value::object(attrs);
                self.complete(anchor, &v);
                Ok(v)
            }
            Event::DocumentStart => err("only a single document is allowed"),
            Event::StreamEnd => err("expecting value but found end of stream"),
            _ => err("unexpected parser event"),
        }
    }
}

/// cty-yaml's scalar resolution. Quoted and block scalars are always strings.
fn resolve_scalar(tag: &str, src: &str, style: TScalarStyle) -> Result<Value, FnError> {
    let short = tag.strip_prefix(TAG_PREFIX);
    let known = matches!(
        short,
        None | Some("str" | "bool" | "int" | "float" | "null" | "timestamp" | "binary")
    ) && (tag.is_empty() || short.is_some());
    if !known {
        return err(format!("unsupported tag {tag:?}"));
    }
    if style != TScalarStyle::Plain {
        return Ok(Value::string(src));
    }
    match short {
        Some("str") => return Ok(Value::string(src)),
        Some("binary") => {
            let compact: String = src.chars().filter(|c| !c.is_whitespace()).collect();
            return match super::encoding::go_base64_decode(&compact) {
                Ok(_) => Ok(Value::string(src)),
                Err(_) => err(format!("cannot parse {src:?} as {tag}: not valid base64")),
            };
        }
        _ => {}
    }
    if let Some(v) = special(src) {
        return match (short, &v) {
            (Some("bool"), v) if v.as_bool().is_none() => {
                err(format!("cannot parse {src:?} as {tag}"))
            }
            _ => Ok(v),
        };
    }
    if matches!(src, ".nan" | ".NaN" | ".NAN") {
        return err("floating point NaN is not supported");
    }
    if matches!(short, None | Some("timestamp")) {
        if let Some(t) = parse_timestamp(src) {
            return Ok(Value::string(format_rfc3339(&t)));
        }
    }
    let numeric_start =
        src.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '-' || c == '.');
    if numeric_start || matches!(short, Some("int" | "float")) {
        if let Some(n) = parse_number(src) {
            return Ok(Value::number(n));
        }
    }
    match short {
        Some("bool") | Some("int") | Some("float") | Some("timestamp") => {
            err(format!("cannot parse {src:?} as {tag}"))
        }
        Some("null") => Ok(Value::null_dynamic()),
        _ => Ok(Value::string(src)),
    }
}

/// The YAML 1.1 words for booleans, nulls and infinities.
fn special(src: &str) -> Option<Value> {
    Some(match src {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Value::bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Value::bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Value::null_dynamic(),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            Value::number(Number::infinity(false))
        }
        "-.inf" | "-.Inf" | "-.INF" => Value::number(Number::infinity(true)),
        _ => return None,
    })
}

fn parse_number(src: &str) -> Option<Number> {
    let plain = src.replace('_', "");
    let decimal = plain.trim_start_matches(['+', '-']);
    if !decimal.is_empty()
        && decimal
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
    {
        if let Ok(n) = Number::parse(&plain) {
            return Some(n);
        }
    }
    let (neg, body) = match plain.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, plain.strip_prefix('+').unwrap_or(&plain)),
    };
    let (radix, digits) =
        if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (16, h)
        } else if let Some(o) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
            (8, o)
        } else {
            return None;
        };
    let v = u64::from_str_radix(digits, radix).ok()?;
    if neg {
        let v = i64::try_from(v).ok()?;
        Some(Number::from_i64(-v))
    } else {
        Some(Number::from_u64(v))
    }
}

/// The timestamp forms cty-yaml accepts: `2001-12-14`, `2001-12-14 21:59:43.10`, and RFC 3339 with
/// one- or two-digit fields and `T` or `t`.
fn parse_timestamp(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let year: i64 = s[..4].parse().ok()?;
    let mut rest = &s[5..];
    let num = |rest: &mut &str, max_len: usize| -> Option<u32> {
        let n = rest
            .bytes()
            .take(max_len)
            .take_while(u8::is_ascii_digit)
            .count();
        if n == 0 {
            return None;
        }
        let v = rest[..n].parse().ok()?;
        *rest = &rest[n..];
        Some(v)
    };
    let month = num(&mut rest, 2)?;
    rest = rest.strip_prefix('-')?;
    let day = num(&mut rest, 2)?;
    let (mut hour, mut minute, mut second, mut offset) = (0, 0, 0, 0i32);
    if !rest.is_empty() {
        let sep = rest.as_bytes()[0];
        if !matches!(sep, b'T' | b't' | b' ') {
            return None;
        }
        rest = &rest[1..];
        hour = num(&mut rest, 2)?;
        rest = rest.strip_prefix(':')?;
        minute = num(&mut rest, 2)?;
        rest = rest.strip_prefix(':')?;
        second = num(&mut rest, 2)?;
        if let Some(frac) = rest.strip_prefix('.') {
            let n = frac.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return None;
            }
            rest = &frac[n..];
        }
        if sep == b' ' {
            if !rest.is_empty() {
                return None;
            }
        } else if let Some(r) = rest.strip_prefix('Z') {
            rest = r;
        } else {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let tz = &rest[1..];
            if tz.len() != 5 || tz.as_bytes()[2] != b':' {
                return None;
            }
            let (h, m): (i32, i32) = (tz[..2].parse().ok()?, tz[3..].parse().ok()?);
            offset = sign * (h * 3600 + m * 60);
            rest = "";
        }
        if !rest.is_empty() || hour > 23 || minute > 59 || second > 59 {
            return None;
        }
    }
    let text = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z");
    let mut t = super::datetime::parse_rfc3339(&text).ok()?;
    t.unix -= offset as i64;
    t.offset = offset;
    Some(t)
}
