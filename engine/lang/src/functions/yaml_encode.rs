//! `yamlencode`: block-style YAML written exactly as Terraform's encoder (go-yaml's emitter driven by
//! cty-yaml) writes it: strings double-quoted (folded past column 80) or, when they span lines, as
//! literal blocks; numbers, bools and null plain; empty collections in flow style.

use super::{FnError, Function, Functions, Param, Returns};
use terrane_values::{Kind, Type, Value};

/// The column past which long double-quoted strings are folded at a space.
const BEST_WIDTH: usize = 80;
/// The indentation step.
const INDENT: usize = 2;

pub(super) fn register(f: &mut Functions) {
    f.add(
        "yamlencode",
        Function::new(
            vec![Param::new("value", Type::Dynamic).nullable().dynamic()],
            Returns::Fixed(Type::String),
            |a, _, _| {
                if !a[0].is_wholly_known() {
                    return Ok(Value::unknown(Type::String));
                }
                encode(&a[0]).map(Value::string)
            },
        ),
    );
}

/// The YAML document for a known value.
pub fn encode(v: &Value) -> Result<String, FnError> {
    let mut e = Emitter {
        out: String::new(),
        column: 0,
    };
    match v.kind() {
        Kind::List(..) | Kind::Set(..) | Kind::Tuple(_) | Kind::Map(..) | Kind::Object(_)
            if v.length() != Some(0) =>
        {
            e.node(v, 0)?;
        }
        _ => {
            let plain = e.scalar(v, INDENT, true)?;
            e.line_end();
            if plain {
                e.write("...\n");
            }
        }
    }
    Ok(e.out)
}

struct Emitter {
    out: String,
    column: usize,
}

impl Emitter {
    fn write(&mut self, s: &str) {
        self.out.push_str(s);
        match s.rfind('\n') {
            Some(i) => self.column = s[i + 1..].chars().count(),
            None => self.column += s.chars().count(),
        }
    }

    fn line_end(&mut self) {
        if !self.out.ends_with('\n') {
            self.write("\n");
        }
    }

    fn pad(&mut self, indent: usize) {
        if self.column < indent {
            self.write(&" ".repeat(indent - self.column));
        }
    }

    /// A non-empty collection at block indentation `indent`, starting at the current position.
    fn node(&mut self, v: &Value, indent: usize) -> Result<(), FnError> {
        match v.kind() {
            Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items) => {
                for item in items.iter() {
                    self.pad(indent);
                    self.write("- ");
                    self.value(item, indent + INDENT)?;
                }
            }
            Kind::Map(_, m) | Kind::Object(m) => {
                for (k, item) in m.iter() {
                    self.pad(indent);
                    if is_simple_key(k) {
                        self.double_quoted(k, indent + INDENT, false);
                        self.write(":");
                    } else {
                        self.write("? ");
                        self.string(k, indent + INDENT);
                        self.line_end();
                        self.pad(indent);
                        self.write(":");
                    }
                    match item.kind() {
                        Kind::List(..) | Kind::Set(..) | Kind::Tuple(_)
                            if item.length() != Some(0) =>
                        {
                            self.write("\n");
                            self.node(item, indent)?;
                        }
                        Kind::Map(..) | Kind::Object(_) if item.length() != Some(0) => {
                            self.write("\n");
                            self.node(item, indent + INDENT)?;
                        }
                        _ => {
                            self.write(" ");
                            self.scalar(item, indent + INDENT, false)?;
                            self.line_end();
                        }
                    }
                }
            }
            _ => {
                self.scalar(v, indent, false)?;
                self.line_end();
            }
        }
        Ok(())
    }

    /// A sequence item's value, written after its `- `.
    fn value(&mut self, v: &Value, indent: usize) -> Result<(), FnError> {
        match v.kind() {
            Kind::List(..) | Kind::Set(..) | Kind::Tuple(_) | Kind::Map(..) | Kind::Object(_)
                if v.length() != Some(0) =>
            {
                self.node(v, indent)
            }
            _ => {
                self.scalar(v, indent, false)?;
                self.line_end();
                Ok(())
            }
        }
    }

    /// A scalar or empty collection; returns whether it was written plain.
    fn scalar(&mut self, v: &Value, indent: usize, _root: bool) -> Result<bool, FnError> {
        match v.kind() {
            Kind::Null(_) => self.write("null"),
            Kind::Bool(b) => self.write(if *b { "true" } else { "false" }),
            Kind::Number(n) => {
                if n.is_infinite() {
                    self.write(if n.is_negative() { "-.inf" } else { "+.inf" });
                } else {
                    self.write(&n.to_text('f', -1));
                }
            }
            Kind::String(s) => {
                self.string(s, indent);
                return Ok(false);
            }
            Kind::List(..) | Kind::Set(..) | Kind::Tuple(_) => {
                self.write("[]");
                return Ok(false);
            }
            Kind::Map(..) | Kind::Object(_) => {
                self.write("{}");
                return Ok(false);
            }
            Kind::Unknown(_) => {
                return Err(FnError::Call(
                    "cannot serialize unknown value as YAML".into(),
                ));
            }
        }
        Ok(true)
    }

    fn string(&mut self, s: &str, indent: usize) {
        if s.contains('\n') && literal_allowed(s) {
            self.literal(s, indent);
        } else {
            self.double_quoted(s, indent, true);
        }
    }

    fn literal(&mut self, s: &str, indent: usize) {
        let mut head = String::from("|");
        if s.starts_with([' ', '\n']) {
            head.push_str(&INDENT.to_string());
        }
        let chars: Vec<char> = s.chars().collect();
        let n = chars.len();
        if n == 0 || chars[n - 1] != '\n' {
            head.push('-');
        } else if n == 1 || chars[n - 2] == '\n' {
            head.push('+');
        }
        head.push('\n');
        self.write(&head);
        let mut at_start = true;
        for c in chars {
            if c == '\n' {
                self.write("\n");
                at_start = true;
            } else {
                if at_start {
                    self.write(&" ".repeat(indent));
                    at_start = false;
                }
                let mut buf = [0u8; 4];
                self.write(c.encode_utf8(&mut buf));
            }
        }
    }

    fn double_quoted(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        self.write("\"");
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if let Some(esc) = escape(c) {
                self.write(&esc);
                spaces = false;
            } else if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i != 0
                    && i != chars.len() - 1
                {
                    self.write("\n");
                    self.write(&" ".repeat(indent));
                    if chars.get(i + 1) == Some(&' ') {
                        self.write("\\");
                    }
                } else {
                    self.write(" ");
                }
                spaces = true;
            } else {
                let mut buf = [0u8; 4];
                self.write(c.encode_utf8(&mut buf));
                spaces = false;
            }
        }
        self.write("\"");
    }
}

/// Whether libyaml's printable-character test passes (its UTF-8 byte ranges, as characters).
fn is_printable(c: char) -> bool {
    let v = c as u32;
    v == 0x0a
        || (0x20..=0x7e).contains(&v)
        || (0xa0..=0xd7ff).contains(&v)
        || ((0xe000..=0xfffd).contains(&v) && v != 0xfeff)
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// The escape a double-quoted scalar uses for a character, if it needs one.
fn escape(c: char) -> Option<String> {
    if is_printable(c) && !is_break(c) && c != '"' && c != '\\' {
        return None;
    }
    Some(match c {
        '\0' => "\\0".into(),
        '\x07' => "\\a".into(),
        '\x08' => "\\b".into(),
        '\t' => "\\t".into(),
        '\n' => "\\n".into(),
        '\x0b' => "\\v".into(),
        '\x0c' => "\\f".into(),
        '\r' => "\\r".into(),
        '\x1b' => "\\e".into(),
        '"' => "\\\"".into(),
        '\\' => "\\\\".into(),
        '\u{85}' => "\\N".into(),
        '\u{a0}' => "\\_".into(),
        '\u{2028}' => "\\L".into(),
        '\u{2029}' => "\\P".into(),
        c if (c as u32) <= 0xff => format!("\\x{:02X}", c as u32),
        c if (c as u32) <= 0xffff => format!("\\u{:04X}", c as u32),
        c => format!("\\U{:08X}", c as u32),
    })
}

/// Whether a multi-line string may be a literal block (libyaml's analysis: no special characters, no
/// space before a line break, no trailing space).
fn literal_allowed(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    if chars.iter().any(|&c| !is_printable(c) || c == '\u{feff}') {
        return false;
    }
    if chars.last() == Some(&' ') {
        return false;
    }
    !chars.windows(2).any(|w| w[0] == ' ' && is_break(w[1]))
}

/// Whether a key can be written as `key: value` (single line, at most 128 bytes).
fn is_simple_key(k: &str) -> bool {
    k.len() <= 128 && !k.chars().any(is_break)
}
