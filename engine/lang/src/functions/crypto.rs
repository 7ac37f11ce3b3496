//! Hash and crypto functions: md5, sha1, sha256, sha512 and their base64 and file variants, bcrypt,
//! uuid and uuidv5.

use super::encoding::base64_encode;
use super::filesystem::read_for_hash;
use super::util::{int_arg, s};
use super::{FnError, Function, Functions, Param, Returns, fail};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use terrane_values::{Type, Value};

type Hasher = fn(&[u8]) -> Vec<u8>;

fn md5_bytes(b: &[u8]) -> Vec<u8> {
    Md5::digest(b).to_vec()
}

fn sha1_bytes(b: &[u8]) -> Vec<u8> {
    Sha1::digest(b).to_vec()
}

fn sha256_bytes(b: &[u8]) -> Vec<u8> {
    Sha256::digest(b).to_vec()
}

fn sha512_bytes(b: &[u8]) -> Vec<u8> {
    Sha512::digest(b).to_vec()
}

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

const HASHES: [(&str, Hasher, bool); 6] = [
    ("md5", md5_bytes, false),
    ("sha1", sha1_bytes, false),
    ("sha256", sha256_bytes, false),
    ("sha512", sha512_bytes, false),
    ("base64sha256", sha256_bytes, true),
    ("base64sha512", sha512_bytes, true),
];

fn encode(hash: &[u8], base64: bool) -> Value {
    Value::string(if base64 {
        base64_encode(hash)
    } else {
        hex(hash)
    })
}

pub(super) fn register(f: &mut Functions) {
    // Each hash is one function over a string and one over a file's contents. The implementations are
    // plain fn pointers, so the table is unrolled through a macro-free match on the index.
    for (idx, (name, _, _)) in HASHES.iter().enumerate() {
        let (on_string, on_file): (super::Impl, super::Impl) = match idx {
            0 => (|a, _, _| hash_str(a, 0), |a, _, c| hash_file(a, c, 0)),
            1 => (|a, _, _| hash_str(a, 1), |a, _, c| hash_file(a, c, 1)),
            2 => (|a, _, _| hash_str(a, 2), |a, _, c| hash_file(a, c, 2)),
            3 => (|a, _, _| hash_str(a, 3), |a, _, c| hash_file(a, c, 3)),
            4 => (|a, _, _| hash_str(a, 4), |a, _, c| hash_file(a, c, 4)),
            _ => (|a, _, _| hash_str(a, 5), |a, _, c| hash_file(a, c, 5)),
        };
        f.add(
            name,
            Function::new(
                vec![Param::new("str", Type::String)],
                Returns::Fixed(Type::String),
                on_string,
            ),
        );
        let file_name: &'static str = match idx {
            0 => "filemd5",
            1 => "filesha1",
            2 => "filesha256",
            3 => "filesha512",
            4 => "filebase64sha256",
            _ => "filebase64sha512",
        };
        f.add(
            file_name,
            Function::new(
                vec![Param::new("path", Type::String)],
                Returns::Fixed(Type::String),
                on_file,
            ),
        );
    }
    f.add(
        "bcrypt",
        Function::variadic(
            vec![Param::new("str", Type::String)],
            Param::new("cost", Type::Number),
            Returns::Fixed(Type::String),
            bcrypt_hash,
        ),
    );
    f.add(
        "uuid",
        Function::new(vec![], Returns::Fixed(Type::String), |_, _, _| {
            Ok(Value::string(uuid_v4()?))
        }),
    );
    f.add(
        "uuidv5",
        Function::new(
            vec![
                Param::new("namespace", Type::String),
                Param::new("name", Type::String),
            ],
            Returns::Fixed(Type::String),
            |a, _, _| {
                let ns = match s(&a[0]) {
                    "dns" => parse_uuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
                    "url" => parse_uuid("6ba7b811-9dad-11d1-80b4-00c04fd430c8"),
                    "oid" => parse_uuid("6ba7b812-9dad-11d1-80b4-00c04fd430c8"),
                    "x500" => parse_uuid("6ba7b814-9dad-11d1-80b4-00c04fd430c8"),
                    other => parse_uuid(other),
                };
                let ns = ns.map_err(|e| {
                    FnError::Call(format!(
                        "uuidv5() doesn't support namespace {} ({e})",
                        s(&a[0])
                    ))
                })?;
                Ok(Value::string(uuid_v5(&ns, s(&a[1]).as_bytes())))
            },
        ),
    );
}

fn hash_str(a: &[Value], idx: usize) -> Result<Value, FnError> {
    let (_, hasher, b64) = HASHES[idx];
    Ok(encode(&hasher(s(&a[0]).as_bytes()), b64))
}

fn hash_file(a: &[Value], c: &super::CallCtx<'_>, idx: usize) -> Result<Value, FnError> {
    let (_, hasher, b64) = HASHES[idx];
    let bytes = read_for_hash(c.functions.base_dir(), s(&a[0]))?;
    Ok(encode(&hasher(&bytes), b64))
}

fn bcrypt_hash(a: &[Value], _: &Type, _: &super::CallCtx<'_>) -> Result<Value, FnError> {
    if a.len() > 2 {
        return fail(format!(
            "bcrypt() takes no more than two arguments, but got {}",
            a.len()
        ));
    }
    let cost = match a.get(1) {
        Some(c) => int_arg(c, 1)?,
        None => 10,
    };
    if !(4..=31).contains(&cost) {
        return fail(format!(
            "error occured generating password crypto/bcrypt: cost {cost} is outside allowed range (4,31)"
        ));
    }
    let parts = bcrypt::hash_with_result(s(&a[0]), cost as u32)
        .map_err(|e| FnError::Call(format!("error occured generating password {e}")))?;
    Ok(Value::string(
        parts.format_for_version(bcrypt::Version::TwoA),
    ))
}

fn random_bytes<const N: usize>() -> Result<[u8; N], FnError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b)
        .map_err(|e| FnError::Call(format!("failed to read random bytes: {e}")))?;
    Ok(b)
}

fn format_uuid(b: &[u8; 16]) -> String {
    let h = hex(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// A random (version 4) UUID.
pub fn uuid_v4() -> Result<String, FnError> {
    let mut b = random_bytes::<16>()?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    Ok(format_uuid(&b))
}

/// A name-based (version 5, SHA-1) UUID.
pub fn uuid_v5(namespace: &[u8; 16], name: &[u8]) -> String {
    let mut h = Sha1::new();
    h.update(namespace);
    h.update(name);
    let sum = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&sum[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    format_uuid(&b)
}

/// Parses a UUID in the forms Go's `uuid.Parse` accepts: plain, `{...}`, `urn:uuid:...` or 32 hex digits.
pub fn parse_uuid(text: &str) -> Result<[u8; 16], String> {
    let hexdigits: String = match text.len() {
        36 => {
            let b = text.as_bytes();
            if b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
                return Err("invalid UUID format".into());
            }
            text.replace('-', "")
        }
        38 if text.starts_with('{') && text.ends_with('}') => return parse_uuid(&text[1..37]),
        45 if text.to_ascii_lowercase().starts_with("urn:uuid:") => return parse_uuid(&text[9..]),
        32 => text.to_string(),
        n => return Err(format!("invalid UUID length: {n}")),
    };
    let mut out = [0u8; 16];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(hexdigits.get(i * 2..i * 2 + 2).unwrap_or("zz"), 16)
            .map_err(|_| "invalid UUID format".to_string())?;
    }
    Ok(out)
}
