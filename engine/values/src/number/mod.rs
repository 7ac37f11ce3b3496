//! Arbitrary-precision binary floating point numbers with Terraform's semantics.
//!
//! Terraform (through cty) represents every number as a Go `big.Float`: a binary mantissa of a given
//! precision (512 bits for literals and parsed strings, 64 for integers made by functions, 53 for
//! results computed in `float64`), rounded to nearest even after every operation, and printed as the
//! shortest decimal that reads back to the same value at that precision. Reproducing that exactly is what
//! makes `0.1 + 0.2` print `0.3`, `1/3` print 150 digits, and `2^70` stay exact.

mod decimal;

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{ToPrimitive, Zero};
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

pub use decimal::ParseNumberError;

/// The precision of numbers parsed from literals and strings.
pub const DEFAULT_PREC: u32 = 512;
/// The precision Go gives a `big.Float` set from an `int64`.
pub const INT_PREC: u32 = 64;
/// The precision of a `float64`.
pub const FLOAT64_PREC: u32 = 53;

/// A Terraform number.
#[derive(Clone)]
pub struct Number {
    repr: Repr,
    prec: u32,
}

#[derive(Clone)]
enum Repr {
    Zero {
        neg: bool,
    },
    /// `mant * 2^exp`, `mant` odd and at most `prec` bits long.
    Finite {
        neg: bool,
        mant: Arc<BigUint>,
        exp: i64,
    },
    Inf {
        neg: bool,
    },
}

/// The result of an operation that has no numeric value (zero divided by zero, infinity minus infinity).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the result is not a number")]
pub struct NotANumber;

impl Number {
    /// Zero at the default precision.
    pub fn zero() -> Number {
        Number {
            repr: Repr::Zero { neg: false },
            prec: DEFAULT_PREC,
        }
    }

    /// Positive or negative infinity.
    pub fn infinity(neg: bool) -> Number {
        Number {
            repr: Repr::Inf { neg },
            prec: DEFAULT_PREC,
        }
    }

    /// An integer, with the precision Go gives `SetInt64` (64 bits).
    pub fn from_i64(v: i64) -> Number {
        Number::from_parts(v < 0, BigUint::from(v.unsigned_abs()), 0, false, INT_PREC)
    }

    /// An unsigned integer (64-bit precision).
    pub fn from_u64(v: u64) -> Number {
        Number::from_parts(false, BigUint::from(v), 0, false, INT_PREC)
    }

    /// A big integer, with the precision Go gives `SetInt` (its bit length, at least 64).
    pub fn from_bigint(v: &BigInt) -> Number {
        let mag = v.magnitude().clone();
        let prec = (mag.bits() as u32).max(INT_PREC);
        Number::from_parts(v.sign() == Sign::Minus, mag, 0, false, prec)
    }

    /// A `float64` value, exactly, at 53-bit precision. NaN has no number.
    pub fn from_f64(v: f64) -> Result<Number, NotANumber> {
        if v.is_nan() {
            return Err(NotANumber);
        }
        if v.is_infinite() {
            return Ok(Number {
                repr: Repr::Inf { neg: v < 0.0 },
                prec: FLOAT64_PREC,
            });
        }
        if v == 0.0 {
            return Ok(Number {
                repr: Repr::Zero {
                    neg: v.is_sign_negative(),
                },
                prec: FLOAT64_PREC,
            });
        }
        let bits = v.to_bits();
        let neg = bits >> 63 == 1;
        let exp_bits = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1u64 << 52) - 1);
        let (mant, exp) = if exp_bits == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), exp_bits - 1075)
        };
        Ok(Number::from_parts(
            neg,
            BigUint::from(mant),
            exp,
            false,
            FLOAT64_PREC,
        ))
    }

    /// Parses a decimal number (`-12.5e3`, `Inf`) at the default 512-bit precision, as Terraform parses
    /// number literals and converts strings to numbers.
    pub fn parse(s: &str) -> Result<Number, ParseNumberError> {
        decimal::parse(s, DEFAULT_PREC)
    }

    /// Builds `(-1)^neg * mant * 2^exp` rounded to `prec` bits; `sticky` says that nonzero bits below
    /// `mant`'s last bit were dropped.
    fn from_parts(neg: bool, mant: BigUint, exp: i64, sticky: bool, prec: u32) -> Number {
        if mant.is_zero() {
            return Number {
                repr: Repr::Zero { neg },
                prec,
            };
        }
        let (mant, exp) = round_mantissa(mant, exp, sticky, prec);
        Number {
            repr: Repr::Finite {
                neg,
                mant: Arc::new(mant),
                exp,
            },
            prec,
        }
    }

    /// The precision of this number in bits.
    pub fn precision(&self) -> u32 {
        self.prec
    }

    /// This number rounded to another precision.
    pub fn with_precision(&self, prec: u32) -> Number {
        match &self.repr {
            Repr::Finite { neg, mant, exp } => {
                Number::from_parts(*neg, (**mant).clone(), *exp, false, prec)
            }
            repr => Number {
                repr: repr.clone(),
                prec,
            },
        }
    }

    /// Whether this is zero (of either sign).
    pub fn is_zero(&self) -> bool {
        matches!(self.repr, Repr::Zero { .. })
    }

    /// Whether this is an infinity.
    pub fn is_infinite(&self) -> bool {
        matches!(self.repr, Repr::Inf { .. })
    }

    /// Whether this number is below zero (negative zero is not).
    pub fn is_negative(&self) -> bool {
        match &self.repr {
            Repr::Zero { .. } => false,
            Repr::Finite { neg, .. } | Repr::Inf { neg } => *neg,
        }
    }

    fn sign_bit(&self) -> bool {
        match &self.repr {
            Repr::Zero { neg } | Repr::Finite { neg, .. } | Repr::Inf { neg } => *neg,
        }
    }

    /// -1, 0 or 1.
    pub fn signum(&self) -> i32 {
        match &self.repr {
            Repr::Zero { .. } => 0,
            Repr::Finite { neg, .. } | Repr::Inf { neg } => {
                if *neg {
                    -1
                } else {
                    1
                }
            }
        }
    }

    /// Whether this is a finite whole number.
    pub fn is_integer(&self) -> bool {
        match &self.repr {
            Repr::Zero { .. } => true,
            Repr::Finite { exp, .. } => *exp >= 0,
            Repr::Inf { .. } => false,
        }
    }

    /// The value as an `i64`, if it is a whole number in range.
    pub fn to_i64(&self) -> Option<i64> {
        if !self.is_integer() {
            return None;
        }
        self.to_bigint_trunc().and_then(|b| b.to_i64())
    }

    /// The value truncated towards zero, or `None` for infinities.
    pub fn to_bigint_trunc(&self) -> Option<BigInt> {
        match &self.repr {
            Repr::Zero { .. } => Some(BigInt::zero()),
            Repr::Inf { .. } => None,
            Repr::Finite { neg, mant, exp } => {
                let mag = if *exp >= 0 {
                    (**mant).clone() << (*exp as usize)
                } else if (-*exp) as u64 >= mant.bits() {
                    BigUint::zero()
                } else {
                    (**mant).clone() >> ((-*exp) as usize)
                };
                let sign = if *neg { Sign::Minus } else { Sign::Plus };
                Some(BigInt::from_biguint(sign, mag))
            }
        }
    }

    /// The nearest `f64`.
    pub fn to_f64(&self) -> f64 {
        match &self.repr {
            Repr::Zero { neg } => {
                if *neg {
                    -0.0
                } else {
                    0.0
                }
            }
            Repr::Inf { neg } => {
                if *neg {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                }
            }
            Repr::Finite { .. } => self
                .to_text_shortest_prec(FLOAT64_PREC)
                .parse::<f64>()
                .unwrap_or(f64::NAN),
        }
    }

    fn to_text_shortest_prec(&self, prec: u32) -> String {
        self.with_precision(prec).to_string()
    }

    /// The negated number.
    pub fn neg(&self) -> Number {
        let repr = match &self.repr {
            Repr::Zero { neg } => Repr::Zero { neg: !neg },
            Repr::Finite { neg, mant, exp } => Repr::Finite {
                neg: !neg,
                mant: mant.clone(),
                exp: *exp,
            },
            Repr::Inf { neg } => Repr::Inf { neg: !neg },
        };
        Number {
            repr,
            prec: self.prec,
        }
    }

    /// The absolute value.
    pub fn abs(&self) -> Number {
        if self.sign_bit() {
            self.neg()
        } else {
            self.clone()
        }
    }

    /// `self + other`, at the larger precision of the two.
    pub fn add(&self, other: &Number) -> Result<Number, NotANumber> {
        self.add_prec(other, self.prec.max(other.prec))
    }

    /// `self - other`, at the larger precision of the two.
    pub fn sub(&self, other: &Number) -> Result<Number, NotANumber> {
        self.add_prec(&other.neg(), self.prec.max(other.prec))
    }

    /// `self + other` rounded to `prec` bits.
    pub fn add_prec(&self, other: &Number, prec: u32) -> Result<Number, NotANumber> {
        match (&self.repr, &other.repr) {
            (Repr::Inf { neg: a }, Repr::Inf { neg: b }) => {
                if a == b {
                    Ok(Number {
                        repr: Repr::Inf { neg: *a },
                        prec,
                    })
                } else {
                    Err(NotANumber)
                }
            }
            (Repr::Inf { neg }, _) | (_, Repr::Inf { neg }) => Ok(Number {
                repr: Repr::Inf { neg: *neg },
                prec,
            }),
            (Repr::Zero { neg: a }, Repr::Zero { neg: b }) => Ok(Number {
                repr: Repr::Zero { neg: *a && *b },
                prec,
            }),
            (Repr::Zero { .. }, _) => Ok(other.with_precision(prec)),
            (_, Repr::Zero { .. }) => Ok(self.with_precision(prec)),
            (
                Repr::Finite {
                    neg: na,
                    mant: ma,
                    exp: ea,
                },
                Repr::Finite {
                    neg: nb,
                    mant: mb,
                    exp: eb,
                },
            ) => {
                let e = (*ea).min(*eb);
                let a = (**ma).clone() << ((ea - e) as usize);
                let b = (**mb).clone() << ((eb - e) as usize);
                if na == nb {
                    Ok(Number::from_parts(*na, a + b, e, false, prec))
                } else {
                    match a.cmp(&b) {
                        Ordering::Equal => Ok(Number {
                            repr: Repr::Zero { neg: false },
                            prec,
                        }),
                        Ordering::Greater => Ok(Number::from_parts(*na, a - b, e, false, prec)),
                        Ordering::Less => Ok(Number::from_parts(*nb, b - a, e, false, prec)),
                    }
                }
            }
        }
    }

    /// `self * other`, at the larger precision of the two.
    pub fn mul(&self, other: &Number) -> Result<Number, NotANumber> {
        self.mul_prec(other, self.prec.max(other.prec))
    }

    /// `self * other` rounded to `prec` bits.
    pub fn mul_prec(&self, other: &Number, prec: u32) -> Result<Number, NotANumber> {
        let neg = self.sign_bit() != other.sign_bit();
        match (&self.repr, &other.repr) {
            (Repr::Inf { .. }, Repr::Zero { .. }) | (Repr::Zero { .. }, Repr::Inf { .. }) => {
                Err(NotANumber)
            }
            (Repr::Inf { .. }, _) | (_, Repr::Inf { .. }) => Ok(Number {
                repr: Repr::Inf { neg },
                prec,
            }),
            (Repr::Zero { .. }, _) | (_, Repr::Zero { .. }) => Ok(Number {
                repr: Repr::Zero { neg },
                prec,
            }),
            (
                Repr::Finite {
                    mant: ma, exp: ea, ..
                },
                Repr::Finite {
                    mant: mb, exp: eb, ..
                },
            ) => Ok(Number::from_parts(neg, &**ma * &**mb, ea + eb, false, prec)),
        }
    }

    /// `self / other`, at the larger precision of the two. Dividing a nonzero number by zero gives an
    /// infinity, as in Go.
    pub fn div(&self, other: &Number) -> Result<Number, NotANumber> {
        let prec = self.prec.max(other.prec);
        let neg = self.sign_bit() != other.sign_bit();
        match (&self.repr, &other.repr) {
            (Repr::Zero { .. }, Repr::Zero { .. }) | (Repr::Inf { .. }, Repr::Inf { .. }) => {
                Err(NotANumber)
            }
            (Repr::Inf { .. }, _) | (_, Repr::Zero { .. }) => Ok(Number {
                repr: Repr::Inf { neg },
                prec,
            }),
            (Repr::Zero { .. }, _) | (_, Repr::Inf { .. }) => Ok(Number {
                repr: Repr::Zero { neg },
                prec,
            }),
            (
                Repr::Finite {
                    mant: ma, exp: ea, ..
                },
                Repr::Finite {
                    mant: mb, exp: eb, ..
                },
            ) => {
                let want = prec as i64 + 2 + mb.bits() as i64 - ma.bits() as i64;
                let shift = want.max(0);
                let num = (**ma).clone() << (shift as usize);
                let (q, r) = num.div_rem(&**mb);
                Ok(Number::from_parts(
                    neg,
                    q,
                    ea - eb - shift,
                    !r.is_zero(),
                    prec,
                ))
            }
        }
    }

    /// Terraform's `%`: `a - b * trunc(a / b)`, with `a % 0 == a`. The result has the precision Go gives
    /// an integer made from the truncated quotient, as cty computes it.
    pub fn modulo(&self, other: &Number) -> Result<Number, NotANumber> {
        if self.is_infinite() {
            return self.mul(other);
        }
        if other.is_infinite() {
            return Ok(self.clone());
        }
        let ratio = self.div(other).unwrap_or_else(|_| Number::zero());
        let int = ratio.to_bigint_trunc().unwrap_or_default();
        let work = Number::from_bigint(&int);
        let prec = work.prec;
        let work = other.mul_prec(&work, prec)?;
        self.add_prec(&work.neg(), prec)
    }

    /// The smallest whole number not below this one, at this number's precision.
    pub fn ceil(&self) -> Number {
        self.round_integer(true)
    }

    /// The largest whole number not above this one, at this number's precision.
    pub fn floor(&self) -> Number {
        self.round_integer(false)
    }

    fn round_integer(&self, up: bool) -> Number {
        let Some(trunc) = self.to_bigint_trunc() else {
            return self.clone();
        };
        if self.is_integer() {
            return self.clone();
        }
        let neg = self.is_negative();
        let adjusted = match (up, neg) {
            (true, false) => trunc + 1,
            (false, true) => trunc - 1,
            _ => trunc,
        };
        if adjusted.is_zero() {
            return Number {
                repr: Repr::Zero { neg },
                prec: self.prec,
            };
        }
        Number::from_parts(
            adjusted.sign() == Sign::Minus,
            adjusted.magnitude().clone(),
            0,
            false,
            self.prec,
        )
    }

    /// Orders two numbers by value (negative zero equals zero).
    pub fn cmp_value(&self, other: &Number) -> Ordering {
        let rank = |n: &Number| -> i32 {
            match &n.repr {
                Repr::Inf { neg: true } => -2,
                Repr::Finite { neg: true, .. } => -1,
                Repr::Zero { .. } => 0,
                Repr::Finite { neg: false, .. } => 1,
                Repr::Inf { neg: false } => 2,
            }
        };
        let (ra, rb) = (rank(self), rank(other));
        if ra != rb || ra.abs() != 1 {
            return ra.cmp(&rb);
        }
        let (
            Repr::Finite {
                mant: ma, exp: ea, ..
            },
            Repr::Finite {
                mant: mb, exp: eb, ..
            },
        ) = (&self.repr, &other.repr)
        else {
            unreachable!("both finite by rank");
        };
        let mag = cmp_magnitude(ma, *ea, mb, *eb);
        if ra < 0 { mag.reverse() } else { mag }
    }

    /// Terraform's number equality: two numbers are equal when they print the same (`-0` equals `0`).
    pub fn equals(&self, other: &Number) -> bool {
        if self.prec == other.prec
            || (self.is_integer()
                && other.is_integer()
                && self.fits_exactly()
                && other.fits_exactly())
        {
            return self.cmp_value(other) == Ordering::Equal
                && self.is_infinite() == other.is_infinite();
        }
        let (a, b) = (self.to_string(), other.to_string());
        a.trim_start_matches('-') == "0" && b.trim_start_matches('-') == "0" || a == b
    }

    /// Whether the value is an integer whose bits all fit the precision (so it prints as itself).
    fn fits_exactly(&self) -> bool {
        match &self.repr {
            Repr::Finite { mant, exp, .. } => {
                *exp >= 0 && mant.bits() as i64 + exp <= self.prec as i64
            }
            Repr::Zero { .. } => true,
            Repr::Inf { .. } => false,
        }
    }

    /// Formats like Go's `big.Float.Text(format, prec)` for the formats `e`, `f` and `g`; a negative
    /// `prec` asks for the shortest text that reads back to the same number.
    pub fn to_text(&self, format: char, prec: i32) -> String {
        decimal::format(self, format, prec)
    }

    /// The text cty uses for numbers inside set hashes (`big.Float.String()`, that is `%.10g`).
    pub fn to_set_key(&self) -> String {
        self.to_text('g', 10)
    }
}

fn cmp_magnitude(ma: &BigUint, ea: i64, mb: &BigUint, eb: i64) -> Ordering {
    let top_a = ma.bits() as i64 + ea;
    let top_b = mb.bits() as i64 + eb;
    if top_a != top_b {
        return top_a.cmp(&top_b);
    }
    let e = ea.min(eb);
    let a = ma.clone() << ((ea - e) as usize);
    let b = mb.clone() << ((eb - e) as usize);
    a.cmp(&b)
}

/// Rounds `mant * 2^exp` (plus a sticky remainder) to at most `prec` bits, nearest even, and strips
/// trailing zero bits into the exponent.
fn round_mantissa(mut mant: BigUint, mut exp: i64, sticky: bool, prec: u32) -> (BigUint, i64) {
    let prec = prec.max(1) as u64;
    let bits = mant.bits();
    if bits > prec {
        let shift = bits - prec;
        let half_bit = shift - 1;
        let half = mant.bit(half_bit);
        let below_half = sticky || lower_bits_nonzero(&mant, half_bit);
        mant >>= shift as usize;
        exp += shift as i64;
        let round_up = half && (below_half || mant.bit(0));
        if round_up {
            mant += 1u32;
            if mant.bits() > prec {
                mant >>= 1usize;
                exp += 1;
            }
        }
    }
    if let Some(tz) = mant.trailing_zeros() {
        if tz > 0 {
            mant >>= tz as usize;
            exp += tz as i64;
        }
    }
    (mant, exp)
}

fn lower_bits_nonzero(mant: &BigUint, below: u64) -> bool {
    match mant.trailing_zeros() {
        Some(tz) => tz < below,
        None => false,
    }
}

impl fmt::Display for Number {
    /// The shortest decimal that reads back as this number (`big.Float.Text('f', -1)`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.fits_exactly() {
            if let Repr::Finite { neg, mant, exp } = &self.repr {
                if *neg {
                    f.write_str("-")?;
                }
                if mant.bits() as i64 + exp <= 64 {
                    let v = mant.to_u64().unwrap_or(0) << *exp;
                    return write!(f, "{v}");
                }
                return write!(f, "{}", (**mant).clone() << (*exp as usize));
            }
        }
        f.write_str(&self.to_text('f', -1))
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl FromStr for Number {
    type Err = ParseNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Number::parse(s)
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        self.equals(other)
    }
}

impl From<i64> for Number {
    fn from(v: i64) -> Number {
        Number::from_i64(v)
    }
}

impl From<i32> for Number {
    fn from(v: i32) -> Number {
        Number::from_i64(v as i64)
    }
}

impl From<usize> for Number {
    fn from(v: usize) -> Number {
        Number::from_u64(v as u64)
    }
}

#[cfg(test)]
mod tests;
