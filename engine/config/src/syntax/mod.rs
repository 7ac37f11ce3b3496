//! The two syntaxes of the Terraform language: native HCL and JSON.

pub mod json;
pub mod native;
mod parser;

use std::borrow::Cow;
use std::sync::Arc;
use terrane_diagnostics::LineIndex;

/// What a parser needs to turn byte offsets into source ranges. The text parsed may be a piece of a
/// larger file (a JSON string holding a template), at `offset` in `file_text`.
pub(crate) struct Source<'a> {
    pub name: Arc<str>,
    pub text: &'a str,
    pub file_text: &'a str,
    pub lines: Cow<'a, LineIndex>,
    pub offset: usize,
}

impl<'a> Source<'a> {
    pub fn new(name: &str, text: &'a str) -> Source<'a> {
        Source {
            name: Arc::from(name),
            text,
            file_text: text,
            lines: Cow::Owned(LineIndex::new(text)),
            offset: 0,
        }
    }
}
