//! RFC 3339 timestamps as Go's `time.Parse(time.RFC3339, ...)` reads them, and the current time as
//! `time.Now().UTC().Format(time.RFC3339)` writes it.

use std::time::{SystemTime, UNIX_EPOCH};

/// A timestamp: its calendar fields in its own UTC offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// The offset from UTC, in seconds east.
    pub offset: i64,
}

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The civil date of a day number counted from 1970-01-01.
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
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Timestamp {
    /// Seconds since the Unix epoch.
    pub fn unix(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86400
            + (self.hour * 3600 + self.minute * 60 + self.second) as i64
            - self.offset
    }

    /// The UTC timestamp `secs` seconds after the epoch.
    pub fn from_unix(secs: i64) -> Timestamp {
        let (year, month, day) = civil_from_days(secs.div_euclid(86400));
        let rem = secs.rem_euclid(86400) as u32;
        Timestamp {
            year,
            month,
            day,
            hour: rem / 3600,
            minute: rem % 3600 / 60,
            second: rem % 60,
            offset: 0,
        }
    }

    /// The current time in UTC, to the second.
    pub fn now() -> Timestamp {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Timestamp::from_unix(secs)
    }

    /// The timestamp in RFC 3339 form, `Z` for UTC, without fractional seconds.
    pub fn format(&self) -> String {
        let zone = if self.offset == 0 {
            "Z".to_string()
        } else {
            let sign = if self.offset < 0 { '-' } else { '+' };
            let abs = self.offset.abs();
            format!("{sign}{:02}:{:02}", abs / 3600, abs % 3600 / 60)
        };
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{zone}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
pub fn parse(s: &str) -> Result<Timestamp, String> {
    let bad = |what: &str| format!("parsing time {s:?} as \"2006-01-02T15:04:05Z07:00\": {what}");
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Result<u32, String> {
        let part = b.get(from..from + len).ok_or_else(|| bad("cannot parse"))?;
        if part.iter().all(u8::is_ascii_digit) {
            Ok(part
                .iter()
                .fold(0u32, |acc, d| acc * 10 + (d - b'0') as u32))
        } else {
            Err(bad("cannot parse"))
        }
    };
    let expect = |at: usize, c: u8| {
        if b.get(at) == Some(&c) {
            Ok(())
        } else {
            Err(bad("cannot parse"))
        }
    };
    let year = num(0, 4)? as i64;
    expect(4, b'-')?;
    let month = num(5, 2)?;
    expect(7, b'-')?;
    let day = num(8, 2)?;
    expect(10, b'T')?;
    let hour = num(11, 2)?;
    expect(13, b':')?;
    let minute = num(14, 2)?;
    expect(16, b':')?;
    let second = num(17, 2)?;
    let mut at = 19;
    if b.get(at) == Some(&b'.') {
        let digits = b[at + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if digits == 0 {
            return Err(bad("cannot parse"));
        }
        at += 1 + digits;
    }
    let offset = match b.get(at) {
        Some(b'Z') if at + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if at + 6 == b.len() => {
            let (h, m) = (num(at + 1, 2)?, num(at + 4, 2)?);
            expect(at + 3, b':')?;
            if h >= 24 || m >= 60 {
                return Err(bad("time zone offset out of range"));
            }
            let secs = (h * 3600 + m * 60) as i64;
            if *sign == b'-' { -secs } else { secs }
        }
        _ => return Err(bad("cannot parse")),
    };
    if !(1..=12).contains(&month) {
        return Err(bad("month out of range"));
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err(bad("day out of range"));
    }
    if hour >= 24 || minute >= 60 || second >= 60 {
        return Err(bad("hour, minute or second out of range"));
    }
    Ok(Timestamp {
        year,
        month,
        day,
        hour,
        minute,
        second,
        offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_utc_and_offsets() {
        let t = parse("2020-02-12T06:36:13Z").unwrap();
        assert_eq!(
            (t.year, t.month, t.day, t.hour, t.minute, t.second),
            (2020, 2, 12, 6, 36, 13)
        );
        assert_eq!(t.unix(), 1581489373);
        let t = parse("2020-02-12T06:36:13+05:30").unwrap();
        assert_eq!(t.hour, 6, "fields stay in the given offset");
        assert_eq!(t.unix(), 1581489373 - 5 * 3600 - 30 * 60);
        assert_eq!(
            parse("2020-02-12T06:36:13.123-01:00").unwrap().unix(),
            1581489373 + 3600
        );
    }

    #[test]
    fn rejects_what_go_rejects() {
        for bad in [
            "2020-02-12",
            "2020-02-12 06:36:13Z",
            "2020-02-30T00:00:00Z",
            "2020-13-01T00:00:00Z",
            "2020-02-12T24:00:00Z",
            "2020-02-12T06:36:13",
            "2020-02-12T06:36:13+0500",
            "x",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse("2024-02-29T00:00:00Z").is_ok());
    }

    #[test]
    fn formats_and_round_trips() {
        assert_eq!(Timestamp::from_unix(0).format(), "1970-01-01T00:00:00Z");
        assert_eq!(
            Timestamp::from_unix(1581489373).format(),
            "2020-02-12T06:36:13Z"
        );
        assert_eq!(
            parse("2020-02-12T06:36:13+05:30").unwrap().format(),
            "2020-02-12T06:36:13+05:30"
        );
        for secs in [-86401, 951782400, 4102444800] {
            assert_eq!(
                parse(&Timestamp::from_unix(secs).format()).unwrap().unix(),
                secs
            );
        }
    }
}
