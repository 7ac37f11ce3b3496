//! Diagnostics as Terraform prints them: a framed box with the summary, the source location and line
//! (the offending range underlined), the values of the symbols involved, and the detail.

use super::Ui;
use terrane_diagnostics::{Diagnostic, Severity, SourceMap};

/// The top-level block around an offset of a file, as the location line names it. The blocks of the
/// last file asked about are kept: diagnostics come in runs about the same file, which need not be
/// split into tokens again for each.
fn block_context(text: &str, offset: usize) -> Option<String> {
    type Blocks = Vec<(std::ops::Range<usize>, String)>;
    thread_local! {
        static LAST: std::cell::RefCell<Option<(String, Blocks)>> =
            const { std::cell::RefCell::new(None) };
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if last.as_ref().is_none_or(|(t, _)| t != text) {
            *last = Some((
                text.to_string(),
                terrane_config::fmt::top_level_blocks(text),
            ));
        }
        let (_, blocks) = last.as_ref()?;
        blocks
            .iter()
            .find(|(range, _)| range.contains(&offset))
            .map(|(_, header)| header.clone())
    })
}

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
        // Terraform names the top-level block the problem is in: `in resource "a" "b"`
        let context = sources
            .get(&subject.file)
            .filter(|_| !subject.file.ends_with(".json") && subject.start.byte > 0)
            .and_then(|text| {
                terrane_config::fmt::block_context(text, subject.start.byte as usize - 1)
            })
            .map(|c| format!(", in {c}"))
            .unwrap_or_default();
        lines.push(format!(
            "  on {} line {}{context}:",
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

/// A diagnostic in Terraform's JSON form (`validate -json`): the range, and a snippet with the block
/// it is in, the source lines, where the subject is in them and the values of the symbols involved.
pub fn to_json(d: &Diagnostic, sources: &SourceMap) -> serde_json::Value {
    let mut o = serde_json::json!({
        "severity": if d.severity == Severity::Error { "error" } else { "warning" },
        "summary": d.summary,
        "detail": d.detail,
    });
    let Some(r) = &d.subject else {
        return o;
    };
    o["range"] = serde_json::json!({
        "filename": r.file.to_string(),
        "start": {"line": r.start.line, "column": r.start.column, "byte": r.start.byte},
        "end": {"line": r.end.line, "column": r.end.column, "byte": r.end.byte},
    });
    let Some(text) = sources.get(&r.file) else {
        return o;
    };
    // the snippet covers the whole lines of the subject and of the expression around it
    let (mut from, mut to) = (r.start.byte as usize, r.end.byte as usize);
    if let Some(c) = d.context.as_ref().filter(|c| c.file == r.file) {
        from = from.min(c.start.byte as usize);
        to = to.max(c.end.byte as usize);
    }
    let from = from.min(text.len());
    let to = to.clamp(from, text.len());
    let code_start = text[..from].rfind('\n').map_or(0, |i| i + 1);
    let code_end = if to > from && text[..to].ends_with('\n') {
        to - 1
    } else {
        text[to..].find('\n').map_or(text.len(), |i| to + i)
    };
    let code = text[code_start..code_end.max(code_start)].trim_end_matches('\r');
    let start = (r.start.byte as usize)
        .saturating_sub(code_start)
        .min(code.len());
    let end = (r.end.byte as usize)
        .saturating_sub(code_start)
        .clamp(start, code.len());
    let context = (!r.file.ends_with(".json") && r.start.byte > 0)
        .then(|| block_context(text, r.start.byte as usize - 1))
        .flatten();
    o["snippet"] = serde_json::json!({
        "context": context,
        "code": code,
        "start_line": text[..code_start].matches('\n').count() + 1,
        "highlight_start_offset": start,
        "highlight_end_offset": end,
        "values": d.values.iter().map(|(t, s)| serde_json::json!({"traversal": t, "statement": s})).collect::<Vec<_>>(),
    });
    o
}
