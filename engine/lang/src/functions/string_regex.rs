//! Regular expressions with Go's RE2 syntax, for `replace`, `regex` and `regexall`.

use regex::Regex;

/// Compiles a pattern, with Terraform's message on failure.
pub fn compile(pattern: &str) -> Result<Regex, String> {
    Regex::new(pattern).map_err(|e| format!("invalid regular expression pattern: {}", e.to_string().lines().last().unwrap_or("")))
}

/// Replaces every match, expanding `$1` and `${name}` in the replacement as Go does.
pub fn replace_all(re: &Regex, text: &str, rep: &str) -> String {
    re.replace_all(text, rep).into_owned()
}
