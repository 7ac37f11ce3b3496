//! Plan-time validation shared by resource types, with terraform-provider-aws's messages.

use terrane_diagnostics::{Diagnostic, Diagnostics};

/// An IPv4 CIDR block in canonical form (`10.0.0.0/16`, not `10.0.0.1/16`).
pub fn ipv4_cidr(attr: &str, text: &str) -> Diagnostics {
    let bad = |why: &str| {
        Diagnostics::from(Diagnostic::error(
            "Invalid CIDR block",
            format!("\"{attr}\" ({text}) is not a valid IPv4 CIDR block: {why}"),
        ))
    };
    let Some((addr, len)) = text.split_once('/') else {
        return bad("missing prefix length");
    };
    let Ok(ip) = addr.parse::<std::net::Ipv4Addr>() else {
        return bad("invalid address");
    };
    let Ok(len) = len.parse::<u32>() else {
        return bad("invalid prefix length");
    };
    if len > 32 {
        return bad("prefix length above 32");
    }
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    let bits = u32::from(ip);
    if bits & mask != bits {
        let canonical = std::net::Ipv4Addr::from(bits & mask);
        return Diagnostics::from(Diagnostic::error(
            "Invalid CIDR block",
            format!(
                "\"{attr}\" ({text}) is not a valid IPv4 CIDR block; did you mean \"{canonical}/{len}\"?"
            ),
        ));
    }
    Diagnostics::new()
}

/// A value from a fixed list.
pub fn one_of(attr: &str, value: &str, allowed: &[&str]) -> Diagnostics {
    if allowed.contains(&value) {
        return Diagnostics::new();
    }
    Diagnostics::from(Diagnostic::error(
        "Invalid value",
        format!("expected {attr} to be one of {allowed:?}, got {value}"),
    ))
}

/// A whole number within bounds.
pub fn int_between(attr: &str, v: i64, min: i64, max: i64) -> Diagnostics {
    if (min..=max).contains(&v) {
        return Diagnostics::new();
    }
    Diagnostics::from(Diagnostic::error(
        "Invalid value",
        format!("expected {attr} to be in the range ({min} - {max}), got {v}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_blocks() {
        assert!(!ipv4_cidr("cidr_block", "10.0.0.0/16").has_errors());
        assert!(ipv4_cidr("cidr_block", "10.0.0.0").has_errors());
        assert!(ipv4_cidr("cidr_block", "10.0.0.0/33").has_errors());
        let d = ipv4_cidr("cidr_block", "10.0.1.0/16");
        assert!(
            d.iter()
                .next()
                .unwrap()
                .detail
                .contains("did you mean \"10.0.0.0/16\"?")
        );
    }
}
