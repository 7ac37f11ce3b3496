//! Terraform's canonical layout of a token stream: indentation by bracket depth, the spaces between
//! tokens, and the alignment of `=` signs and trailing comments over runs of consecutive lines.
//!
//! The layout never adds or removes a line break: it works line by line. Each line is split in up to
//! three cells: the *lead* (indentation and what comes before an attribute's `=`), the *assign* cell
//! (`=` and a value that closes every bracket it opens) and a trailing line *comment*. Consecutive
//! lines with an assign cell have their `=` aligned; consecutive lines with a comment cell have their
//! comments aligned.

use super::tokens::{Kind, Token};
use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

struct Line {
    lead: Range<usize>,
    assign: Option<Range<usize>>,
    comment: Option<Range<usize>>,
}

/// Sets the spaces before every token.
pub(crate) fn lay_out(tokens: &mut [Token]) {
    let lines = split_lines(tokens);
    indent(tokens, &lines);
    space(tokens, &lines);
    align(tokens, &lines);
}

fn split_lines(tokens: &[Token]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        if t.ends_line() {
            lines.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < tokens.len() {
        lines.push(start..tokens.len());
    }
    lines
        .into_iter()
        .map(|mut lead| {
            let mut comment = None;
            if lead.len() > 1 && tokens[lead.end - 1].kind == Kind::Comment {
                comment = Some(lead.end - 1..lead.end);
                lead.end -= 1;
            }
            let mut assign = None;
            if let Some(eq) = (lead.start + 1..lead.end).find(|&i| tokens[i].kind == Kind::Equal) {
                if net_brackets(&tokens[eq..lead.end]) == 0 {
                    assign = Some(eq..lead.end);
                    lead.end = eq;
                }
            }
            Line {
                lead,
                assign,
                comment,
            }
        })
        .collect()
}

/// The net change of bracket depth over tokens, up to a heredoc's opening (its body is text).
fn net_brackets(tokens: &[Token]) -> i32 {
    let mut net = 0;
    for t in tokens {
        net += t.bracket_change();
        if t.kind == Kind::OHeredoc {
            break;
        }
    }
    net
}

/// Two spaces per level of brackets opened by earlier lines. A line that opens several brackets adds
/// one level; a line that closes them takes it away again, however many lines that takes.
fn indent(tokens: &mut [Token], lines: &[Line]) {
    let mut levels: Vec<i32> = Vec::new();
    for line in lines {
        if line.lead.is_empty() {
            continue;
        }
        if tokens[line.lead.start].kind == Kind::Newline {
            tokens[line.lead.start].spaces = 0;
            continue;
        }
        let mut net = net_brackets(&tokens[line.lead.clone()]);
        if let Some(a) = &line.assign {
            net += net_brackets(&tokens[a.clone()]);
        }
        if net > 0 {
            tokens[line.lead.start].spaces = 2 * levels.len();
            levels.push(net);
            continue;
        }
        let mut closed = -net;
        while closed > 0 {
            let Some(last) = levels.last_mut() else { break };
            if closed >= *last {
                closed -= *last;
                levels.pop();
            } else {
                *last -= closed;
                closed = 0;
            }
        }
        tokens[line.lead.start].spaces = 2 * levels.len();
    }
}

fn space(tokens: &mut [Token], lines: &[Line]) {
    for line in lines {
        space_cell(tokens, line.lead.clone());
        if let Some(a) = &line.assign {
            tokens[a.start].spaces = 1;
            space_cell(tokens, a.clone());
        }
    }
}

fn space_cell(tokens: &mut [Token], cell: Range<usize>) {
    for i in cell.start..cell.end.saturating_sub(1) {
        let before = (i > cell.start).then(|| tokens[i - 1].kind);
        let after = tokens[i + 1].kind;
        let space = space_after(&tokens[i], before, after);
        tokens[i + 1].spaces = usize::from(space);
    }
}

/// Whether one space separates a token from the next one, given the token before it.
fn space_after(subject: &Token, before: Option<Kind>, after: Kind) -> bool {
    use Kind::*;
    let s = subject.kind;
    let opens = |k: Kind| {
        matches!(
            k,
            OBrace | OBrack | OParen | TemplateInterp | TemplateControl
        )
    };
    let closes = |k: Kind| matches!(k, CBrace | CBrack | CParen | TemplateSeqEnd);
    match () {
        _ if after == Newline => false,
        _ if s == Ident && after == OParen => false,
        _ if s == Dot || after == Dot => false,
        _ if after == Comma || after == Ellipsis => false,
        _ if s == Comma => true,
        _ if matches!(s, QuotedLit | StringLit | OQuote | OHeredoc)
            || matches!(after, QuotedLit | StringLit | CQuote | CHeredoc) =>
        {
            false
        }
        // `in` of a `for` expression before a tuple constructor: `for x in [a] : x`
        _ if s == Ident && subject.text == "in" && before == Some(Ident) => true,
        _ if after == OBrack && (s == Ident || s == Number || closes(s)) => false,
        _ if s == Bang => false,
        _ if s == Minus => {
            // a negation when what comes before cannot end an operand
            !matches!(
                before,
                None | Some(
                    OParen
                        | OBrace
                        | OBrack
                        | Equal
                        | Colon
                        | Comma
                        | Question
                        | Plus
                        | Minus
                        | Star
                        | Slash
                        | Percent
                        | Compare
                        | And
                        | Or
                        | Bang
                )
            )
        }
        _ if s == OBrace || after == CBrace => !(s == OBrace && after == CBrace),
        _ if matches!(s, TemplateInterp | TemplateControl) && after == OBrace => true,
        _ if s == CBrace && after == TemplateSeqEnd => true,
        _ if s == TemplateSeqEnd && matches!(after, TemplateInterp | TemplateControl) => false,
        _ if opens(s) => false,
        _ if closes(after) => false,
        _ => true,
    }
}

/// The width of tokens on screen, in characters as a reader counts them.
fn columns(tokens: &[Token]) -> usize {
    tokens
        .iter()
        .map(|t| t.spaces + t.text.graphemes(true).count())
        .sum()
}

fn align(tokens: &mut [Token], lines: &[Line]) {
    // `=` signs first, since moving them moves the comments after them
    align_runs(
        tokens,
        lines,
        |l| l.assign.clone(),
        |t, l| columns(&t[l.lead.clone()]),
    );
    align_runs(
        tokens,
        lines,
        |l| l.comment.clone(),
        |t, l| columns(&t[l.lead.clone()]) + l.assign.clone().map_or(0, |a| columns(&t[a])),
    );
}

/// Aligns a cell over every run of consecutive lines that have it, one space after the widest text
/// before it.
fn align_runs(
    tokens: &mut [Token],
    lines: &[Line],
    cell: impl Fn(&Line) -> Option<Range<usize>>,
    width_before: impl Fn(&[Token], &Line) -> usize,
) {
    let mut i = 0;
    while i < lines.len() {
        if cell(&lines[i]).is_none() {
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && cell(&lines[i]).is_some() {
            i += 1;
        }
        let run = &lines[start..i];
        let widths: Vec<usize> = run.iter().map(|l| width_before(tokens, l)).collect();
        let widest = widths.iter().copied().max().unwrap_or(0);
        for (line, width) in run.iter().zip(widths) {
            if let Some(c) = cell(line) {
                tokens[c.start].spaces = widest - width + 1;
            }
        }
    }
}
