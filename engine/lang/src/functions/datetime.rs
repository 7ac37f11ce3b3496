//! Date and time functions: formatdate, timeadd, timecmp, timestamp and plantimestamp, over RFC 3339
//! timestamps parsed with Go's rules and messages.

use super::util::s;
use super::{FnError, Function, Functions, Param, Returns, arg_fail};
use terrane_values::{Type, Value};

/// An instant with the UTC offset it was written in.
#[derive(Clone, Copy, Debug)]
pub struct Timestamp {
    /// Seconds since the Unix epoch.
    pub unix: i64,
    /// Nanoseconds within the second.
    pub nanos: u32,
    /// The UTC offset in seconds.
    pub offset: i32,
}

pub(super) fn register(f: &mut Functions) {
    f.add(
        "formatdate",
        Function::new(
            vec![
                Param::new("format", Type::String),
                Param::new("time", Type::String),
            ],
            Returns::Fixed(Type::String),
            |a, _, _| {
                let t = parse_rfc3339(s(&a[1])).map_err(|m| FnError::Arg(1, m))?;
                format_date(s(&a[0]), &t).map(Value::string)
            },
        ),
    );
    f.add(
        "timeadd",
        Function::new(
            vec![
                Param::new("timestamp", Type::String),
                Param::new("duration", Type::String),
            ],
            Returns::Fixed(Type::String),
            |a, _, _| {
                let t = parse_rfc3339(s(&a[0])).map_err(FnError::Call)?;
                let d = super::duration::parse_duration(s(&a[1])).map_err(FnError::Call)?;
                let total = t.nanos as i128 + d as i128;
                let unix = t.unix + total.div_euclid(1_000_000_000) as i64;
                let nanos = total.rem_euclid(1_000_000_000) as u32;
                Ok(Value::string(format_rfc3339(&Timestamp {
                    unix,
                    nanos,
                    offset: t.offset,
                })))
            },
        ),
    );
    f.add(
        "timecmp",
        Function::new(
            vec![
                Param::new("timestamp_a", Type::String),
                Param::new("timestamp_b", Type::String),
            ],
            Returns::Fixed(Type::Number),
            |a, _, _| {
                let x = parse_rfc3339(s(&a[0])).map_err(|m| FnError::Arg(0, m))?;
                let y = parse_rfc3339(s(&a[1])).map_err(|m| FnError::Arg(1, m))?;
                Ok(Value::int(
                    match (x.unix, x.nanos).cmp(&(y.unix, y.nanos)) {
                        std::cmp::Ordering::Less => -1,
                        std::cmp::Ordering::Equal => 0,
                        std::cmp::Ordering::Greater => 1,
                    },
                ))
            },
        ),
    );
    for name in ["timestamp", "plantimestamp"] {
        f.add(
            name,
            Function::new(vec![], Returns::Fixed(Type::String), |_, _, _| {
                Ok(Value::string(now_rfc3339()))
            }),
        );
    }
}

/// The current time in UTC as RFC 3339, to the second.
pub fn now_rfc3339() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format_rfc3339(&Timestamp {
        unix: now.as_secs() as i64,
        nanos: 0,
        offset: 0,
    })
}

/// The current time in UTC as RFC 3339 with microseconds, as Terraform's machine-readable UI stamps
/// its messages.
pub fn now_rfc3339_micros() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let seconds = format_rfc3339(&Timestamp {
        unix: now.as_secs() as i64,
        nanos: 0,
        offset: 0,
    });
    let without_zone = seconds.strip_suffix('Z').unwrap_or(&seconds);
    format!("{without_zone}.{:06}Z", now.subsec_micros())
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The date of a day number (the inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Local calendar fields of a timestamp: year, month, day, hour, minute, second, weekday (0 = Sunday).
fn fields(t: &Timestamp) -> (i64, u32, u32, u32, u32, u32, u32) {
    let local = t.unix + t.offset as i64;
    let days = local.div_euclid(86400);
    let secs = local.rem_euclid(86400) as u32;
    let (y, m, d) = civil_from_days(days);
    let weekday = (days + 4).rem_euclid(7) as u32;
    (y, m, d, secs / 3600, secs / 60 % 60, secs % 60, weekday)
}

/// Formats as Go's `time.RFC3339` (`2006-01-02T15:04:05Z07:00`).
pub fn format_rfc3339(t: &Timestamp) -> String {
    let (y, mo, d, h, mi, s, _) = fields(t);
    format!(
        "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{}",
        offset_text(t.offset, true, true)
    )
}

fn offset_text(offset: i32, z_for_utc: bool, colon: bool) -> String {
    if offset == 0 && z_for_utc {
        return "Z".into();
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let abs = offset.unsigned_abs() / 60;
    if colon {
        format!("{sign}{:02}:{:02}", abs / 60, abs % 60)
    } else {
        format!("{sign}{:02}{:02}", abs / 60, abs % 60)
    }
}

/// Parses an RFC 3339 timestamp as Go's `time.Parse(time.RFC3339, ...)` does, with Terraform's wording
/// of Go's errors.
pub fn parse_rfc3339(text: &str) -> Result<Timestamp, String> {
    let bad = |what: &str, value: &str| {
        if value.is_empty() {
            format!("not a valid RFC3339 timestamp: end of string before {what}")
        } else {
            format!("not a valid RFC3339 timestamp: cannot use {value:?} as {what}")
        }
    };
    let sep = |value: &str, want: char| -> Result<(), String> {
        match value.chars().next() {
            Some(c) if c == want => Ok(()),
            _ if want == 'T' => {
                Err("not a valid RFC3339 timestamp: missing required time introducer 'T'".into())
            }
            None => Err(format!(
                "not a valid RFC3339 timestamp: end of string where {:?} is expected",
                want.to_string()
            )),
            Some(_) => Err(format!(
                "not a valid RFC3339 timestamp: found {value:?} where {:?} is expected",
                want.to_string()
            )),
        }
    };
    let mut v = text;
    // Year: exactly four digits.
    if v.len() < 4 || !v.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        return Err(bad("year", v));
    }
    let year: i64 = v[..4].parse().map_err(|_| bad("year", v))?;
    v = &v[4..];
    let two = |v: &mut &str, what: &str, max: u32, min: u32| -> Result<u32, String> {
        let hold = *v;
        let b = v.as_bytes();
        if b.len() < 2 || !b[0].is_ascii_digit() || !b[1].is_ascii_digit() {
            // The hour alone may have one digit.
            if what == "hour" && !b.is_empty() && b[0].is_ascii_digit() {
                let n = (b[0] - b'0') as u32;
                *v = &v[1..];
                return Ok(n);
            }
            return Err(bad(what, hold));
        }
        let n = ((b[0] - b'0') * 10 + (b[1] - b'0')) as u32;
        *v = &v[2..];
        if n > max || n < min {
            return Err(bad(what, v));
        }
        Ok(n)
    };
    sep(v, '-')?;
    v = &v[1..];
    let month = two(&mut v, "month", 12, 1)?;
    sep(v, '-')?;
    v = &v[1..];
    let day = two(&mut v, "day of month", 31, 0)?;
    sep(v, 'T')?;
    v = &v[1..];
    let hour = two(&mut v, "hour", 23, 0)?;
    sep(v, ':')?;
    v = &v[1..];
    let minute = two(&mut v, "minute", 59, 0)?;
    sep(v, ':')?;
    v = &v[1..];
    let second = two(&mut v, "second", 59, 0)?;
    let mut nanos = 0u32;
    if v.len() >= 2
        && (v.starts_with('.') || v.starts_with(','))
        && v.as_bytes()[1].is_ascii_digit()
    {
        let digits: String = v[1..].chars().take_while(char::is_ascii_digit).collect();
        v = &v[1 + digits.len()..];
        let padded: String = digits
            .chars()
            .chain(std::iter::repeat('0'))
            .take(9)
            .collect();
        nanos = padded.parse().unwrap_or(0);
    }
    let offset = if let Some(rest) = v.strip_prefix('Z') {
        v = rest;
        0
    } else {
        let b = v.as_bytes();
        if b.len() < 6 || b[3] != b':' {
            return Err(bad("UTC offset", v));
        }
        let (hh, mm) = (v[1..3].parse::<i32>(), v[4..6].parse::<i32>());
        let (Ok(hh), Ok(mm), true) = (
            hh,
            mm,
            v[1..3]
                .bytes()
                .chain(v[4..6].bytes())
                .all(|c| c.is_ascii_digit()),
        ) else {
            return Err(bad("UTC offset", v));
        };
        let off = (hh * 60 + mm) * 60;
        let off = match b[0] {
            b'+' => off,
            b'-' => -off,
            _ => return Err(bad("UTC offset", v)),
        };
        v = &v[6..];
        off
    };
    if !v.is_empty() {
        return Err(bad("timestamp segment", v));
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err("not a valid RFC3339 timestamp: day out of range".into());
    }
    let days = days_from_civil(year, month, day);
    let unix = days * 86400 + (hour * 3600 + minute * 60 + second) as i64 - offset as i64;
    Ok(Timestamp {
        unix,
        nanos,
        offset,
    })
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Splits a `formatdate` spec into tokens: runs of one letter, quoted literals, other literal runs.
fn date_tokens(format: &str) -> Vec<String> {
    let chars: Vec<char> = format.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        if chars[i] == '\'' {
            if chars.get(i + 1) == Some(&'\'') {
                i += 2;
            } else {
                i += 1;
                while i < chars.len() {
                    if chars[i] == '\'' {
                        if chars.get(i + 1) == Some(&'\'') {
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    i += 1;
                }
            }
        } else if chars[i].is_ascii_alphabetic() {
            while i < chars.len() && chars[i] == chars[start] {
                i += 1;
            }
        } else {
            while i < chars.len() && chars[i] != '\'' && !chars[i].is_ascii_alphabetic() {
                i += 1;
            }
            if i == start {
                i += 1;
            }
        }
        out.push(chars[start..i].iter().collect());
    }
    out
}

/// Formats a timestamp by Terraform's `formatdate` spec.
pub fn format_date(format: &str, t: &Timestamp) -> Result<String, FnError> {
    let (year, month, day, hour, minute, second, weekday) = fields(t);
    let mut out = String::new();
    for tok in date_tokens(format) {
        let first = tok.chars().next().unwrap_or(' ');
        let n = tok.chars().count();
        let verb_err =
            |what: &str| arg_fail::<()>(0, format!("invalid date format verb {tok:?}: {what}"));
        match first {
            '\'' => {
                if tok == "''" {
                    out.push('\'');
                } else {
                    let inner: String = tok.chars().skip(1).take(n.saturating_sub(2)).collect();
                    out.push_str(&inner.replace("''", "'"));
                }
            }
            'Y' => match n {
                2 => out.push_str(&format!("{:02}", year.rem_euclid(100))),
                4 => out.push_str(&format!("{year:04}")),
                _ => verb_err("year must either be \"YY\" or \"YYYY\"")?,
            },
            'M' => match n {
                1 => out.push_str(&month.to_string()),
                2 => out.push_str(&format!("{month:02}")),
                3 => out.push_str(&MONTHS[month as usize - 1][..3]),
                4 => out.push_str(MONTHS[month as usize - 1]),
                _ => verb_err("month must be \"M\", \"MM\", \"MMM\", or \"MMMM\"")?,
            },
            'D' => match n {
                1 => out.push_str(&day.to_string()),
                2 => out.push_str(&format!("{day:02}")),
                _ => verb_err("day of month must either be \"D\" or \"DD\"")?,
            },
            'E' => match n {
                3 => out.push_str(&WEEKDAYS[weekday as usize][..3]),
                4 => out.push_str(WEEKDAYS[weekday as usize]),
                _ => verb_err("day of week must either be \"EEE\" or \"EEEE\"")?,
            },
            'h' | 'H' | 'm' | 's' => {
                let (v, what) = match first {
                    'h' => (hour, "24-hour must either be \"h\" or \"hh\""),
                    'H' => (
                        if hour % 12 == 0 { 12 } else { hour % 12 },
                        "12-hour must either be \"H\" or \"HH\"",
                    ),
                    'm' => (minute, "minute must either be \"m\" or \"mm\""),
                    _ => (second, "second must either be \"s\" or \"ss\""),
                };
                match n {
                    1 => out.push_str(&v.to_string()),
                    2 => out.push_str(&format!("{v:02}")),
                    _ => verb_err(what)?,
                }
            }
            'A' | 'a' => {
                if n != 2 {
                    verb_err(&format!("must be \"{first}{first}\""))?;
                }
                let pm = hour >= 12;
                out.push_str(match (first == 'A', pm) {
                    (true, false) => "AM",
                    (true, true) => "PM",
                    (false, false) => "am",
                    (false, true) => "pm",
                });
            }
            'Z' => match n {
                1 => out.push_str(&offset_text(t.offset, true, true)),
                3 if t.offset == 0 => out.push_str("UTC"),
                3 | 4 => out.push_str(&offset_text(t.offset, false, false)),
                5 => out.push_str(&offset_text(t.offset, false, true)),
                _ => verb_err("timezone must be Z, ZZZZ, or ZZZZZ")?,
            },
            c if c.is_ascii_alphabetic() => {
                return arg_fail(0, format!("invalid date format verb {tok:?}"));
            }
            _ => out.push_str(&tok),
        }
    }
    Ok(out)
}
