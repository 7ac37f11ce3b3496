//! Diagnostics as Terraform prints them: a framed box with the summary, the source location and line
//! (the offending range underlined), the values of the symbols involved, and the detail.

use super::Ui;
use terrane_diagnostics::{Diagnostic, Severity, SourceMap};

/// Renders one diagnostic.
pub fn render(d: &Diagnostic, sources: &SourceMap, ui: &Ui) -> String {
    let (label, color) = match d.severity {
        Severity::Error => ("Error", "31"),
        Severity::Warning => ("Warning", "33"),
    };
    let bar = ui.style(color, "│");
    let mut lines: Vec<String> = Vec::new();
    lines.push(format!(
        "{}: {}",
        ui.style(&format!("1;{color}"), label),
        ui.bold(&d.summary)
    ));
    if let Some(subject) = &d.subject {
        lines.push(String::new());
        lines.push(format!(
            "  on {} line {}:",
            subject.file, subject.start.line
        ));
        if let Some(text) = sources.get(&subject.file) {
            if let Some(src_line) = text
                .lines()
                .nth(subject.start.line.saturating_sub(1) as usize)
            {
                let num = format!("{:>4}", subject.start.line);
                lines.push(format!("{num}: {}", src_line.replace('\t', " ")));
                let start_col = subject.start.column.max(1) as usize;
                let end_col = if subject.end.line == subject.start.line {
                    (subject.end.column as usize).max(start_col + 1)
                } else {
                    src_line.chars().count() + 1
                };
                let width = end_col - start_col;
                lines.push(format!(
                    "{}  {}{}",
                    " ".repeat(num.len()),
                    " ".repeat(start_col - 1),
                    ui.style(color, &"^".repeat(width.max(1)))
                ));
            }
        }
        if !d.values.is_empty() {
            lines.push("    ├────────────────".to_string());
            for (expr, val) in &d.values {
                lines.push(format!("    │ {} {}", ui.bold(expr), val));
            }
        }
    }
    if !d.detail.is_empty() {
        lines.push(String::new());
        for l in d.detail.lines() {
            lines.push(l.to_string());
        }
    }
    let mut out = format!("{}\n", ui.style(color, "╷"));
    for l in lines {
        if l.is_empty() {
            out.push_str(&format!("{bar}\n"));
        } else {
            out.push_str(&format!("{bar} {l}\n"));
        }
    }
    out.push_str(&format!("{}\n", ui.style(color, "╵")));
    out
}
