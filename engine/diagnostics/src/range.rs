//! Source positions and ranges, as the parser records them for every expression.

use std::fmt;
use std::sync::Arc;

/// A position in a source file: 1-based line and column (in characters), and 0-based byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
    /// 0-based byte offset into the file.
    pub byte: u32,
}

/// A range of text in one source file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceRange {
    /// The file, as a path relative to the working directory.
    pub file: Arc<str>,
    /// The first character of the range.
    pub start: Pos,
    /// The position just after the last character of the range.
    pub end: Pos,
}

impl SourceRange {
    /// Builds a range from byte offsets into `text`, computing lines and columns with `index`.
    pub fn from_bytes(
        file: Arc<str>,
        index: &LineIndex,
        text: &str,
        start: usize,
        end: usize,
    ) -> SourceRange {
        SourceRange {
            file,
            start: index.pos(text, start),
            end: index.pos(text, end),
        }
    }

    /// The smallest range covering both ranges (which must be in the same file).
    pub fn to(&self, other: &SourceRange) -> SourceRange {
        SourceRange {
            file: self.file.clone(),
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

impl SourceRange {
    /// HCL's compact form: `main.tf:3,22-26`, or `main.tf:3,22-4,5` across lines.
    pub fn range_text(&self) -> String {
        if self.start.line == self.end.line {
            format!(
                "{}:{},{}-{}",
                self.file, self.start.line, self.start.column, self.end.column
            )
        } else {
            format!(
                "{}:{},{}-{},{}",
                self.file, self.start.line, self.start.column, self.end.line, self.end.column
            )
        }
    }
}

impl fmt::Display for SourceRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{},{}", self.file, self.start.line, self.start.column)
    }
}

/// The byte offsets at which the lines of a text start, to turn offsets into lines and columns quickly.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    /// Indexes the lines of `text`.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0u32];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i as u32 + 1));
        LineIndex { starts }
    }

    /// The line and column of a byte offset of the indexed text. Offsets past the end clamp to the end.
    pub fn pos(&self, text: &str, byte: usize) -> Pos {
        let byte = byte.min(text.len());
        let line = self.starts.partition_point(|&s| s as usize <= byte);
        let line_start = self.starts[line - 1] as usize;
        let column = String::from_utf8_lossy(&text.as_bytes()[line_start..byte])
            .chars()
            .count() as u32
            + 1;
        Pos {
            line: line as u32,
            column,
            byte: byte as u32,
        }
    }
}

impl LineIndex {
    /// Like [`LineIndex::pos`], starting from `hint`, the position found last (or the default `Pos`),
    /// and leaving the position found there: a parser moving forward through the text finds most
    /// positions on the same line as the last or the next, and a column further on the same line is
    /// counted on from the last one. Columns of ASCII text are computed without decoding.
    pub fn pos_hinted(&self, text: &str, byte: usize, hint: &mut Pos) -> Pos {
        let byte = byte.min(text.len());
        let h = (hint.line as usize)
            .saturating_sub(1)
            .min(self.starts.len() - 1);
        let in_line = |l: usize| {
            self.starts[l] as usize <= byte
                && self
                    .starts
                    .get(l + 1)
                    .is_none_or(|&next| byte < next as usize)
        };
        let line = if in_line(h) {
            h
        } else if h + 1 < self.starts.len() && in_line(h + 1) {
            h + 1
        } else {
            self.starts.partition_point(|&s| s as usize <= byte) - 1
        };
        let line_start = self.starts[line] as usize;
        let bytes = text.as_bytes();
        let last = hint.byte as usize;
        let on_from_hint = hint.line as usize == line + 1 && (line_start..=byte).contains(&last);
        let column = match on_from_hint.then(|| &bytes[last..byte]) {
            Some(rest) if rest.is_ascii() => hint.column + rest.len() as u32,
            _ => {
                let prefix = &bytes[line_start..byte];
                (if prefix.is_ascii() {
                    prefix.len()
                } else {
                    String::from_utf8_lossy(prefix).chars().count()
                }) as u32
                    + 1
            }
        };
        let pos = Pos {
            line: line as u32 + 1,
            column,
            byte: byte as u32,
        };
        *hint = pos;
        pos
    }
}

/// Computes the line and column of a byte offset without an index (for one-off use).
pub fn pos_at(text: &str, byte: usize) -> Pos {
    LineIndex::new(text).pos(text, byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hinted_positions_match_unhinted_ones_in_any_order() {
        let text = "a = 1\nb = \"é€x\" # ü\n\nlocals {\n  c = d.e\n}";
        let index = LineIndex::new(text);
        let offsets: Vec<usize> = (0..=text.len())
            .filter(|&b| text.is_char_boundary(b))
            .collect();
        let mut hint = Pos::default();
        let forward = offsets.iter();
        let backward = offsets.iter().rev();
        let jumping = offsets.iter().step_by(3).chain(offsets.iter().step_by(5));
        for &b in forward.chain(backward).chain(jumping) {
            assert_eq!(
                index.pos_hinted(text, b, &mut hint),
                index.pos(text, b),
                "byte {b}"
            );
        }
    }
}
