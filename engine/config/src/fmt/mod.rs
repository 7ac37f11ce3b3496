//! `terrane fmt`: the canonical layout of native-syntax files, as Terraform's `fmt` writes it.
//!
//! A file is first parsed, so that only valid files are rewritten. It is then split into tokens
//! ([`tokens`]), a few idioms are rewritten as Terraform rewrites them ([`rewrite_body`]: block labels
//! quoted, an attribute value that is a single interpolation unwrapped, legacy quoted type constraints
//! of variables unquoted), and the tokens are laid out ([`layout`]). Comments, blank lines and line
//! breaks are kept; only the spaces between tokens and at the start of lines change. The layout is
//! defined on the token stream, the way Terraform defines it, which is why formatting does not go
//! through a syntax tree.

mod layout;
mod tokens;

use crate::syntax::native::parse_file;
use terrane_diagnostics::Diagnostics;
use tokens::{Kind, Token};

/// Formats a native-syntax file (`.tf`, `.tfvars`). Syntax errors are returned instead, and nothing
/// is formatted.
pub fn format_file(name: &str, text: &str) -> Result<String, Diagnostics> {
    let (_, diags) = parse_file(name, text);
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(format_text(text))
}

/// Formats text that is known to parse.
pub fn format_text(text: &str) -> String {
    let tokens = tokens::tokenize(text);
    let mut out = Vec::with_capacity(tokens.len());
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        i = rewrite_body(&tokens, i, &mut blocks, &mut out);
        if i < tokens.len() {
            // a stray closing brace at the top level: keep it and go on
            out.push(tokens[i].clone());
            i += 1;
        }
    }
    layout::lay_out(&mut out);
    let mut text = String::with_capacity(out.iter().map(|t| t.spaces + t.text.len()).sum());
    for t in &out {
        text.extend(std::iter::repeat_n(' ', t.spaces));
        text.push_str(&t.text);
    }
    text
}

/// Copies the items of a body, starting at `i`, into `out`, rewriting them as Terraform's `fmt` does;
/// returns the index of the `}` that closes the body (or the end of the tokens).
fn rewrite_body(
    tokens: &[Token],
    mut i: usize,
    blocks: &mut Vec<String>,
    out: &mut Vec<Token>,
) -> usize {
    while i < tokens.len() {
        let t = &tokens[i];
        match t.kind {
            Kind::CBrace => return i,
            Kind::Ident if tokens.get(i + 1).is_some_and(|n| n.kind == Kind::Equal) => {
                out.push(t.clone());
                out.push(tokens[i + 1].clone());
                let end = expression_end(tokens, i + 2);
                let mut expr = &tokens[i + 2..end];
                // block comments at the end of the line are not part of the value
                let mut trailing = 0;
                while expr.len() > trailing && expr[expr.len() - 1 - trailing].kind == Kind::Comment
                {
                    trailing += 1;
                }
                let comments = &expr[expr.len() - trailing..];
                expr = &expr[..expr.len() - trailing];
                if blocks.len() == 1 && blocks[0] == "variable" && t.text == "type" {
                    out.extend(type_expr(expr));
                } else {
                    out.extend(unwrap_interpolation(expr));
                }
                out.extend(comments.iter().cloned());
                i = end;
            }
            Kind::Ident => {
                out.push(t.clone());
                i += 1;
                // labels, each quoted, up to the opening brace; comments among the labels are
                // dropped, those after the last one kept
                let mut comments = Vec::new();
                while i < tokens.len() && tokens[i].kind != Kind::OBrace {
                    match tokens[i].kind {
                        Kind::Comment => comments.push(tokens[i].clone()),
                        Kind::Newline => break,
                        Kind::Ident => {
                            comments.clear();
                            out.push(Token::new(Kind::OQuote, "\""));
                            out.push(Token::new(Kind::QuotedLit, tokens[i].text.clone()));
                            out.push(Token::new(Kind::CQuote, "\""));
                        }
                        _ => {
                            comments.clear();
                            out.push(tokens[i].clone());
                        }
                    }
                    i += 1;
                }
                out.append(&mut comments);
                if i < tokens.len() && tokens[i].kind == Kind::OBrace {
                    out.push(tokens[i].clone());
                    blocks.push(t.text.clone());
                    i = rewrite_body(tokens, i + 1, blocks, out);
                    blocks.pop();
                    if i < tokens.len() {
                        out.push(tokens[i].clone());
                        i += 1;
                    }
                }
            }
            _ => {
                out.push(t.clone());
                i += 1;
            }
        }
    }
    i
}

/// Where an attribute's value that starts at `i` ends: at the end of its line, or at the brace that
/// closes a one-line block, outside any brackets.
fn expression_end(tokens: &[Token], mut i: usize) -> usize {
    let mut depth = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if depth == 0 && (t.ends_line() || t.kind == Kind::CBrace) {
            break;
        }
        depth += t.bracket_change();
        i += 1;
    }
    i
}

/// A variable's legacy type constraint in quotes (`"string"`, `"list"`, `"map"`), and a collection type
/// without its element type (`list`), written as Terraform writes them today.
fn type_expr(expr: &[Token]) -> Vec<Token> {
    let call = |name: &str, arg: &str| {
        vec![
            Token::new(Kind::Ident, name),
            Token::new(Kind::OParen, "("),
            Token::new(Kind::Ident, arg),
            Token::new(Kind::CParen, ")"),
        ]
    };
    match expr {
        [t] if t.kind == Kind::Ident && matches!(t.text.as_str(), "list" | "map" | "set") => {
            call(&t.text, "any")
        }
        [o, lit, c]
            if o.kind == Kind::OQuote && lit.kind == Kind::QuotedLit && c.kind == Kind::CQuote =>
        {
            match lit.text.as_str() {
                "string" => vec![Token::new(Kind::Ident, "string")],
                "list" | "map" => call(&lit.text, "string"),
                _ => expr.to_vec(),
            }
        }
        _ => expr.to_vec(),
    }
}

/// `"${expr}"` becomes `expr` (in parentheses when it spans lines); any other value is kept.
fn unwrap_interpolation(expr: &[Token]) -> Vec<Token> {
    let n = expr.len();
    if n < 5
        || expr[0].kind != Kind::OQuote
        || expr[1].kind != Kind::TemplateInterp
        || expr[n - 2].kind != Kind::TemplateSeqEnd
        || expr[n - 1].kind != Kind::CQuote
    {
        return expr.to_vec();
    }
    let inside = &expr[2..n - 2];
    let mut quotes = 0;
    for t in inside {
        match t.kind {
            Kind::OQuote => quotes += 1,
            Kind::CQuote => quotes -= 1,
            _ if quotes > 0 => {}
            // a second sequence, or literal text, in the outer string: not a lone interpolation
            Kind::TemplateInterp
            | Kind::TemplateControl
            | Kind::TemplateSeqEnd
            | Kind::QuotedLit => {
                return expr.to_vec();
            }
            _ => {}
        }
    }
    let start = inside
        .iter()
        .position(|t| t.kind != Kind::Newline)
        .unwrap_or(inside.len());
    let end = inside
        .iter()
        .rposition(|t| t.kind != Kind::Newline)
        .map_or(start, |i| i + 1);
    let inner = &inside[start..end];
    let multi_line = inner.iter().any(|t| t.kind == Kind::Newline);
    let wrapped = inner.first().is_some_and(|t| t.kind == Kind::OParen)
        && inner.last().is_some_and(|t| t.kind == Kind::CParen);
    if multi_line && !wrapped {
        let mut v = Vec::with_capacity(inner.len() + 2);
        v.push(Token::new(Kind::OParen, "("));
        v.extend(inner.iter().cloned());
        v.push(Token::new(Kind::CParen, ")"));
        v
    } else {
        inner.to_vec()
    }
}

/// The top-level blocks of a native-syntax file, each with its byte range (from its type to its closing
/// brace) and its header as Terraform names it after a diagnostic's location: `resource
/// "aws_instance" "web"`, `locals`.
pub fn top_level_blocks(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let tokens = tokens::tokenize(text);
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].kind != Kind::Ident {
            i += 1;
            continue;
        }
        // an item: an attribute (skipped to the end of its line) or a block
        let mut labels = Vec::new();
        let mut j = i + 1;
        let mut is_block = false;
        while j < tokens.len() {
            match tokens[j].kind {
                Kind::QuotedLit | Kind::Ident => labels.push(j),
                Kind::OQuote | Kind::CQuote | Kind::Comment => {}
                Kind::OBrace => {
                    is_block = true;
                    break;
                }
                _ => break,
            }
            j += 1;
        }
        let mut depth = 0;
        let mut end = j;
        while end < tokens.len() {
            let t = &tokens[end];
            if !is_block && depth == 0 && t.ends_line() {
                break;
            }
            depth += t.bracket_change();
            end += 1;
            if is_block && depth == 0 {
                break;
            }
        }
        if is_block {
            let mut header = tokens[i].text.clone();
            for l in labels {
                header.push_str(&format!(" {:?}", tokens[l].text));
            }
            let end_pos = tokens.get(end).map_or(text.len(), |t| t.pos);
            blocks.push((tokens[i].pos..end_pos, header));
        }
        i = end.max(i + 1);
    }
    blocks
}

/// The header of the top-level block containing a byte offset (see [`top_level_blocks`]).
pub fn block_context(text: &str, offset: usize) -> Option<String> {
    top_level_blocks(text)
        .into_iter()
        .find(|(range, _)| range.contains(&offset))
        .map(|(_, header)| header)
}

#[cfg(test)]
mod tests {
    use super::{block_context, format_text};

    #[test]
    fn names_the_top_level_block_around_an_offset() {
        let text = "locals {\n  a = 1\n}\nresource \"null_resource\" \"x\" {\n  lifecycle {\n    y = 2\n  }\n}\nb = 3\n";
        let at = |s: &str| text.find(s).unwrap();
        assert_eq!(block_context(text, at("a = 1")).as_deref(), Some("locals"));
        assert_eq!(
            block_context(text, at("y = 2")).as_deref(),
            Some("resource \"null_resource\" \"x\"")
        );
        assert_eq!(block_context(text, at("b = 3")), None);
    }

    #[test]
    fn keeps_line_endings_and_a_missing_final_newline() {
        // recorded from the reference Terraform: CRLF stays CRLF, no newline is added at the end
        assert_eq!(format_text("a = 1\r\nbb = 2\r\n"), "a  = 1\r\nbb = 2\r\n");
        assert_eq!(format_text("a   =   1"), "a = 1");
        assert_eq!(format_text("\n\n\na = 1\n\n\n"), "\n\n\na = 1\n\n\n");
    }

    #[test]
    fn aligns_by_characters_not_bytes() {
        let text = "locals {\n  café = \"é\" # a\n  b = \"xx\" # b\n  ü = 1\n}\n";
        assert_eq!(
            format_text(text),
            "locals {\n  café = \"é\"  # a\n  b    = \"xx\" # b\n  ü    = 1\n}\n"
        );
    }
}
