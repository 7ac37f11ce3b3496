//! `fileset`: the regular files under a directory whose paths match a glob pattern, with the pattern
//! language of Go's doublestar package (`*`, `**`, `?`, `[...]` (negated with `^`), `{a,b}`, `\` escapes).

use super::filesystem::{go_clean, locate};
use super::util::s;
use super::{FnError, Function, Functions, Param, Returns, fail};
use std::path::Path;
use terrane_values::{Type, Value};

pub(super) fn register(f: &mut Functions) {
    f.add(
        "fileset",
        Function::new(
            vec![
                Param::new("path", Type::String),
                Param::new("pattern", Type::String),
            ],
            Returns::Fixed(Type::set(Type::String)),
            |a, _, c| fileset(c.functions.base_dir(), s(&a[0]), s(&a[1])),
        ),
    );
}

fn fileset(base: &Path, dir: &str, pattern: &str) -> Result<Value, FnError> {
    let (full_dir, shown_dir) = locate(base, dir)?;
    let shown_pattern = go_clean(&format!("{shown_dir}/{pattern}"));
    let shown_prefix = go_clean(&shown_dir);
    let rel_pattern = if shown_prefix == "." {
        shown_pattern.clone()
    } else {
        match shown_pattern.strip_prefix(&format!("{shown_prefix}/")) {
            Some(r) => r.to_string(),
            None if shown_pattern == shown_prefix => String::new(),
            None => return Ok(Value::set(Type::String, Vec::new())),
        }
    };
    let parts: Vec<&str> = rel_pattern.split('/').collect();
    for p in &parts {
        if !valid_component(p) {
            return fail(format!(
                "failed to glob pattern ({shown_pattern}): syntax error in pattern"
            ));
        }
    }
    let mut files = Vec::new();
    walk(&full_dir, "", &mut files);
    let found: Vec<Value> = files
        .into_iter()
        .filter(|rel| {
            let comps: Vec<&str> = rel.split('/').collect();
            match_components(&parts, &comps)
        })
        .map(Value::string)
        .collect();
    Ok(Value::set(Type::String, found))
}

/// Every regular file below `dir`, as slash-separated paths relative to the starting directory.
fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let rel = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let Ok(meta) = std::fs::metadata(entry.path()) else {
            continue;
        };
        if meta.is_dir() {
            walk(&entry.path(), &rel, out);
        } else if meta.is_file() {
            out.push(rel);
        }
    }
}

fn match_components(pattern: &[&str], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((&"**", rest)) => (0..=path.len()).any(|skip| match_components(rest, &path[skip..])),
        Some((p, rest)) => match path.split_first() {
            Some((c, more)) => match_component(p, c) && match_components(rest, more),
            None => false,
        },
    }
}

/// Whether a pattern component is well formed (brackets closed, escapes complete).
fn valid_component(p: &str) -> bool {
    let chars: Vec<char> = p.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                if i + 1 >= chars.len() {
                    return false;
                }
                i += 2;
            }
            '[' => match class_end(&chars, i) {
                Some(end) => i = end + 1,
                None => return false,
            },
            _ => i += 1,
        }
    }
    let opens = chars.iter().filter(|&&c| c == '{').count();
    let closes = chars.iter().filter(|&&c| c == '}').count();
    opens == closes
}

/// The index of the `]` closing the class that starts at `start`.
fn class_end(chars: &[char], start: usize) -> Option<usize> {
    let mut i = start + 1;
    if i < chars.len() && chars[i] == '^' {
        i += 1;
    }
    let first = i;
    while i < chars.len() {
        match chars[i] {
            ']' if i > first => return Some(i),
            '\\' => i += 2,
            _ => i += 1,
        }
    }
    None
}

/// Matches one path component against one pattern component.
fn match_component(p: &str, name: &str) -> bool {
    if let Some(open) = p.find('{') {
        // Expand the first alternation and match each alternative.
        let bytes = p.as_bytes();
        let mut depth = 0;
        let mut close = None;
        for (i, &b) in bytes.iter().enumerate().skip(open) {
            match b {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(close) = close else { return false };
        let (head, body, tail) = (&p[..open], &p[open + 1..close], &p[close + 1..]);
        return split_alternatives(body)
            .iter()
            .any(|alt| match_component(&format!("{head}{alt}{tail}"), name));
    }
    let pc: Vec<char> = p.chars().collect();
    let nc: Vec<char> = name.chars().collect();
    match_chars(&pc, &nc)
}

fn split_alternatives(body: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut depth = 0;
    for c in body.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(String::new());
                continue;
            }
            _ => {}
        }
        out.last_mut().expect("one alternative").push(c);
    }
    out
}

fn match_chars(p: &[char], n: &[char]) -> bool {
    let Some((&first, rest)) = p.split_first() else {
        return n.is_empty();
    };
    match first {
        '*' => (0..=n.len()).any(|k| match_chars(rest, &n[k..])),
        '?' => !n.is_empty() && match_chars(rest, &n[1..]),
        '\\' => match (rest.split_first(), n.split_first()) {
            (Some((&lit, rest)), Some((&c, more))) => lit == c && match_chars(rest, more),
            _ => false,
        },
        '[' => {
            let Some(end) = class_end(p, 0) else {
                return false;
            };
            let Some((&c, more)) = n.split_first() else {
                return false;
            };
            class_matches(&p[1..end], c) && match_chars(&p[end + 1..], more)
        }
        lit => n.first() == Some(&lit) && match_chars(rest, &n[1..]),
    }
}

fn class_matches(class: &[char], c: char) -> bool {
    let (negate, class) = match class.first() {
        // As in doublestar v1, only `^` negates; `!` is an ordinary character.
        Some('^') => (true, &class[1..]),
        _ => (false, class),
    };
    let mut i = 0;
    let mut hit = false;
    while i < class.len() {
        let mut lo = class[i];
        if lo == '\\' && i + 1 < class.len() {
            i += 1;
            lo = class[i];
        }
        if i + 2 < class.len() && class[i + 1] == '-' {
            let hi = class[i + 2];
            hit |= lo <= c && c <= hi;
            i += 3;
        } else {
            hit |= lo == c;
            i += 1;
        }
    }
    hit != negate
}
