//! `format` and `formatlist`'s verbs, as cty implements them: `%v` (JSON for non-primitives), `%t`,
//! `%d %b %o %x %X` (Go's `big.Int` formatting), `%e %E %f %F %g %G` (Go's `big.Float` formatting),
//! `%s %q` (widths and precisions in grapheme clusters), flags `-+# 0`, width, precision and `[n]`
//! argument indexes.

use terrane_values::json::{to_json_text, write_json_string};
use terrane_values::{Kind, Number, Type, Value, convert};
use unicode_segmentation::UnicodeSegmentation;

/// A parsed verb.
struct Verb {
    raw: String,
    offset: usize,
    arg: usize,
    mode: char,
    minus: bool,
    plus: bool,
    zero: bool,
    space: bool,
    sharp: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

/// Why formatting failed: about the call, or (too many arguments) about the arguments.
pub enum FormatError {
    /// A problem with the format string or one argument.
    Call(String),
    /// More arguments than the format uses.
    TooMany(String),
}

/// Formats `args` by `fmt`.
pub fn format(fmt: &str, args: &[Value]) -> Result<String, FormatError> {
    let bytes = fmt.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    let mut next_arg = 1usize;
    let mut max_used = 0usize;
    let unrecognized = |at: usize| {
        let c = fmt[at..].chars().next().unwrap_or(' ');
        FormatError::Call(format!(
            "unrecognized format character {c:?} at offset {at}"
        ))
    };
    while i < bytes.len() {
        if bytes[i] != b'%' {
            let next = fmt[i..].find('%').map_or(bytes.len(), |n| i + n);
            out.push_str(&fmt[i..next]);
            i = next;
            continue;
        }
        let start = i;
        i += 1;
        if i >= bytes.len() {
            return Err(FormatError::Call(format!(
                "invalid format string starting at offset {i}"
            )));
        }
        if bytes[i] == b'%' {
            out.push('%');
            i += 1;
            continue;
        }
        let mut v = Verb {
            raw: String::new(),
            offset: start,
            arg: 0,
            mode: ' ',
            minus: false,
            plus: false,
            zero: false,
            space: false,
            sharp: false,
            width: None,
            prec: None,
        };
        while i < bytes.len() {
            match bytes[i] {
                b'-' => {
                    v.minus = true;
                    v.zero = false;
                }
                b'+' => v.plus = true,
                b'0' => v.zero = !v.minus,
                b' ' => v.space = true,
                b'#' => v.sharp = true,
                _ => break,
            }
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'[' {
            i += 1;
            if i >= bytes.len() || !(b'1'..=b'9').contains(&bytes[i]) {
                return Err(if i >= bytes.len() {
                    FormatError::Call(format!("invalid format string starting at offset {i}"))
                } else {
                    unrecognized(i)
                });
            }
            let digits_start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            next_arg = fmt[digits_start..i].parse().unwrap_or(1);
            if i >= bytes.len() || bytes[i] != b']' {
                return Err(if i >= bytes.len() {
                    FormatError::Call(format!("invalid format string starting at offset {i}"))
                } else {
                    unrecognized(i)
                });
            }
            i += 1;
        }
        let w_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i > w_start {
            v.width = fmt[w_start..i].parse().ok();
        }
        if i < bytes.len() && bytes[i] == b'.' {
            i += 1;
            let p_start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            v.prec = Some(fmt[p_start..i].parse().unwrap_or(0));
        }
        let Some(mode) = fmt[i.min(fmt.len())..].chars().next() else {
            return Err(FormatError::Call(format!(
                "invalid format string starting at offset {i}"
            )));
        };
        if !mode.is_ascii_alphabetic() {
            return Err(unrecognized(i));
        }
        i += 1;
        v.mode = mode;
        v.raw = fmt[start..i].to_string();
        v.arg = next_arg;
        next_arg += 1;
        if !matches!(
            mode,
            'v' | 't' | 'b' | 'd' | 'o' | 'x' | 'X' | 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | 's' | 'q'
        ) {
            return Err(FormatError::Call(format!(
                "unsupported format verb {mode:?} in {:?} at offset {}",
                v.raw, v.offset
            )));
        }
        let Some(arg) = args.get(v.arg - 1) else {
            return Err(FormatError::Call(format!(
                "not enough arguments for {:?} at {}: need index {} but have {} total",
                v.raw,
                v.offset,
                v.arg,
                args.len()
            )));
        };
        max_used = max_used.max(v.arg);
        out.push_str(&format_one(&v, arg).map_err(|e| {
            FormatError::Call(format!(
                "unsupported value for {:?} at {}: {e}",
                v.raw, v.offset
            ))
        })?);
    }
    if max_used < args.len() {
        return Err(FormatError::TooMany(format!(
            "too many arguments; only {max_used} used by format string"
        )));
    }
    Ok(out)
}

fn format_one(v: &Verb, arg: &Value) -> Result<String, String> {
    if v.mode != 'v' && arg.is_null() {
        return Err("null value cannot be formatted".into());
    }
    match v.mode {
        'v' => {
            if !v.sharp {
                match arg.kind() {
                    Kind::String(s) => return Ok(pad(v, s)),
                    Kind::Number(n) => return Ok(pad(v, &n.to_text('g', -1))),
                    _ => {}
                }
            }
            to_json_text(arg)
                .map(|j| pad(v, &j))
                .map_err(|e| e.to_string())
        }
        't' => {
            let b = convert(arg, &Type::Bool).map_err(|e| e.message)?;
            Ok(if b.as_bool() == Some(true) {
                "true"
            } else {
                "false"
            }
            .to_string())
        }
        's' | 'q' => {
            let s = convert(arg, &Type::String).map_err(|e| e.message)?;
            let mut text = s.as_str().unwrap_or_default().to_string();
            if let Some(p) = v.prec.filter(|p| *p > 0) {
                text = text.graphemes(true).take(p).collect();
            }
            if v.mode == 'q' {
                let mut quoted = String::new();
                write_json_string(&text, &mut quoted);
                text = quoted;
            }
            Ok(pad(v, &text))
        }
        _ => {
            let n = convert(arg, &Type::Number).map_err(|e| e.message)?;
            let n = n.as_number().cloned().unwrap_or_else(Number::zero);
            if matches!(v.mode, 'b' | 'd' | 'o' | 'x' | 'X') {
                if !n.is_integer() {
                    return Err("an integer is required".into());
                }
                Ok(format_int(v, &n))
            } else {
                Ok(format_float(v, &n))
            }
        }
    }
}

/// cty's `formatPadWidth`: pads to the width in grapheme clusters.
fn pad(v: &Verb, text: &str) -> String {
    let Some(width) = v.width else {
        return text.to_string();
    };
    let len = text.graphemes(true).count();
    if len >= width {
        return text.to_string();
    }
    let fill = if v.zero { "0" } else { " " }.repeat(width - len);
    if v.minus {
        format!("{text}{fill}")
    } else {
        format!("{fill}{text}")
    }
}

/// Go's `big.Int.Format`.
fn format_int(v: &Verb, n: &Number) -> String {
    let i = n.to_bigint_trunc().unwrap_or_default();
    let neg = i.sign() == num_bigint::Sign::Minus;
    let radix = match v.mode {
        'b' => 2,
        'o' => 8,
        'x' | 'X' => 16,
        _ => 10,
    };
    let mut digits = i.magnitude().to_str_radix(radix);
    if v.mode == 'X' {
        digits = digits.to_uppercase();
    }
    let sign = if neg {
        "-"
    } else if v.plus {
        "+"
    } else if v.space {
        " "
    } else {
        ""
    };
    let prefix = match (v.sharp, v.mode) {
        (true, 'b') => "0b",
        (true, 'o') => "0",
        (true, 'x') => "0x",
        (true, 'X') => "0X",
        _ => "",
    };
    let mut zeros = 0;
    if let Some(p) = v.prec {
        if digits.len() < p {
            zeros = p - digits.len();
        } else if digits == "0" && p == 0 {
            return String::new();
        }
    }
    let len = sign.len() + prefix.len() + zeros + digits.len();
    let (mut left, mut right) = (0, 0);
    if let Some(w) = v.width.filter(|w| len < *w) {
        let d = w - len;
        if v.minus {
            right = d;
        } else if v.zero && v.prec.is_none() {
            zeros = d;
        } else {
            left = d;
        }
    }
    format!(
        "{}{sign}{prefix}{}{digits}{}",
        " ".repeat(left),
        "0".repeat(zeros),
        " ".repeat(right)
    )
}

/// Go's `big.Float.Format`.
fn format_float(v: &Verb, n: &Number) -> String {
    let (format, prec) = match v.mode {
        'F' => ('f', v.prec.map_or(6, |p| p as i32)),
        'g' | 'G' => (v.mode, v.prec.map_or(-1, |p| p as i32)),
        m => (m, v.prec.map_or(6, |p| p as i32)),
    };
    let text = n.to_text(format, prec);
    let (sign, body) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest.to_string()),
        None => match text.strip_prefix('+') {
            Some(rest) => (if v.space { " " } else { "+" }, rest.to_string()),
            None => (
                if v.plus {
                    "+"
                } else if v.space {
                    " "
                } else {
                    ""
                },
                text.clone(),
            ),
        },
    };
    let padding = v
        .width
        .map_or(0, |w| w.saturating_sub(sign.len() + body.len()));
    if v.zero && !n.is_infinite() {
        format!("{sign}{}{body}", "0".repeat(padding))
    } else if v.minus {
        format!("{sign}{body}{}", " ".repeat(padding))
    } else {
        format!("{}{sign}{body}", " ".repeat(padding))
    }
}
