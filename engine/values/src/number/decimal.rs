//! Decimal text for numbers: parsing (`big.ParseFloat`) and formatting (`big.Float.Text`) with Go's
//! rounding, including the shortest-representation algorithm that decides how Terraform prints numbers.

use super::{Number, Repr};
use num_bigint::BigUint;
use num_traits::Zero;

/// A string that is not a decimal number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a number is required")]
pub struct ParseNumberError;

/// Exponents beyond this are treated as overflow to infinity or underflow to zero.
const MAX_DECIMAL_EXP: i64 = 1_000_000;

/// Parses `[+-]digits[.digits][(e|E)[+-]digits]` or `[+-]Inf`, rounding to `prec` bits.
pub(super) fn parse(s: &str, prec: u32) -> Result<Number, ParseNumberError> {
    let bytes = s.as_bytes();
    // Integers below 10^19 (nearly every literal in a configuration) fit in 64 bits: no big-number
    // parsing.
    if (1..=19).contains(&bytes.len()) && bytes.iter().all(u8::is_ascii_digit) {
        let v = bytes
            .iter()
            .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'));
        return Ok(Number::from_parts(false, BigUint::from(v), 0, false, prec));
    }
    let mut i = 0;
    let mut neg = false;
    if i < bytes.len() && (bytes[i] == b'+' || bytes[i] == b'-') {
        neg = bytes[i] == b'-';
        i += 1;
    }
    let rest = &s[i..];
    if rest == "Inf" || rest == "inf" {
        return Ok(Number {
            repr: Repr::Inf { neg },
            prec,
        });
    }
    let mut digits: Vec<u8> = Vec::new();
    let mut frac_digits: i64 = 0;
    let mut seen_digit = false;
    let mut seen_point = false;
    while i < bytes.len() {
        match bytes[i] {
            b'0'..=b'9' => {
                seen_digit = true;
                if !(digits.is_empty() && bytes[i] == b'0') {
                    digits.push(bytes[i]);
                }
                if seen_point {
                    frac_digits += 1;
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        i += 1;
    }
    if !seen_digit {
        return Err(ParseNumberError);
    }
    let mut exp10: i64 = 0;
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        i += 1;
        let mut eneg = false;
        if i < bytes.len() && (bytes[i] == b'+' || bytes[i] == b'-') {
            eneg = bytes[i] == b'-';
            i += 1;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            exp10 = exp10
                .saturating_mul(10)
                .saturating_add((bytes[i] - b'0') as i64);
            i += 1;
        }
        if start == i {
            return Err(ParseNumberError);
        }
        if eneg {
            exp10 = -exp10;
        }
    }
    if i != bytes.len() {
        return Err(ParseNumberError);
    }
    if digits.is_empty() {
        return Ok(Number {
            repr: Repr::Zero { neg },
            prec,
        });
    }
    let exp10 = exp10.saturating_sub(frac_digits);
    let top = exp10 + digits.len() as i64;
    if top > MAX_DECIMAL_EXP {
        return Ok(Number {
            repr: Repr::Inf { neg },
            prec,
        });
    }
    if top < -MAX_DECIMAL_EXP {
        return Ok(Number {
            repr: Repr::Zero { neg },
            prec,
        });
    }
    let d = BigUint::parse_bytes(&digits, 10).ok_or(ParseNumberError)?;
    if exp10 >= 0 {
        let v = d * BigUint::from(10u32).pow(exp10 as u32);
        return Ok(Number::from_parts(neg, v, 0, false, prec));
    }
    // d / 10^k: divide by 5^k and account for 2^-k in the binary exponent.
    let k = (-exp10) as u32;
    let den = BigUint::from(5u32).pow(k);
    let want = prec as i64 + 2 + den.bits() as i64 - d.bits() as i64;
    let shift = want.max(0);
    let num = d << (shift as usize);
    let q = &num / &den;
    let sticky = !(&num % &den).is_zero();
    Ok(Number::from_parts(
        neg,
        q,
        -(k as i64) - shift,
        sticky,
        prec,
    ))
}

/// A decimal `0.digits × 10^exp` with no trailing zero digits; empty digits mean zero.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Decimal {
    digits: Vec<u8>,
    exp: i64,
}

impl Decimal {
    /// The exact decimal value of `mant × 2^shift`.
    fn exact(mant: &BigUint, shift: i64) -> Decimal {
        if mant.is_zero() {
            return Decimal {
                digits: Vec::new(),
                exp: 0,
            };
        }
        let (text, point_shift) = if shift >= 0 {
            ((mant.clone() << (shift as usize)).to_str_radix(10), 0)
        } else {
            let k = (-shift) as u32;
            (
                (mant * BigUint::from(5u32).pow(k)).to_str_radix(10),
                k as i64,
            )
        };
        let mut digits = text.into_bytes();
        let exp = digits.len() as i64 - point_shift;
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        Decimal { digits, exp }
    }

    fn at(&self, i: usize) -> u8 {
        self.digits.get(i).copied().unwrap_or(b'0')
    }

    fn trim(&mut self) {
        while self.digits.last() == Some(&b'0') {
            self.digits.pop();
        }
        if self.digits.is_empty() {
            self.exp = 0;
        }
    }

    fn should_round_up(&self, n: usize) -> bool {
        if self.digits[n] == b'5' && n + 1 == self.digits.len() {
            return n > 0 && (self.digits[n - 1] - b'0') & 1 != 0;
        }
        self.digits[n] >= b'5'
    }

    fn round(&mut self, n: i64) {
        if n < 0 || n as usize >= self.digits.len() {
            return;
        }
        if self.should_round_up(n as usize) {
            self.round_up(n);
        } else {
            self.round_down(n);
        }
    }

    fn round_up(&mut self, n: i64) {
        if n < 0 || n as usize >= self.digits.len() {
            return;
        }
        let mut n = n as usize;
        while n > 0 && self.digits[n - 1] >= b'9' {
            n -= 1;
        }
        if n == 0 {
            self.digits.truncate(1);
            self.digits[0] = b'1';
            self.exp += 1;
            return;
        }
        self.digits[n - 1] += 1;
        self.digits.truncate(n);
    }

    fn round_down(&mut self, n: i64) {
        if n < 0 || n as usize >= self.digits.len() {
            return;
        }
        self.digits.truncate(n as usize);
        self.trim();
    }
}

/// Go's `roundShortest`: the fewest digits that still read back as `x` at its precision.
fn round_shortest(d: &mut Decimal, mant: &BigUint, exp: i64, prec: u32) {
    if d.digits.is_empty() {
        return;
    }
    // Scale the mantissa to prec+1 bits so that its last bit is half an ulp.
    let bits = mant.bits() as i64;
    let s = bits - (prec as i64 + 1);
    let (m, e) = if s < 0 {
        (mant.clone() << ((-s) as usize), exp + s)
    } else {
        (mant.clone() >> (s as usize), exp + s)
    };
    let lower = Decimal::exact(&(&m - 1u32), e);
    let upper = Decimal::exact(&(&m + 1u32), e);
    let inclusive = !m.bit(1);
    for i in 0..d.digits.len() {
        let l = lower.at(i);
        let u = upper.at(i);
        let c = d.digits[i];
        let ok_down = l != c || inclusive && i + 1 == lower.digits.len();
        let ok_up = c != u && (inclusive || c + 1 < u || i + 1 < upper.digits.len());
        match (ok_down, ok_up) {
            (true, true) => {
                d.round(i as i64 + 1);
                return;
            }
            (true, false) => {
                d.round_down(i as i64 + 1);
                return;
            }
            (false, true) => {
                d.round_up(i as i64 + 1);
                return;
            }
            (false, false) => {}
        }
    }
}

/// `big.Float.Text(format, prec)` for `e`, `f` and `g`.
pub(super) fn format(x: &Number, format: char, prec: i32) -> String {
    let mut out = String::new();
    if x.sign_bit() {
        out.push('-');
    }
    let mut d = match &x.repr {
        Repr::Inf { neg } => {
            if !neg {
                out.push('+');
            }
            out.push_str("Inf");
            return out;
        }
        Repr::Zero { .. } => Decimal {
            digits: Vec::new(),
            exp: 0,
        },
        Repr::Finite { mant, exp, .. } => Decimal::exact(mant, *exp),
    };
    let mut prec = prec as i64;
    let shortest = prec < 0;
    if shortest {
        if let Repr::Finite { mant, exp, .. } = &x.repr {
            round_shortest(&mut d, mant, *exp, x.prec);
        }
        prec = match format {
            'e' | 'E' => d.digits.len() as i64 - 1,
            'f' => (d.digits.len() as i64 - d.exp).max(0),
            _ => d.digits.len() as i64,
        };
    } else {
        match format {
            'e' | 'E' => d.round(1 + prec),
            'f' => d.round(d.exp + prec),
            _ => {
                if prec == 0 {
                    prec = 1;
                }
                d.round(prec);
            }
        }
    }
    match format {
        'e' | 'E' => fmt_e(&mut out, format, prec, &d),
        'f' => fmt_f(&mut out, prec, &d),
        _ => {
            let mut eprec = prec;
            if eprec > d.digits.len() as i64 && d.digits.len() as i64 >= d.exp {
                eprec = d.digits.len() as i64;
            }
            if shortest {
                eprec = 6;
            }
            let exp = d.exp - 1;
            if exp < -4 || exp >= eprec {
                if prec > d.digits.len() as i64 {
                    prec = d.digits.len() as i64;
                }
                let e = if format == 'G' { 'E' } else { 'e' };
                fmt_e(&mut out, e, prec - 1, &d);
            } else {
                if prec > d.exp {
                    prec = d.digits.len() as i64;
                }
                fmt_f(&mut out, (prec - d.exp).max(0), &d);
            }
        }
    }
    out
}

fn fmt_e(out: &mut String, format: char, prec: i64, d: &Decimal) {
    out.push(d.digits.first().map_or('0', |&c| c as char));
    if prec > 0 {
        out.push('.');
        let m = (d.digits.len() as i64).min(prec + 1);
        let mut i = 1;
        if i < m {
            for &c in &d.digits[1..m as usize] {
                out.push(c as char);
            }
            i = m;
        }
        while i <= prec {
            out.push('0');
            i += 1;
        }
    }
    out.push(format);
    let mut exp = if d.digits.is_empty() { 0 } else { d.exp - 1 };
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
}

fn fmt_f(out: &mut String, prec: i64, d: &Decimal) {
    if d.exp > 0 {
        let m = (d.digits.len() as i64).min(d.exp) as usize;
        for &c in &d.digits[..m] {
            out.push(c as char);
        }
        for _ in m as i64..d.exp {
            out.push('0');
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec {
            let idx = d.exp + i;
            out.push(if idx < 0 {
                '0'
            } else {
                d.at(idx as usize) as char
            });
        }
    }
}
