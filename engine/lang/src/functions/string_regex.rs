//! Regular expressions with Go's RE2 syntax and semantics (ASCII-only `\d`, `\w`, `\s`, `\b`), for
//! `replace`, `regex` and `regexall`, and Go's messages for invalid patterns.

use super::util::s;
use super::{FnError, Function, Functions, Param, Returns, arg_fail, fail};
use regex::Regex;
use regex_syntax::ast::ErrorKind;
use std::collections::BTreeMap;
use terrane_values::{Type, Value};

pub(super) fn register(f: &mut Functions) {
    let params = || {
        vec![
            Param::new("pattern", Type::String),
            Param::new("string", Type::String),
        ]
    };
    f.add(
        "regex",
        Function::new(
            params(),
            Returns::Computed(|a| {
                if a[0].is_known() {
                    result_type(s(&a[0]))
                } else {
                    Ok(Type::Dynamic)
                }
            }),
            |a, ret, _| {
                let re = compile(s(&a[0]))
                    .map_err(|e| FnError::Arg(0, format!("error parsing pattern: {}", e.text())))?;
                match re.captures(s(&a[1])) {
                    Some(c) => Ok(capture_value(&re, &c, ret)),
                    None => fail("pattern did not match any part of the given string"),
                }
            },
        ),
    );
    f.add(
        "regexall",
        Function::new(
            params(),
            Returns::Computed(|a| {
                if a[0].is_known() {
                    result_type(s(&a[0])).map(Type::list)
                } else {
                    Ok(Type::list(Type::Dynamic))
                }
            }),
            |a, ret, _| {
                let ety = ret.element_type().cloned().unwrap_or(Type::Dynamic);
                let re = compile(s(&a[0]))
                    .map_err(|e| FnError::Arg(0, format!("error parsing pattern: {}", e.text())))?;
                let items = re
                    .captures_iter(s(&a[1]))
                    .map(|c| capture_value(&re, &c, &ety))
                    .collect();
                Ok(Value::list(ety, items))
            },
        ),
    );
}

/// The result type for a pattern: a string without capture groups, a list of strings for unnamed
/// groups, an object for named groups.
fn result_type(pattern: &str) -> Result<Type, FnError> {
    let re = compile(pattern).map_err(|e| {
        FnError::Arg(
            0,
            format!("invalid regexp pattern: {} in {}", e.code, e.expr),
        )
    })?;
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    let named: Vec<&str> = names.iter().flatten().copied().collect();
    let unnamed = names.len() - named.len();
    match (unnamed, named.len()) {
        (0, 0) => Ok(Type::String),
        (n, 0) => Ok(Type::tuple(vec![Type::String; n])),
        (0, _) => Ok(Type::object(
            named.iter().map(|n| (n.to_string(), Type::String)),
        )),
        _ => arg_fail(
            0,
            "invalid regexp pattern: cannot mix both named and unnamed capture groups",
        ),
    }
}

fn capture_value(re: &Regex, c: &regex::Captures<'_>, ty: &Type) -> Value {
    let group = |i: usize| {
        c.get(i)
            .map_or_else(|| Value::null(Type::String), |m| Value::string(m.as_str()))
    };
    match ty {
        Type::Tuple(_) => Value::tuple((1..c.len()).map(group).collect()),
        Type::Object(_) => {
            let mut attrs = BTreeMap::new();
            for (i, name) in re.capture_names().enumerate() {
                if let Some(n) = name {
                    attrs.insert(n.to_string(), group(i));
                }
            }
            Value::object(attrs)
        }
        _ => Value::string(c.get(0).map_or("", |m| m.as_str())),
    }
}

/// A pattern Go's `regexp` rejects: its error code and the part of the pattern it is about.
#[derive(Debug)]
pub struct PatternError {
    /// Go's error code (`missing closing ]`).
    pub code: String,
    /// The offending part of the pattern.
    pub expr: String,
}

impl PatternError {
    /// Go's `syntax.Error` text: "error parsing regexp: CODE: `EXPR`".
    pub fn text(&self) -> String {
        format!("error parsing regexp: {}: `{}`", self.code, self.expr)
    }
}

/// Compiles a Go pattern.
pub fn compile(pattern: &str) -> Result<Regex, PatternError> {
    if let Err(e) = regex_syntax::ast::parse::Parser::new().parse(pattern) {
        let span = e.span();
        let rest = &pattern[span.start.offset..];
        let (code, expr) = match e.kind() {
            ErrorKind::ClassUnclosed => ("missing closing ]", rest),
            ErrorKind::GroupUnclosed => ("missing closing )", pattern),
            ErrorKind::GroupUnopened => ("unexpected )", pattern),
            ErrorKind::RepetitionMissing => (
                "missing argument to repetition operator",
                &pattern[span.start.offset..span.end.offset],
            ),
            ErrorKind::ClassRangeInvalid => (
                "invalid character class range",
                &pattern[span.start.offset..span.end.offset],
            ),
            ErrorKind::EscapeUnexpectedEof => ("trailing backslash at end of expression", ""),
            ErrorKind::EscapeUnrecognized | ErrorKind::ClassEscapeInvalid => (
                "invalid escape sequence",
                &pattern[span.start.offset..span.end.offset],
            ),
            ErrorKind::RepetitionCountInvalid
            | ErrorKind::RepetitionCountUnclosed
            | ErrorKind::RepetitionCountDecimalEmpty => (
                "invalid repeat count",
                &pattern[span.start.offset..span.end.offset],
            ),
            ErrorKind::GroupNameInvalid
            | ErrorKind::GroupNameEmpty
            | ErrorKind::GroupNameDuplicate { .. } => (
                "invalid named capture",
                &pattern[span.start.offset..span.end.offset],
            ),
            ErrorKind::UnicodeClassInvalid => (
                "invalid character class range",
                &pattern[span.start.offset..span.end.offset],
            ),
            _ => (
                "invalid or unsupported Perl syntax",
                &pattern[span.start.offset..span.end.offset],
            ),
        };
        return Err(PatternError {
            code: code.into(),
            expr: expr.into(),
        });
    }
    Regex::new(&go_classes(pattern)).map_err(|e| PatternError {
        code: "invalid or unsupported Perl syntax".into(),
        expr: e.to_string(),
    })
}

/// Rewrites the Perl classes and word boundaries to Go's ASCII-only meaning.
fn go_classes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(n) = chars.next() else {
                    out.push(c);
                    break;
                };
                let inside = |s: &str| s.to_string();
                let rep = match (n, in_class) {
                    ('d', false) => "[0-9]".to_string(),
                    ('D', false) => "[^0-9]".to_string(),
                    ('w', false) => "[0-9A-Za-z_]".to_string(),
                    ('W', false) => "[^0-9A-Za-z_]".to_string(),
                    ('s', false) => "[\\t\\n\\f\\r ]".to_string(),
                    ('S', false) => "[^\\t\\n\\f\\r ]".to_string(),
                    ('b' | 'B', false) => format!("(?-u:\\{n})"),
                    ('d', true) => inside("0-9"),
                    ('w', true) => inside("0-9A-Za-z_"),
                    ('s', true) => inside("\\t\\n\\f\\r "),
                    _ => format!("\\{n}"),
                };
                out.push_str(&rep);
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                if chars.peek() == Some(&'^') {
                    out.push(chars.next().unwrap_or('^'));
                }
                if chars.peek() == Some(&']') {
                    out.push(chars.next().unwrap_or(']'));
                }
            }
            '[' if in_class && chars.peek() == Some(&':') => {
                // A POSIX class such as [:alpha:] inside a bracket expression.
                out.push(c);
                for d in chars.by_ref() {
                    out.push(d);
                    if d == ']' {
                        break;
                    }
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Replaces every match, expanding `$1` and `${name}` in the replacement as Go does.
pub fn replace_all(re: &Regex, text: &str, rep: &str) -> String {
    re.replace_all(text, rep).into_owned()
}
