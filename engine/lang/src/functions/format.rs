//! `format` and `formatlist`: Go-style verbs applied to Terraform values, as cty implements them.

use terrane_values::json::to_json_text;
use terrane_values::{convert, Kind, Number, Type, Value};

struct Spec {
    minus: bool,
    plus: bool,
    zero: bool,
    space: bool,
    sharp: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

/// Formats `args` by `fmt`.
pub fn format(fmt: &str, args: &[Value]) -> Result<String, String> {
    let chars: Vec<char> = fmt.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut next_arg = 0usize;
    while i < chars.len() {
        let c = chars[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        if i >= chars.len() {
            return Err("format string ends with an incomplete verb".into());
        }
        if chars[i] == '%' {
            out.push('%');
            i += 1;
            continue;
        }
        let mut spec = Spec { minus: false, plus: false, zero: false, space: false, sharp: false, width: None, prec: None };
        while i < chars.len() {
            match chars[i] {
                '-' => spec.minus = true,
                '+' => spec.plus = true,
                '0' => spec.zero = true,
                ' ' => spec.space = true,
                '#' => spec.sharp = true,
                _ => break,
            }
            i += 1;
        }
        if i < chars.len() && chars[i] == '[' {
            let end = chars[i..].iter().position(|&c| c == ']').ok_or("unterminated argument index")? + i;
            let idx: usize = chars[i + 1..end].iter().collect::<String>().parse().map_err(|_| "invalid argument index")?;
            if idx == 0 {
                return Err("invalid argument index 0".into());
            }
            next_arg = idx - 1;
            i = end + 1;
        }
        let mut num = String::new();
        while i < chars.len() && chars[i].is_ascii_digit() {
            num.push(chars[i]);
            i += 1;
        }
        if !num.is_empty() {
            spec.width = num.parse().ok();
        }
        if i < chars.len() && chars[i] == '.' {
            i += 1;
            let mut p = String::new();
            while i < chars.len() && chars[i].is_ascii_digit() {
                p.push(chars[i]);
                i += 1;
            }
            spec.prec = Some(p.parse().unwrap_or(0));
        }
        if i >= chars.len() {
            return Err("format string ends with an incomplete verb".into());
        }
        let verb = chars[i];
        i += 1;
        let Some(arg) = args.get(next_arg) else {
            return Err(format!("not enough arguments for %{verb} at offset {}", i - 1));
        };
        next_arg += 1;
        let text = format_one(verb, &spec, arg)?;
        out.push_str(&pad(&text, &spec, matches!(verb, 'd' | 'f' | 'e' | 'E' | 'g' | 'G' | 'b' | 'o' | 'x' | 'X')));
    }
    if next_arg < args.len() {
        return Err(format!("too many arguments; only {next_arg} used by format string"));
    }
    Ok(out)
}

fn pad(text: &str, spec: &Spec, numeric: bool) -> String {
    let Some(w) = spec.width else { return text.to_string() };
    let len = text.chars().count();
    if len >= w {
        return text.to_string();
    }
    let fill = w - len;
    if spec.minus {
        format!("{text}{}", " ".repeat(fill))
    } else if spec.zero && numeric {
        let (sign, rest) = match text.chars().next() {
            Some(c @ ('-' | '+' | ' ')) => (c.to_string(), &text[1..]),
            _ => (String::new(), text),
        };
        format!("{sign}{}{rest}", "0".repeat(fill))
    } else {
        format!("{}{text}", " ".repeat(fill))
    }
}

fn number_arg(v: &Value, verb: char) -> Result<Number, String> {
    if v.is_null() {
        return Err(format!("unsupported value for \"%{verb}\" at argument: null value cannot be formatted"));
    }
    let n = convert(v, &Type::Number).map_err(|e| format!("unsupported value for \"%{verb}\": {}", e.message))?;
    Ok(n.as_number().cloned().unwrap_or_else(Number::zero))
}

fn sign_prefix(neg: bool, spec: &Spec) -> &'static str {
    if neg {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    }
}

fn format_one(verb: char, spec: &Spec, v: &Value) -> Result<String, String> {
    match verb {
        'v' => {
            if v.is_null() {
                return Ok("null".into());
            }
            if spec.sharp {
                return to_json_text(v).map_err(|e| e.to_string());
            }
            match v.kind() {
                Kind::String(s) => Ok(s.to_string()),
                Kind::Number(n) => Ok(n.to_string()),
                Kind::Bool(b) => Ok(b.to_string()),
                _ => to_json_text(v).map_err(|e| e.to_string()),
            }
        }
        't' => {
            let b = convert(v, &Type::Bool).map_err(|e| format!("unsupported value for \"%t\": {}", e.message))?;
            match b.as_bool() {
                Some(x) => Ok(x.to_string()),
                None => Err("unsupported value for \"%t\": null value cannot be formatted".into()),
            }
        }
        's' | 'q' => {
            if v.is_null() {
                return Err(format!("unsupported value for \"%{verb}\": null value cannot be formatted"));
            }
            let s = convert(v, &Type::String).map_err(|e| format!("unsupported value for \"%{verb}\": {}", e.message))?;
            let mut text = s.as_str().unwrap_or_default().to_string();
            if let Some(p) = spec.prec {
                text = text.chars().take(p).collect();
            }
            if verb == 'q' {
                text = terrane_values::set::go_quote(&text);
            }
            Ok(text)
        }
        'd' | 'b' | 'o' | 'x' | 'X' => {
            if matches!(verb, 'x' | 'X') {
                if let Kind::String(s) = v.kind() {
                    let hex: String = s.bytes().map(|b| format!("{b:02x}")).collect();
                    return Ok(if verb == 'X' { hex.to_uppercase() } else { hex });
                }
            }
            let n = number_arg(v, verb)?;
            if !n.is_integer() {
                return Err(format!("unsupported value for \"%{verb}\": number has a fractional part"));
            }
            let i = n.to_bigint_trunc().unwrap_or_default();
            let neg = i.sign() == num_bigint::Sign::Minus;
            let mag = i.magnitude();
            let digits = match verb {
                'd' => mag.to_str_radix(10),
                'b' => mag.to_str_radix(2),
                'o' => mag.to_str_radix(8),
                'x' => mag.to_str_radix(16),
                _ => mag.to_str_radix(16).to_uppercase(),
            };
            let digits = match spec.prec {
                Some(p) if digits.len() < p => format!("{}{digits}", "0".repeat(p - digits.len())),
                _ => digits,
            };
            Ok(format!("{}{digits}", sign_prefix(neg, spec)))
        }
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
            let n = number_arg(v, verb)?;
            let prec = match (verb, spec.prec) {
                (_, Some(p)) => p as i32,
                ('g' | 'G', None) => -1,
                _ => 6,
            };
            let fmt_char = match verb {
                'F' => 'f',
                c => c,
            };
            let text = n.abs().to_text(fmt_char, prec);
            Ok(format!("{}{text}", sign_prefix(n.is_negative(), spec)))
        }
        other => Err(format!("unsupported format verb %{other}")),
    }
}
