//! Credentials as the AWS tools find them: given explicitly, else `AWS_ACCESS_KEY_ID` /
//! `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, else the profile (`AWS_PROFILE`, `default`) of the
//! shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, `~/.aws/credentials`).

use crate::sigv4::Credentials;
use terrane_state_api::StateError;

/// Resolves credentials; `explicit` are the backend block's `access_key` and `secret_key`.
pub fn resolve_credentials(
    explicit: Option<(String, String)>,
    token: Option<String>,
    profile: Option<String>,
) -> Result<Credentials, StateError> {
    if let Some((access_key, secret_key)) = explicit {
        return Ok(Credentials {
            access_key,
            secret_key,
            token,
        });
    }
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    if profile.is_none() {
        if let (Some(a), Some(s)) = (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY")) {
            return Ok(Credentials {
                access_key: a,
                secret_key: s,
                token: token.or_else(|| env("AWS_SESSION_TOKEN")),
            });
        }
    }
    let profile = profile
        .or_else(|| env("AWS_PROFILE"))
        .unwrap_or_else(|| "default".into());
    let path = env("AWS_SHARED_CREDENTIALS_FILE")
        .unwrap_or_else(|| format!("{}/.aws/credentials", env("HOME").unwrap_or_default()));
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let mut section = String::new();
    let (mut a, mut s, mut t) = (None, None, None);
    for line in text.lines().map(str::trim) {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.trim().to_string();
            continue;
        }
        if section != profile {
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            let v = Some(v.trim().to_string());
            match k.trim() {
                "aws_access_key_id" => a = v,
                "aws_secret_access_key" => s = v,
                "aws_session_token" => t = v,
                _ => {}
            }
        }
    }
    match (a, s) {
        (Some(access_key), Some(secret_key)) => Ok(Credentials {
            access_key,
            secret_key,
            token: token.or(t),
        }),
        _ => Err(StateError::Storage(format!(
            "no AWS credentials: set access_key and secret_key, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or profile {profile:?} in {path}"
        ))),
    }
}
