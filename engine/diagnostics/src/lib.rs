//! Diagnostics: errors and warnings that carry a summary, a detail and the source range they are about.
//!
//! Loading and evaluation never stop at the first problem: they return their result together with a
//! [`Diagnostics`] list, and the caller decides whether the errors in it are fatal. Every diagnostic about
//! configuration carries a [`SourceRange`] so the CLI can print the file, line and column and underline the
//! offending text; only the CLI renders.
#![deny(missing_docs)]

mod range;

pub use range::{LineIndex, Pos, SourceRange, pos_at};

use std::fmt;
use std::sync::Arc;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Something worth knowing that does not stop the operation.
    Warning,
    /// A problem that makes the operation fail.
    Error,
}

/// One problem found in configuration, state or while talking to a provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A short fixed summary such as `Invalid index`.
    pub summary: String,
    /// The specific explanation for this occurrence.
    pub detail: String,
    /// Where in the configuration the problem is, when it is about configuration.
    pub subject: Option<SourceRange>,
    /// The wider expression that contains the subject, for context in the rendered snippet.
    pub context: Option<SourceRange>,
    /// The values of the symbols involved, as `(expression, rendered value)` pairs.
    pub values: Vec<(String, String)>,
}

impl Diagnostic {
    /// An error with a summary and a detail.
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            subject: None,
            context: None,
            values: Vec::new(),
        }
    }

    /// A warning with a summary and a detail.
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(summary, detail)
        }
    }

    /// Attaches the source range the diagnostic is about.
    pub fn with_subject(mut self, range: impl Into<Option<SourceRange>>) -> Self {
        self.subject = range.into();
        self
    }

    /// Attaches the source range of the enclosing expression.
    pub fn with_context(mut self, range: impl Into<Option<SourceRange>>) -> Self {
        self.context = range.into();
        self
    }

    /// Records the value of a symbol involved in the problem.
    pub fn with_value(mut self, expr: impl Into<String>, value: impl Into<String>) -> Self {
        self.values.push((expr.into(), value.into()));
        self
    }

    /// Attaches a subject only if none is set yet.
    pub fn or_subject(mut self, range: Option<&SourceRange>) -> Self {
        if self.subject.is_none() {
            self.subject = range.cloned();
        }
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "Error",
            Severity::Warning => "Warning",
        };
        write!(f, "{kind}: {}", self.summary)?;
        if let Some(subject) = &self.subject {
            write!(f, " (at {subject})")?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// An ordered collection of diagnostics, warnings included.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, diag: Diagnostic) {
        self.0.push(diag);
    }

    /// Adds every diagnostic of another collection.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Whether there are no diagnostics at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The number of diagnostics.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Iterates over the diagnostics in the order they were found.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    /// Consumes the collection into a vector.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }

    /// Returns `Ok(value)` when there are no errors, else `Err(self)`.
    pub fn into_result<T>(self, value: T) -> Result<(T, Diagnostics), Diagnostics> {
        if self.has_errors() {
            Err(self)
        } else {
            Ok((value, self))
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(v: Vec<Diagnostic>) -> Self {
        Diagnostics(v)
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<I: IntoIterator<Item = Diagnostic>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}

/// The text of the files a configuration was loaded from, so diagnostics can show source lines.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<(Arc<str>, Arc<str>)>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        SourceMap::default()
    }

    /// Records the text of a file.
    pub fn insert(&mut self, file: Arc<str>, text: Arc<str>) {
        if !self.files.iter().any(|(f, _)| *f == file) {
            self.files.push((file, text));
        }
    }

    /// The text of a file, if known.
    pub fn get(&self, file: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|(f, _)| &**f == file)
            .map(|(_, t)| &**t)
    }

    /// Every file and its text, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(f, t)| (&**f, &**t))
    }

    /// Adds every file of another map.
    pub fn merge(&mut self, other: &SourceMap) {
        for (f, t) in &other.files {
            self.insert(f.clone(), t.clone());
        }
    }
}
