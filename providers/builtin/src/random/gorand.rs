//! Go's `math/rand` generator, reproduced bit for bit, so that a seeded `random_integer` or
//! `random_shuffle` gives the very result Terraform's random provider gives.
//!
//! The provider turns the seed string into an integer with CRC-64 (ISO polynomial) and draws from
//! `rand.New(rand.NewSource(seed))`: an additive lagged Fibonacci generator
//! `x[n] = x[n-607] + x[n-273] (mod 2^64)` whose seeding mixes a Lehmer sequence into a fixed
//! "cooked" state. That state is defined as the generator's contents after 7.8e12 steps from
//! `srand(1)`; rather than embed it, [`cooked`] derives it by jumping ahead with polynomial
//! arithmetic modulo the recurrence's characteristic polynomial `x^607 - x^334 - 1`.

use std::sync::OnceLock;

const LEN: usize = 607;
const TAP: usize = 273;
/// How far ahead of `srand(1)` the cooked state lies.
const COOKED_STEPS: u64 = 7_800_000_000_000;
const INT32_MAX: i64 = (1 << 31) - 1;
const MASK63: u64 = (1 << 63) - 1;

/// One step of the Lehmer generator `x' = 48271 x mod (2^31 - 1)`, in Schrage's form.
fn seedrand(x: i32) -> i32 {
    const A: i32 = 48271;
    const Q: i32 = 44488;
    const R: i32 = 3399;
    let hi = x / Q;
    let lo = x % Q;
    let x = A * lo - R * hi;
    if x < 0 { x + INT32_MAX as i32 } else { x }
}

/// Multiplies two polynomials of degree < LEN and reduces the product modulo `x^607 - x^334 - 1`.
fn mul_mod(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut prod = vec![0u64; 2 * LEN - 1];
    for (i, &ai) in a.iter().enumerate() {
        if ai == 0 {
            continue;
        }
        for (j, &bj) in b.iter().enumerate() {
            prod[i + j] = prod[i + j].wrapping_add(ai.wrapping_mul(bj));
        }
    }
    reduce(prod)
}

/// Reduces a polynomial using `x^607 = x^334 + 1`.
fn reduce(mut p: Vec<u64>) -> Vec<u64> {
    for d in (LEN..p.len()).rev() {
        let c = p[d];
        if c != 0 {
            p[d - TAP] = p[d - TAP].wrapping_add(c);
            p[d - LEN] = p[d - LEN].wrapping_add(c);
        }
    }
    p.truncate(LEN);
    p
}

/// Multiplies a reduced polynomial by `x`.
fn shift_mod(p: &[u64]) -> Vec<u64> {
    let mut out = Vec::with_capacity(LEN + 1);
    out.push(0);
    out.extend_from_slice(p);
    reduce(out)
}

/// The state vector Go seeds every source from (its `rngCooked`), computed once.
fn cooked() -> &'static [u64; LEN] {
    static COOKED: OnceLock<[u64; LEN]> = OnceLock::new();
    COOKED.get_or_init(|| {
        // The register after `srand(1)`, read as the sequence z[0..607]: z[t] sits at position
        // (940 - t) mod 607, and every later step writes z[t] to that same position.
        let mut register = [0u64; LEN];
        let mut x = 1i32;
        for i in -20..LEN as i64 {
            x = seedrand(x);
            if i >= 0 {
                let mut u = (x as i64) << 20;
                x = seedrand(x);
                u ^= (x as i64) << 10;
                x = seedrand(x);
                u ^= x as i64;
                register[i as usize] = u as u64;
            }
        }
        let position = |t: u64| ((940 + LEN as u64 * 2 - t % LEN as u64) % LEN as u64) as usize;
        let z: Vec<u64> = (0..LEN as u64).map(|t| register[position(t)]).collect();
        // x^N mod P, left to right.
        let mut power = vec![0u64; LEN];
        power[0] = 1;
        for bit in (0..64 - COOKED_STEPS.leading_zeros()).rev() {
            power = mul_mod(&power, &power);
            if COOKED_STEPS >> bit & 1 == 1 {
                power = shift_mod(&power);
            }
        }
        let mut out = [0u64; LEN];
        for t in COOKED_STEPS..COOKED_STEPS + LEN as u64 {
            let value = power
                .iter()
                .zip(&z)
                .fold(0u64, |acc, (c, v)| acc.wrapping_add(c.wrapping_mul(*v)));
            out[position(t)] = value;
            power = shift_mod(&power);
        }
        out
    })
}

/// A `rand.New(rand.NewSource(seed))` of Go.
pub struct GoRand {
    tap: usize,
    feed: usize,
    vec: [u64; LEN],
}

impl GoRand {
    /// Seeds the generator as `rand.NewSource(seed)` does.
    pub fn new(seed: i64) -> GoRand {
        let mut seed = seed % INT32_MAX;
        if seed < 0 {
            seed += INT32_MAX;
        }
        if seed == 0 {
            seed = 89482311;
        }
        let cooked = cooked();
        let mut vec = [0u64; LEN];
        let mut x = seed as i32;
        for i in -20..LEN as i64 {
            x = seedrand(x);
            if i >= 0 {
                let mut u = (x as i64) << 40;
                x = seedrand(x);
                u ^= (x as i64) << 20;
                x = seedrand(x);
                u ^= x as i64;
                vec[i as usize] = u as u64 ^ cooked[i as usize];
            }
        }
        GoRand {
            tap: 0,
            feed: LEN - TAP,
            vec,
        }
    }

    /// Seeds the generator from a string as the random provider does: CRC-64 (ISO) of its bytes, or
    /// a random seed for the empty string.
    pub fn from_seed_string(seed: &str) -> GoRand {
        if seed.is_empty() {
            GoRand::new(rand::random::<i64>())
        } else {
            GoRand::new(crc64_iso(seed.as_bytes()) as i64)
        }
    }

    fn uint64(&mut self) -> u64 {
        self.tap = if self.tap == 0 { LEN - 1 } else { self.tap - 1 };
        self.feed = if self.feed == 0 {
            LEN - 1
        } else {
            self.feed - 1
        };
        let x = self.vec[self.feed].wrapping_add(self.vec[self.tap]);
        self.vec[self.feed] = x;
        x
    }

    /// `Int63`: a non-negative 63-bit integer.
    pub fn int63(&mut self) -> i64 {
        (self.uint64() & MASK63) as i64
    }

    fn int31(&mut self) -> i32 {
        (self.int63() >> 32) as i32
    }

    fn int31n(&mut self, n: i32) -> i32 {
        if n & (n - 1) == 0 {
            return self.int31() & (n - 1);
        }
        let max = ((1u32 << 31) - 1 - (1u32 << 31) % n as u32) as i32;
        let mut v = self.int31();
        while v > max {
            v = self.int31();
        }
        v % n
    }

    fn int63n(&mut self, n: i64) -> i64 {
        if n & (n - 1) == 0 {
            return self.int63() & (n - 1);
        }
        let max = ((1u64 << 63) - 1 - (1u64 << 63) % n as u64) as i64;
        let mut v = self.int63();
        while v > max {
            v = self.int63();
        }
        v % n
    }

    /// `Intn`: an integer in `[0, n)`; `n` must be positive.
    pub fn intn(&mut self, n: i64) -> i64 {
        assert!(n > 0, "intn needs a positive bound");
        if n <= INT32_MAX {
            self.int31n(n as i32) as i64
        } else {
            self.int63n(n)
        }
    }

    /// `Perm`: a permutation of `0..n`, drawn the way Go draws it.
    pub fn perm(&mut self, n: usize) -> Vec<usize> {
        let mut m = vec![0usize; n];
        for i in 0..n {
            let j = self.intn(i as i64 + 1) as usize;
            m[i] = m[j];
            m[j] = i;
        }
        m
    }
}

/// CRC-64 with the ISO polynomial, as Go's `crc64.Checksum(data, crc64.MakeTable(crc64.ISO))`.
pub fn crc64_iso(data: &[u8]) -> u64 {
    const POLY: u64 = 0xD800_0000_0000_0000;
    static TABLE: OnceLock<[u64; 256]> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [0u64; 256];
        for (i, slot) in t.iter_mut().enumerate() {
            let mut crc = i as u64;
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ POLY
                } else {
                    crc >> 1
                };
            }
            *slot = crc;
        }
        t
    });
    let mut crc = !0u64;
    for &b in data {
        crc = table[((crc as u8) ^ b) as usize] ^ (crc >> 8);
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc64_iso_check_value() {
        assert_eq!(crc64_iso(b"123456789"), 0xB909_56C7_75A4_1001);
    }

    #[test]
    fn first_draws_match_go_for_seed_one() {
        let mut r = GoRand::new(1);
        assert_eq!(r.int63(), 5577006791947779410);
        assert_eq!(r.int63(), 8674665223082153551);
    }

    #[test]
    fn intn_matches_go_for_seed_one() {
        let mut r = GoRand::new(1);
        let got: Vec<i64> = (0..10).map(|_| r.intn(100)).collect();
        assert_eq!(got, [81, 87, 47, 59, 81, 18, 25, 40, 56, 0]);
    }

    #[test]
    fn perm_is_a_permutation() {
        let mut r = GoRand::new(42);
        let mut p = r.perm(20);
        p.sort();
        assert_eq!(p, (0..20).collect::<Vec<_>>());
    }
}
