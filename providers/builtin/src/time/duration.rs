//! Go duration strings (`"30s"`, `"1.5h"`, `"1m30s"`), parsed as Go's `time.ParseDuration` does.

use std::time::Duration;

/// Nanoseconds per unit, longest unit names first so that `ms` is not read as `m`.
const UNITS: [(&str, i128); 8] = [
    ("ns", 1),
    ("us", 1_000),
    ("\u{b5}s", 1_000),
    ("\u{3bc}s", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60_000_000_000),
    ("h", 3_600_000_000_000),
];

/// Parses a duration into signed nanoseconds.
pub fn parse_nanos(s: &str) -> Result<i128, String> {
    let invalid = || format!("time: invalid duration {s:?}");
    let (negative, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (int_part, after) = rest.split_at(int_len);
        let (frac_part, after) = match after.strip_prefix('.') {
            Some(a) => {
                let n = a.bytes().take_while(u8::is_ascii_digit).count();
                a.split_at(n)
            }
            None => ("", after),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(invalid());
        }
        let unit_len = after
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        if unit.is_empty() {
            return Err(format!("time: missing unit in duration {s:?}"));
        }
        let Some((_, scale)) = UNITS.iter().find(|(name, _)| *name == unit) else {
            return Err(format!("time: unknown unit {unit:?} in duration {s:?}"));
        };
        let whole: i128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| invalid())?
        };
        let mut value = whole.checked_mul(*scale).ok_or_else(invalid)?;
        let mut place = *scale;
        for d in frac_part.bytes() {
            place /= 10;
            value += (d - b'0') as i128 * place;
        }
        total = total.checked_add(value).ok_or_else(invalid)?;
        if total > i64::MAX as i128 {
            return Err(invalid());
        }
        rest = after;
    }
    Ok(if negative { -total } else { total })
}

/// Parses a duration; negative durations are zero.
pub fn parse(s: &str) -> Result<Duration, String> {
    parse_nanos(s).map(|n| Duration::from_nanos(n.max(0) as u64))
}

/// Whether `s` has the form `time_sleep` accepts: a number immediately followed by `ms`, `s`, `m` or `h`.
pub fn is_simple(s: &str) -> bool {
    let Some(unit_at) = s.find(|c: char| !(c.is_ascii_digit() || c == '.')) else {
        return false;
    };
    let (number, unit) = s.split_at(unit_at);
    let valid_number = match number.split_once('.') {
        None => !number.is_empty(),
        Some((int, frac)) => !int.is_empty() && !frac.is_empty() && !frac.contains('.'),
    };
    valid_number && matches!(unit, "ms" | "s" | "m" | "h")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_durations() {
        assert_eq!(parse("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse("1m"), Ok(Duration::from_secs(60)));
        assert_eq!(parse("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("300ms"), Ok(Duration::from_millis(300)));
        assert_eq!(
            parse("2h45m0.5s"),
            Ok(Duration::from_millis((2 * 3600 + 45 * 60) * 1000 + 500))
        );
        assert_eq!(parse("1\u{b5}s"), Ok(Duration::from_micros(1)));
        assert_eq!(parse("0"), Ok(Duration::ZERO));
        assert_eq!(parse("-5s"), Ok(Duration::ZERO));
        assert_eq!(parse_nanos("-1.5s"), Ok(-1_500_000_000));
        assert_eq!(parse(".5s"), Ok(Duration::from_millis(500)));
    }

    #[test]
    fn rejects_malformed_durations() {
        assert_eq!(
            parse("1"),
            Err("time: missing unit in duration \"1\"".to_string())
        );
        assert_eq!(
            parse("1x"),
            Err("time: unknown unit \"x\" in duration \"1x\"".to_string())
        );
        assert!(parse("").is_err());
        assert!(parse("s").is_err());
        assert!(parse(".s").is_err());
        assert!(parse("10000000000h").is_err());
    }

    #[test]
    fn time_sleep_accepts_only_a_number_and_one_unit() {
        for ok in ["30s", "1m", "1.5h", "300ms", "0s"] {
            assert!(is_simple(ok), "{ok}");
        }
        for bad in ["1m30s", "1", "s", "1.s", ".5s", "1us", "-1s", "1.2.3s"] {
            assert!(!is_simple(bad), "{bad}");
        }
    }
}
