//! `csvdecode`: CSV with a header line to a list of objects, read with the rules (and messages) of Go's
//! `encoding/csv`: RFC 4180 quoting, blank lines skipped, every record as long as the header.

use super::util::s;
use super::{FnError, Function, Functions, Param, Returns, fail};
use std::collections::BTreeMap;
use terrane_values::{Type, Value};

pub(super) fn register(f: &mut Functions) {
    f.add(
        "csvdecode",
        Function::new(
            vec![Param::new("str", Type::String)],
            Returns::Computed(|a| {
                if !a[0].is_known() {
                    return Ok(Type::Dynamic);
                }
                let (header, _) = parse(s(&a[0]))?;
                Ok(Type::list(row_type(&header)))
            }),
            |a, _, _| {
                let (header, rows) = parse(s(&a[0]))?;
                let ety = row_type(&header);
                let rows = rows
                    .into_iter()
                    .map(|r| {
                        Value::object(
                            header
                                .iter()
                                .cloned()
                                .zip(r.into_iter().map(Value::string))
                                .collect(),
                        )
                    })
                    .collect();
                Ok(Value::list(ety, rows))
            },
        ),
    );
}

fn row_type(header: &[String]) -> Type {
    Type::object(header.iter().map(|h| (h.clone(), Type::String)))
}

/// The header and the records.
fn parse(text: &str) -> Result<(Vec<String>, Vec<Vec<String>>), FnError> {
    let mut r = Reader {
        chars: text.chars().collect(),
        pos: 0,
        line: 0,
    };
    let Some((_, header)) = r.record()? else {
        return fail("missing header line");
    };
    let mut seen = BTreeMap::new();
    for h in &header {
        if seen.insert(h.clone(), ()).is_some() {
            return fail(format!("duplicate column name {h:?}"));
        }
    }
    let mut rows = Vec::new();
    while let Some((line, rec)) = r.record()? {
        if rec.len() != header.len() {
            return fail(format!(
                "CSV parse error on line {line}: wrong number of fields"
            ));
        }
        rows.push(rec);
    }
    Ok((header, rows))
}

struct Reader {
    chars: Vec<char>,
    pos: usize,
    line: usize,
}

impl Reader {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    /// Whether the reader is at the end of a line (`\n`, `\r\n`, or the end of input).
    fn at_line_end(&self) -> bool {
        match self.peek() {
            None | Some('\n') => true,
            Some('\r') => matches!(self.chars.get(self.pos + 1), None | Some('\n')),
            _ => false,
        }
    }

    fn skip_line_end(&mut self) {
        if self.peek() == Some('\r') {
            self.pos += 1;
        }
        if self.peek() == Some('\n') {
            self.pos += 1;
        }
        self.line += 1;
    }

    /// The next record and the line it starts on; `None` at the end of input.
    fn record(&mut self) -> Result<Option<(usize, Vec<String>)>, FnError> {
        // Blank lines are skipped.
        while self.pos < self.chars.len() && self.at_line_end() {
            self.skip_line_end();
        }
        if self.pos >= self.chars.len() {
            return Ok(None);
        }
        let start_line = self.line + 1;
        let mut fields = Vec::new();
        loop {
            let mut field = String::new();
            if self.peek() == Some('"') {
                self.pos += 1;
                loop {
                    match self.peek() {
                        None => {
                            return fail(format!(
                                "CSV parse error on line {}: extraneous or missing \" in quoted-field",
                                self.line + 2
                            ));
                        }
                        Some('"') if self.chars.get(self.pos + 1) == Some(&'"') => {
                            field.push('"');
                            self.pos += 2;
                        }
                        Some('"') => {
                            self.pos += 1;
                            if !(self.at_line_end() || self.peek() == Some(',')) {
                                return fail(format!(
                                    "CSV parse error on line {}: extraneous or missing \" in quoted-field",
                                    self.line + 1
                                ));
                            }
                            break;
                        }
                        Some('\r') if self.chars.get(self.pos + 1) == Some(&'\n') => {
                            field.push('\n');
                            self.pos += 2;
                            self.line += 1;
                        }
                        Some(c) => {
                            if c == '\n' {
                                self.line += 1;
                            }
                            field.push(c);
                            self.pos += 1;
                        }
                    }
                }
            } else {
                while !(self.at_line_end() || self.peek() == Some(',')) {
                    let c = self.peek().unwrap_or('\n');
                    if c == '"' {
                        return fail(format!(
                            "CSV parse error on line {}: bare \" in non-quoted-field",
                            self.line + 1
                        ));
                    }
                    field.push(c);
                    self.pos += 1;
                }
            }
            fields.push(field);
            if self.peek() == Some(',') {
                self.pos += 1;
                continue;
            }
            self.skip_line_end();
            return Ok(Some((start_line, fields)));
        }
    }
}
