//! `textencodebase64` and `textdecodebase64`: strings in other character encodings, named by their IANA
//! names or aliases, as base64.

use super::encoding::{base64_encode, go_base64_decode};
use super::util::s;
use super::{FnError, Function, Functions, Param, Returns};
use encoding_rs::Encoding;
use terrane_values::{Type, Value};

/// A supported character encoding.
enum Codec {
    Utf8,
    Ascii,
    Latin1,
    Utf16 { little: bool, bom: bool },
    Other(&'static Encoding),
}

/// The codec and the IANA name of an encoding name or alias (case-insensitive).
fn lookup(name: &str) -> Option<(Codec, &'static str)> {
    let lower = name.to_ascii_lowercase();
    let found = match lower.as_str() {
        "utf-8" | "csutf8" => (Codec::Utf8, "UTF-8"),
        "us-ascii" | "ascii" | "ansi_x3.4-1968" | "iso-ir-6" | "iso646-us" | "us" | "ibm367"
        | "cp367" | "csascii" => (Codec::Ascii, "US-ASCII"),
        "iso_8859-1:1987" | "iso-8859-1" | "iso_8859-1" | "iso-ir-100" | "latin1" | "l1"
        | "ibm819" | "cp819" | "csisolatin1" => (Codec::Latin1, "ISO_8859-1:1987"),
        "utf-16" | "csutf16" => (
            Codec::Utf16 {
                little: false,
                bom: true,
            },
            "UTF-16",
        ),
        "utf-16be" | "csutf16be" => (
            Codec::Utf16 {
                little: false,
                bom: false,
            },
            "UTF-16BE",
        ),
        "utf-16le" | "csutf16le" => (
            Codec::Utf16 {
                little: true,
                bom: false,
            },
            "UTF-16LE",
        ),
        "shift_jis" | "ms_kanji" | "csshiftjis" => {
            (Codec::Other(encoding_rs::SHIFT_JIS), "Shift_JIS")
        }
        "euc-jp" | "cseucpkdfmtjapanese" => (Codec::Other(encoding_rs::EUC_JP), "EUC-JP"),
        "iso-2022-jp" | "csiso2022jp" => (Codec::Other(encoding_rs::ISO_2022_JP), "ISO-2022-JP"),
        "gbk" | "cp936" | "ms936" | "windows-936" | "csgbk" => {
            (Codec::Other(encoding_rs::GBK), "GBK")
        }
        "gb18030" | "csgb18030" => (Codec::Other(encoding_rs::GB18030), "GB18030"),
        "big5" | "csbig5" => (Codec::Other(encoding_rs::BIG5), "Big5"),
        "euc-kr" | "cseuckr" => (Codec::Other(encoding_rs::EUC_KR), "EUC-KR"),
        "koi8-r" | "cskoi8r" => (Codec::Other(encoding_rs::KOI8_R), "KOI8-R"),
        "koi8-u" | "cskoi8u" => (Codec::Other(encoding_rs::KOI8_U), "KOI8-U"),
        "windows-1250" | "cswindows1250" => {
            (Codec::Other(encoding_rs::WINDOWS_1250), "windows-1250")
        }
        "windows-1251" | "cswindows1251" => {
            (Codec::Other(encoding_rs::WINDOWS_1251), "windows-1251")
        }
        "windows-1252" | "cswindows1252" => {
            (Codec::Other(encoding_rs::WINDOWS_1252), "windows-1252")
        }
        "windows-1253" | "cswindows1253" => {
            (Codec::Other(encoding_rs::WINDOWS_1253), "windows-1253")
        }
        "windows-1254" | "cswindows1254" => {
            (Codec::Other(encoding_rs::WINDOWS_1254), "windows-1254")
        }
        "windows-1255" | "cswindows1255" => {
            (Codec::Other(encoding_rs::WINDOWS_1255), "windows-1255")
        }
        "windows-1256" | "cswindows1256" => {
            (Codec::Other(encoding_rs::WINDOWS_1256), "windows-1256")
        }
        "windows-1257" | "cswindows1257" => {
            (Codec::Other(encoding_rs::WINDOWS_1257), "windows-1257")
        }
        "windows-1258" | "cswindows1258" => {
            (Codec::Other(encoding_rs::WINDOWS_1258), "windows-1258")
        }
        "iso-8859-2" | "iso_8859-2" | "iso_8859-2:1987" | "latin2" | "l2" | "csisolatin2" => {
            (Codec::Other(encoding_rs::ISO_8859_2), "ISO_8859-2:1987")
        }
        "iso-8859-5" | "iso_8859-5" | "iso_8859-5:1988" | "cyrillic" | "csisolatincyrillic" => {
            (Codec::Other(encoding_rs::ISO_8859_5), "ISO_8859-5:1988")
        }
        "iso-8859-7" | "iso_8859-7" | "iso_8859-7:1987" | "greek" | "csisolatingreek" => {
            (Codec::Other(encoding_rs::ISO_8859_7), "ISO_8859-7:1987")
        }
        "iso-8859-15" | "iso_8859-15" | "latin-9" | "csiso885915" => {
            (Codec::Other(encoding_rs::ISO_8859_15), "ISO-8859-15")
        }
        _ => return None,
    };
    Some(found)
}

fn unsupported(name: &str) -> FnError {
    FnError::Arg(
        1,
        format!(
            "{name:?} is not a supported IANA encoding name or alias in this Terraform version"
        ),
    )
}

pub(super) fn register(f: &mut Functions) {
    f.add(
        "textencodebase64",
        Function::new(
            vec![Param::new("string", Type::String), Param::new("encoding", Type::String)],
            Returns::Fixed(Type::String),
            |a, _, _| {
                let (codec, name) = lookup(s(&a[1])).ok_or_else(|| unsupported(s(&a[1])))?;
                let bytes = encode(&codec, s(&a[0]))
                    .ok_or_else(|| FnError::Arg(0, format!("the given string contains characters that cannot be represented in {name}")))?;
                Ok(Value::string(base64_encode(&bytes)))
            },
        ),
    );
    f.add(
        "textdecodebase64",
        Function::new(
            vec![
                Param::new("source", Type::String),
                Param::new("encoding", Type::String),
            ],
            Returns::Fixed(Type::String),
            |a, _, _| {
                let (codec, name) = lookup(s(&a[1])).ok_or_else(|| unsupported(s(&a[1])))?;
                let bytes = go_base64_decode(s(&a[0])).map_err(|at| {
                    FnError::Arg(
                        0,
                        format!("the given value is has an invalid base64 symbol at offset {at}"),
                    )
                })?;
                match decode(&codec, &bytes) {
                    Some(text) if !text.contains('\u{fffd}') => Ok(Value::string(text)),
                    _ => Err(FnError::Arg(
                        0,
                        format!(
                            "the given string contains symbols that are not defined for {name}"
                        ),
                    )),
                }
            },
        ),
    );
}

fn encode(codec: &Codec, text: &str) -> Option<Vec<u8>> {
    match codec {
        Codec::Utf8 => Some(text.as_bytes().to_vec()),
        Codec::Ascii => text
            .chars()
            .map(|c| u8::try_from(c as u32).ok().filter(|b| *b < 0x80))
            .collect(),
        Codec::Latin1 => text.chars().map(|c| u8::try_from(c as u32).ok()).collect(),
        Codec::Utf16 { little, bom } => {
            let mut out = Vec::new();
            let units = if *bom { vec![0xfeff] } else { Vec::new() }
                .into_iter()
                .chain(text.encode_utf16());
            for u in units {
                out.extend_from_slice(&if *little {
                    u.to_le_bytes()
                } else {
                    u.to_be_bytes()
                });
            }
            Some(out)
        }
        Codec::Other(enc) => {
            let (bytes, _, unmappable) = enc.encode(text);
            (!unmappable).then(|| bytes.into_owned())
        }
    }
}

fn decode(codec: &Codec, bytes: &[u8]) -> Option<String> {
    match codec {
        Codec::Utf8 => Some(String::from_utf8_lossy(bytes).into_owned()),
        Codec::Ascii => Some(
            bytes
                .iter()
                .map(|&b| if b < 0x80 { b as char } else { '\u{fffd}' })
                .collect(),
        ),
        Codec::Latin1 => Some(bytes.iter().map(|&b| b as char).collect()),
        Codec::Utf16 { little, bom } => {
            let (mut little, mut body) = (*little, bytes);
            if *bom {
                match body {
                    [0xfe, 0xff, rest @ ..] => body = rest,
                    [0xff, 0xfe, rest @ ..] => {
                        little = true;
                        body = rest;
                    }
                    _ => {}
                }
            }
            let units: Vec<u16> = body
                .chunks(2)
                .map(|c| match c {
                    [a, b] if little => u16::from_le_bytes([*a, *b]),
                    [a, b] => u16::from_be_bytes([*a, *b]),
                    _ => 0xfffd,
                })
                .collect();
            Some(String::from_utf16_lossy(&units))
        }
        Codec::Other(enc) => enc
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|c| c.into_owned()),
    }
}
