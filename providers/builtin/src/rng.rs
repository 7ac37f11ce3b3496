//! Random values for ids.

use rand::Rng;

/// A non-negative 63-bit random integer, as Go's `rand.Int()` gives the null provider its ids.
pub fn int63() -> u64 {
    rand::thread_rng().r#gen::<u64>() >> 1
}

/// A random version 4 UUID.
pub fn uuid_v4() -> String {
    let mut b: [u8; 16] = rand::thread_rng().r#gen();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}
