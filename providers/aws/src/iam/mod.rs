//! IAM resource types (the roles and policies EKS and EC2 need) and what they share: policy
//! documents as IAM returns them (URL-encoded) compared by meaning, not by text, and IAM tags.

pub mod policy;
pub mod role;
pub mod role_policy_attachment;

use crate::json::Json;
use std::collections::BTreeMap;

/// Decodes `%XX` escapes (IAM returns policy documents URL-encoded).
pub fn url_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                16,
            )
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A policy document's meaning: single-element lists and their element are the same, key order and
/// whitespace do not matter.
fn canonical(v: &Json) -> Json {
    match v {
        Json::Array(a) if a.len() == 1 => canonical(&a[0]),
        Json::Array(a) => {
            let mut items: Vec<Json> = a.iter().map(canonical).collect();
            items.sort_by_key(|x| x.to_string());
            Json::Array(items)
        }
        Json::Object(o) => Json::Object(o.iter().map(|(k, x)| (k.clone(), canonical(x))).collect()),
        other => other.clone(),
    }
}

/// Whether two policy documents mean the same.
pub fn same_policy(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<Json>(a),
        serde_json::from_str::<Json>(b),
    ) {
        (Ok(x), Ok(y)) => canonical(&x) == canonical(&y),
        _ => a == b,
    }
}

/// The document to record: the prior text when it means the same as AWS's, else AWS's, decoded.
pub fn policy_to_record(prior: Option<&str>, remote: &str) -> String {
    let remote = url_decode(remote);
    match prior {
        Some(p) if same_policy(p, &remote) => p.to_string(),
        _ => remote,
    }
}

/// Checks that a policy document is JSON.
pub fn validate_policy(attr: &str, text: &str) -> terrane_diagnostics::Diagnostics {
    match serde_json::from_str::<Json>(text) {
        Ok(Json::Object(_)) => terrane_diagnostics::Diagnostics::new(),
        _ => terrane_provider_sdk::error(
            "Invalid JSON",
            format!("\"{attr}\" contains an invalid JSON policy"),
        ),
    }
}

/// IAM tags as a map.
pub fn from_iam(tags: &[aws_sdk_iam::types::Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

/// IAM tags from a map.
pub fn iam_tags(tags: &BTreeMap<String, String>) -> Vec<aws_sdk_iam::types::Tag> {
    tags.iter()
        .filter_map(|(k, v)| {
            aws_sdk_iam::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
                .ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_compare_by_meaning() {
        let a = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"eks.amazonaws.com"}}]}"#;
        let b = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%5B%22eks.amazonaws.com%22%5D%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%7D";
        assert!(same_policy(a, &url_decode(b)));
        assert_eq!(policy_to_record(Some(a), b), a);
        assert!(!same_policy(
            a,
            r#"{"Version":"2012-10-17","Statement":[]}"#
        ));
    }
}
