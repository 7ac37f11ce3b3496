//! Everything the user sees: colors, diagnostics, values, plans, progress.

pub mod diagnostics;
pub mod json;
pub mod plan;
pub mod progress;
pub mod values;

use std::io::Write;
use terrane_diagnostics::{Diagnostics, SourceMap};

/// Output settings and writers.
#[derive(Clone)]
pub struct Ui {
    /// Whether to use ANSI colors.
    pub color: bool,
    /// Machine-readable output (`-json`): the text for people is not printed, messages are JSON lines.
    pub json: bool,
}

impl Ui {
    /// Colors unless `-no-color` was given or `NO_COLOR` is set.
    pub fn new(no_color: bool) -> Ui {
        Ui {
            color: !no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            json: false,
        }
    }

    /// The machine-readable UI (`-json`) when asked for, else [`Ui::new`].
    pub fn with_json(no_color: bool, json: bool) -> Ui {
        if json {
            Ui {
                color: false,
                json: true,
            }
        } else {
            Ui::new(no_color)
        }
    }

    /// Wraps text in an ANSI style when colors are on.
    pub fn style(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Bold text.
    pub fn bold(&self, text: &str) -> String {
        self.style("1", text)
    }

    /// Prints to standard output.
    pub fn out(&self, text: &str) {
        if self.json {
            return;
        }
        let mut o = std::io::stdout().lock();
        let _ = o.write_all(text.as_bytes());
        let _ = o.flush();
    }

    /// Prints a line to standard output.
    pub fn line(&self, text: &str) {
        self.out(&format!("{text}\n"));
    }

    /// Prints diagnostics: errors to standard error, warnings to standard output.
    pub fn diagnostics(&self, diags: &Diagnostics, sources: &SourceMap) {
        for d in diags.iter() {
            if self.json {
                json::diagnostic(d, sources);
                continue;
            }
            let text = diagnostics::render(d, sources, self);
            if d.is_error() {
                let mut e = std::io::stderr().lock();
                let _ = e.write_all(text.as_bytes());
            } else {
                self.out(&text);
            }
        }
    }
}
