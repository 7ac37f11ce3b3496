//! IP network functions: cidrhost, cidrnetmask, cidrsubnet and cidrsubnets, with the arithmetic (and
//! the quirks) of Go's `net` package and the go-cidr library that Terraform uses.

use super::util::{int_arg, n, s, to_int};
use super::{FnError, Function, Functions, Param, Returns, arg_fail, fail};
use num_bigint::{BigInt, Sign};
use num_traits::ToPrimitive;
use std::fmt::Write;
use terrane_values::{Type, Value};

/// A network as Go's `net.ParseCIDR` returns it: the masked address, stored in 4 or 16 bytes.
#[derive(Clone, Copy, Debug)]
struct Net {
    addr: u128,
    /// 32 for an address written as IPv4, 128 for one written as IPv6.
    bits: u32,
    prefix: u32,
}

pub(super) fn register(f: &mut Functions) {
    f.add(
        "cidrhost",
        Function::new(
            vec![
                Param::new("prefix", Type::String),
                Param::new("hostnum", Type::Number),
            ],
            Returns::Fixed(Type::String),
            |a, _, _| {
                let num = big_whole(&a[1])?;
                let net = parse_cidr(s(&a[0]))
                    .map_err(|e| FnError::Call(format!("invalid CIDR expression: {e}")))?;
                host(&net, num).map(Value::string)
            },
        ),
    );
    f.add(
        "cidrnetmask",
        Function::new(
            vec![Param::new("prefix", Type::String)],
            Returns::Fixed(Type::String),
            |a, _, _| {
                let net = parse_cidr(s(&a[0]))
                    .map_err(|e| FnError::Call(format!("invalid CIDR expression: {e}")))?;
                Ok(Value::string(ip_string(
                    mask(net.prefix, net.bits),
                    net.bits,
                )))
            },
        ),
    );
    f.add(
        "cidrsubnet",
        Function::new(
            vec![
                Param::new("prefix", Type::String),
                Param::new("newbits", Type::Number),
                Param::new("netnum", Type::Number),
            ],
            Returns::Fixed(Type::String),
            |a, _, _| {
                let newbits = to_int(&a[1]).map_err(FnError::Call)?;
                let num = big_whole(&a[2])?;
                let net = parse_cidr(s(&a[0]))
                    .map_err(|e| FnError::Call(format!("invalid CIDR expression: {e}")))?;
                subnet(&net, newbits, num).map(Value::string)
            },
        ),
    );
    f.add(
        "cidrsubnets",
        Function::variadic(
            vec![Param::new("prefix", Type::String)],
            Param::new("newbits", Type::Number),
            Returns::Fixed(Type::list(Type::String)),
            |a, _, _| subnets(s(&a[0]), &a[1..]),
        ),
    );
}

fn big_whole(v: &Value) -> Result<BigInt, FnError> {
    let num = n(v);
    if !num.is_integer() {
        return fail("value must be a whole number");
    }
    Ok(num.to_bigint_trunc().unwrap_or_default())
}

fn mask(prefix: u32, bits: u32) -> u128 {
    let full: u128 = if bits == 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    };
    match prefix {
        0 => 0,
        p if p >= bits => full,
        p => full & !(full >> p),
    }
}

/// `ipaddr.ParseCIDR`: Go 1.16's parser, which still accepts leading zeros in IPv4 octets.
fn parse_cidr(text: &str) -> Result<Net, String> {
    let bad = || format!("invalid CIDR address: {text}");
    let (addr_text, len_text) = text.split_once('/').ok_or_else(bad)?;
    let (addr, bits) = if addr_text.contains(':') {
        (parse_ipv6(addr_text).ok_or_else(bad)?, 128)
    } else {
        (parse_ipv4(addr_text).ok_or_else(bad)? as u128, 32)
    };
    if len_text.is_empty() || len_text.len() > 3 || !len_text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let prefix: u32 = len_text.parse().map_err(|_| bad())?;
    if prefix > bits {
        return Err(bad());
    }
    Ok(Net {
        addr: addr & mask(prefix, bits),
        bits,
        prefix,
    })
}

fn parse_ipv4(text: &str) -> Option<u32> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut out = 0u32;
    for p in parts {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let v: u32 = p.parse().ok()?;
        if v > 255 {
            return None;
        }
        out = out << 8 | v;
    }
    Some(out)
}

fn parse_ipv6(text: &str) -> Option<u128> {
    let (head, tail) = match text.find("::") {
        Some(i) => (&text[..i], Some(&text[i + 2..])),
        None => (text, None),
    };
    let groups = |part: &str| -> Option<Vec<u16>> {
        if part.is_empty() {
            return Some(Vec::new());
        }
        let mut out = Vec::new();
        let pieces: Vec<&str> = part.split(':').collect();
        for (i, p) in pieces.iter().enumerate() {
            if i == pieces.len() - 1 && p.contains('.') {
                let v4 = parse_ipv4(p)?;
                out.push((v4 >> 16) as u16);
                out.push(v4 as u16);
            } else {
                if p.is_empty() || p.len() > 4 {
                    return None;
                }
                out.push(u16::from_str_radix(p, 16).ok()?);
            }
        }
        Some(out)
    };
    let h = groups(head)?;
    let all = match tail {
        None if h.len() == 8 => h,
        None => return None,
        Some(t) => {
            let t = groups(t)?;
            if h.len() + t.len() > 7 {
                return None;
            }
            let mut all = h;
            all.resize(8 - t.len(), 0);
            all.extend(t);
            all
        }
    };
    Some(all.iter().fold(0u128, |acc, g| acc << 16 | *g as u128))
}

/// Go's `net.IP.String()`.
fn ip_string(addr: u128, bits: u32) -> String {
    if bits == 32 || addr >> 32 == 0xffff {
        let v = addr as u32;
        return format!(
            "{}.{}.{}.{}",
            v >> 24,
            (v >> 16) & 255,
            (v >> 8) & 255,
            v & 255
        );
    }
    let groups: Vec<u16> = (0..8).map(|i| (addr >> (112 - 16 * i)) as u16).collect();
    // The longest run of zero groups (at least two) becomes `::`.
    let (mut best, mut best_len, mut i) = (usize::MAX, 1, 0);
    while i < 8 {
        if groups[i] == 0 {
            let start = i;
            while i < 8 && groups[i] == 0 {
                i += 1;
            }
            if i - start > best_len {
                best = start;
                best_len = i - start;
            }
        } else {
            i += 1;
        }
    }
    let mut out = String::new();
    let mut i = 0;
    while i < 8 {
        if i == best {
            out.push_str("::");
            i += best_len;
            continue;
        }
        if i > 0 && !out.ends_with(':') {
            out.push(':');
        }
        let _ = write!(out, "{:x}", groups[i]);
        i += 1;
    }
    out
}

fn cidr_string(addr: u128, bits: u32, prefix: u32) -> String {
    format!("{}/{prefix}", ip_string(addr, bits))
}

/// go-cidr's `insertNumIntoIP`: ORs `num << (bits - prefix_len)` into the address with Go's big.Int
/// two's-complement semantics, then keeps the magnitude's low bytes.
fn insert_num(addr: u128, bits: u32, num: &BigInt, prefix_len: i64) -> Result<u128, FnError> {
    let shift = bits as i64 - prefix_len;
    let shifted = if shift >= 0 {
        num << shift as usize
    } else {
        num >> (-shift) as usize
    };
    let combined = BigInt::from(addr) | shifted;
    let mag = combined.magnitude();
    if mag.bits() > bits as u64 {
        return fail("the address computed is out of range");
    }
    Ok(mag.to_u128().unwrap_or(0))
}

fn host(net: &Net, num: BigInt) -> Result<String, FnError> {
    let host_len = net.bits - net.prefix;
    let max = (BigInt::from(1) << host_len as usize) - 1;
    let mut num = num;
    if num.sign() == Sign::Minus {
        num = &max - (-num - 1);
    }
    if num.sign() == Sign::Minus || num > max {
        return fail(format!(
            "prefix of {} does not accommodate a host numbered {num}",
            net.prefix
        ));
    }
    // An IPv6 network holding a v4-mapped address takes the host number as if it were IPv4.
    let width = if net.bits == 32 || net.addr >> 32 == 0xffff {
        32
    } else {
        128
    };
    Ok(ip_string(
        insert_num(net.addr, net.bits, &num, width)?,
        net.bits,
    ))
}

/// The low 64 bits of the magnitude, as Go's `big.Int.Uint64` gives them.
fn low_u64(num: &BigInt) -> u64 {
    num.magnitude().iter_u64_digits().next().unwrap_or(0)
}

fn subnet(net: &Net, newbits: i64, num: BigInt) -> Result<String, FnError> {
    let new_len = net.prefix as i64 + newbits;
    if new_len > net.bits as i64 {
        return fail(format!(
            "insufficient address space to extend prefix of {} by {newbits}",
            net.prefix
        ));
    }
    let max: u64 = if (0..64).contains(&newbits) {
        (1u64 << newbits) - 1
    } else {
        u64::MAX
    };
    if low_u64(&num) > max {
        return fail(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {num}"
        ));
    }
    let addr = insert_num(net.addr, net.bits, &num, new_len)?;
    Ok(cidr_string(addr, net.bits, new_len.max(0) as u32))
}

fn subnets(prefix: &str, lengths: &[Value]) -> Result<Value, FnError> {
    let net =
        parse_cidr(prefix).map_err(|e| FnError::Arg(0, format!("invalid CIDR expression: {e}")))?;
    if lengths.is_empty() {
        return Ok(Value::list(Type::String, Vec::new()));
    }
    let bits = net.bits;
    let first = int_arg(&lengths[0], 1)? + net.prefix as i64;
    let first = first.clamp(0, bits as i64) as u32;
    // go-cidr's PreviousSubnet: the subnet of the first length just below the network.
    let mut current = (
        net.addr.wrapping_sub(1) & mask(first, bits) & full(bits),
        first,
    );
    let mut out = Vec::with_capacity(lengths.len());
    for (i, l) in lengths.iter().enumerate() {
        let len = int_arg(l, i + 1)?;
        if len < 1 {
            return arg_fail(i + 1, "must extend prefix by at least one bit");
        }
        if len > 32 {
            return arg_fail(i + 1, "may not extend prefix by more than 32 bits");
        }
        let len = len as u32 + net.prefix;
        if len > bits {
            let proto = if bits == 32 { "IPv4" } else { "IPv6" };
            return arg_fail(
                i + 1,
                format!(
                    "would extend prefix to {len} bits, which is too long for an {proto} address"
                ),
            );
        }
        // go-cidr's NextSubnet: the subnet of the new length after the last address of the current one.
        let last = current.0 | (!mask(current.1, bits) & full(bits));
        let last_of_new = (last & mask(len, bits)) | (!mask(len, bits) & full(bits));
        let next = last_of_new.wrapping_add(1) & full(bits);
        let next = next & mask(len, bits);
        if next == 0 || next & mask(net.prefix, bits) != net.addr {
            return arg_fail(
                i + 1,
                format!(
                    "not enough remaining address space for a subnet with a prefix of {len} bits after {}",
                    cidr_string(current.0, bits, current.1)
                ),
            );
        }
        current = (next, len);
        out.push(Value::string(cidr_string(next, bits, len)));
    }
    Ok(Value::list(Type::String, out))
}

fn full(bits: u32) -> u128 {
    if bits == 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}
