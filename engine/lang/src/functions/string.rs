//! String functions.

use super::util::{int_call, s, seq};
use super::{Function, Functions, Param, Returns, arg_fail, fail};
use terrane_values::{Kind, Type, Value};
use unicode_segmentation::UnicodeSegmentation;

pub(super) fn register(f: &mut Functions) {
    let str1 = || vec![Param::new("str", Type::String)];
    f.add(
        "upper",
        Function::new(str1(), Returns::Fixed(Type::String), |a, _, _| {
            Ok(Value::string(go_upper(s(&a[0]))))
        }),
    );
    f.add(
        "lower",
        Function::new(str1(), Returns::Fixed(Type::String), |a, _, _| {
            Ok(Value::string(go_lower(s(&a[0]))))
        }),
    );
    f.add(
        "title",
        Function::new(str1(), Returns::Fixed(Type::String), |a, _, _| {
            Ok(Value::string(go_title(s(&a[0]))))
        }),
    );
    f.add(
        "trimspace",
        Function::new(str1(), Returns::Fixed(Type::String), |a, _, _| {
            Ok(Value::string(s(&a[0]).trim_matches(is_go_space)))
        }),
    );
    f.add(
        "chomp",
        Function::new(str1(), Returns::Fixed(Type::String), |a, _, _| {
            Ok(Value::string(s(&a[0]).trim_end_matches(['\r', '\n'])))
        }),
    );
    f.add(
        "strrev",
        Function::new(str1(), Returns::Fixed(Type::String), |a, _, _| {
            Ok(Value::string(
                s(&a[0]).graphemes(true).rev().collect::<String>(),
            ))
        }),
    );
    f.add(
        "join",
        Function::variadic(
            vec![Param::new("separator", Type::String)],
            Param::new("lists", Type::list(Type::String)),
            Returns::Fixed(Type::String),
            |a, _, _| {
                if a.len() < 2 {
                    return fail("at least one list is required");
                }
                let mut parts = Vec::new();
                let mut j = 0;
                for (i, list) in a[1..].iter().enumerate() {
                    for e in seq(list).iter() {
                        if e.is_null() {
                            return arg_fail(
                                i + 1,
                                format!("element {j} is null; cannot concatenate null values"),
                            );
                        }
                        j += 1;
                        match e.as_str() {
                            Some(x) => parts.push(x.to_string()),
                            None => return Ok(Value::unknown(Type::String)),
                        }
                    }
                }
                Ok(Value::string(parts.join(s(&a[0]))))
            },
        ),
    );
    f.add(
        "split",
        Function::new(
            vec![
                Param::new("separator", Type::String),
                Param::new("str", Type::String),
            ],
            Returns::Fixed(Type::list(Type::String)),
            |a, _, _| {
                let (sep, text) = (s(&a[0]), s(&a[1]));
                let parts: Vec<Value> = if sep.is_empty() {
                    text.chars().map(|c| Value::string(c.to_string())).collect()
                } else {
                    text.split(sep).map(Value::string).collect()
                };
                Ok(Value::list(Type::String, parts))
            },
        ),
    );
    f.add(
        "replace",
        Function::new(
            vec![
                Param::new("str", Type::String),
                Param::new("substr", Type::String),
                Param::new("replace", Type::String),
            ],
            Returns::Fixed(Type::String),
            |a, _, _| {
                let (text, sub, rep) = (s(&a[0]), s(&a[1]), s(&a[2]));
                if sub.len() > 1 && sub.starts_with('/') && sub.ends_with('/') {
                    let re = super::string_regex::compile(&sub[1..sub.len() - 1])
                        .map_err(|e| super::FnError::Call(e.text()))?;
                    return Ok(Value::string(super::string_regex::replace_all(
                        &re, text, rep,
                    )));
                }
                Ok(Value::string(text.replace(sub, rep)))
            },
        ),
    );
    f.add(
        "substr",
        Function::new(
            vec![
                Param::new("str", Type::String),
                Param::new("offset", Type::Number),
                Param::new("length", Type::Number),
            ],
            Returns::Fixed(Type::String),
            |a, _, _| {
                let text = s(&a[0]);
                let mut offset = int_call(&a[1])?;
                let length = int_call(&a[2])?;
                let clusters: Vec<&str> = text.graphemes(true).collect();
                if offset < 0 {
                    offset += clusters.len() as i64;
                } else if length == 0 {
                    return Ok(Value::string(""));
                }
                let start = offset.max(0) as usize;
                if start >= clusters.len() {
                    return Ok(Value::string(""));
                }
                let end = if length < 0 {
                    clusters.len()
                } else {
                    (start + length as usize).min(clusters.len())
                };
                Ok(Value::string(clusters[start..end].concat()))
            },
        ),
    );
    f.add(
        "indent",
        Function::new(
            vec![
                Param::new("spaces", Type::Number),
                Param::new("str", Type::String),
            ],
            Returns::Fixed(Type::String),
            |a, _, _| {
                let n = int_call(&a[0])?;
                if n < 0 {
                    return fail("negative Repeat count");
                }
                let n = n as usize;
                let pad = " ".repeat(n);
                Ok(Value::string(s(&a[1]).replace('\n', &format!("\n{pad}"))))
            },
        ),
    );
    f.add(
        "trim",
        Function::new(
            vec![
                Param::new("str", Type::String),
                Param::new("cutset", Type::String),
            ],
            Returns::Fixed(Type::String),
            |a, _, _| {
                let cut: Vec<char> = s(&a[1]).chars().collect();
                Ok(Value::string(s(&a[0]).trim_matches(cut.as_slice())))
            },
        ),
    );
    f.add(
        "trimprefix",
        Function::new(
            vec![
                Param::new("str", Type::String),
                Param::new("prefix", Type::String),
            ],
            Returns::Fixed(Type::String),
            |a, _, _| {
                Ok(Value::string(
                    s(&a[0]).strip_prefix(s(&a[1])).unwrap_or(s(&a[0])),
                ))
            },
        ),
    );
    f.add(
        "trimsuffix",
        Function::new(
            vec![
                Param::new("str", Type::String),
                Param::new("suffix", Type::String),
            ],
            Returns::Fixed(Type::String),
            |a, _, _| {
                Ok(Value::string(
                    s(&a[0]).strip_suffix(s(&a[1])).unwrap_or(s(&a[0])),
                ))
            },
        ),
    );
    f.add(
        "startswith",
        Function::new(
            vec![
                Param::new("str", Type::String),
                Param::new("prefix", Type::String),
            ],
            Returns::Fixed(Type::Bool),
            |a, _, _| Ok(Value::bool(s(&a[0]).starts_with(s(&a[1])))),
        ),
    );
    f.add(
        "endswith",
        Function::new(
            vec![
                Param::new("str", Type::String),
                Param::new("suffix", Type::String),
            ],
            Returns::Fixed(Type::Bool),
            |a, _, _| Ok(Value::bool(s(&a[0]).ends_with(s(&a[1])))),
        ),
    );
    f.add(
        "strcontains",
        Function::new(
            vec![
                Param::new("str", Type::String),
                Param::new("substr", Type::String),
            ],
            Returns::Fixed(Type::Bool),
            |a, _, _| Ok(Value::bool(s(&a[0]).contains(s(&a[1])))),
        ),
    );
    f.add(
        "format",
        Function::variadic(
            vec![Param::new("format", Type::String)],
            Param::new("args", Type::Dynamic).nullable().unknown(),
            Returns::Fixed(Type::String),
            |a, _, _| {
                if a[1..].iter().any(|v| !v.is_wholly_known()) {
                    return Ok(Value::unknown(Type::String));
                }
                super::format::format(s(&a[0]), &a[1..])
                    .map(Value::string)
                    .map_err(format_error)
            },
        ),
    );
    f.add(
        "formatlist",
        Function::variadic(
            vec![Param::new("format", Type::String)],
            Param::new("args", Type::Dynamic).nullable().unknown(),
            Returns::Fixed(Type::list(Type::String)),
            formatlist,
        ),
    );
}

fn formatlist(a: &[Value], _: &Type, _: &super::CallCtx<'_>) -> Result<Value, super::FnError> {
    let fmt = s(&a[0]);
    let args = &a[1..];
    let mut len: Option<usize> = None;
    for (i, v) in args.iter().enumerate() {
        if !v.is_known() {
            return Ok(Value::unknown(Type::list(Type::String)));
        }
        if let Kind::List(..) | Kind::Tuple(_) | Kind::Set(..) = v.kind() {
            let n = v.length().unwrap_or(0);
            match len {
                None => len = Some(n),
                Some(m) if m != n => {
                    return arg_fail(
                        i + 1,
                        format!(
                            "argument {} has length {n}, which is inconsistent with argument {} of length {m}",
                            i + 1,
                            1
                        ),
                    );
                }
                _ => {}
            }
        }
    }
    let Some(n) = len else {
        // Without lists the format applies once, reporting errors as `format` does.
        let text = super::format::format(fmt, args).map_err(format_error)?;
        return Ok(Value::list(Type::String, vec![Value::string(text)]));
    };
    let mut out = Vec::with_capacity(n);
    for idx in 0..n {
        let row: Vec<Value> = args
            .iter()
            .map(|v| match v.kind() {
                Kind::List(..) | Kind::Tuple(_) | Kind::Set(..) => {
                    v.as_seq().map(|e| e[idx].clone()).unwrap_or_default()
                }
                _ => v.clone(),
            })
            .collect();
        if row.iter().any(|v| !v.is_wholly_known()) {
            out.push(Value::unknown(Type::String));
            continue;
        }
        let text = super::format::format(fmt, &row).map_err(|e| match e {
            super::format::FormatError::Call(m) | super::format::FormatError::TooMany(m) => {
                super::FnError::Call(format!("error on format iteration {idx}: {m}"))
            }
        })?;
        out.push(Value::string(text));
    }
    Ok(Value::list(Type::String, out))
}

fn format_error(e: super::format::FormatError) -> super::FnError {
    match e {
        super::format::FormatError::Call(m) => super::FnError::Call(m),
        super::format::FormatError::TooMany(m) => super::FnError::Arg(1, m),
    }
}

fn is_go_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c as u32 > 0xff && c.is_whitespace())
}

/// Go's `strings.ToUpper`: simple one-to-one case mapping (so `ß` stays `ß`).
pub fn go_upper(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut up = c.to_uppercase();
            match (up.next(), up.next()) {
                (Some(u), None) => u,
                _ => c,
            }
        })
        .collect()
}

/// Go's `strings.ToLower`.
pub fn go_lower(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut low = c.to_lowercase();
            match (low.next(), low.next()) {
                (Some(l), None) => l,
                (Some(l), Some(_)) => l,
                _ => c,
            }
        })
        .collect()
}

fn go_is_separator(c: char) -> bool {
    if (c as u32) <= 0x7f {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if c.is_alphabetic() || c.is_numeric() {
        return false;
    }
    c.is_whitespace()
}

fn title_case(c: char) -> char {
    match c {
        'ǆ' | 'ǅ' | 'Ǆ' => 'ǅ',
        'ǉ' | 'ǈ' | 'Ǉ' => 'ǈ',
        'ǌ' | 'ǋ' | 'Ǌ' => 'ǋ',
        'ǳ' | 'ǲ' | 'Ǳ' => 'ǲ',
        _ => {
            let mut up = c.to_uppercase();
            match (up.next(), up.next()) {
                (Some(u), None) => u,
                _ => c,
            }
        }
    }
}

/// Go's `strings.Title`: the first letter of each word in title case, the rest unchanged.
pub fn go_title(s: &str) -> String {
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let out = if go_is_separator(prev) {
                title_case(c)
            } else {
                c
            };
            prev = c;
            out
        })
        .collect()
}
