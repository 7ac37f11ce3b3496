//! The token stream `terrane fmt` lays out: every byte of a native-syntax file belongs to exactly one
//! token, except the spaces and tabs between tokens, which the layout recomputes.
//!
//! Templates are kept as Terraform's scanner splits them: the literal text of a quoted string or a
//! heredoc is one token, verbatim, and the expressions of its `${ }` and `%{ }` sequences are tokens
//! like any other. A line comment owns the newline that ends it.

/// What a token is, as far as the layout cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Newline,
    /// `# ...` or `// ...` with its newline, or `/* ... */`.
    Comment,
    Ident,
    Number,
    OBrace,
    CBrace,
    OBrack,
    CBrack,
    OParen,
    CParen,
    /// `=` of an attribute or object item.
    Equal,
    /// `==`, `!=`, `<`, `<=`, `>`, `>=`.
    Compare,
    And,
    Or,
    Bang,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Dot,
    Ellipsis,
    Comma,
    Colon,
    Question,
    FatArrow,
    /// The opening quote of a quoted template.
    OQuote,
    /// The closing quote of a quoted template.
    CQuote,
    /// Literal text of a quoted template, escapes and all.
    QuotedLit,
    /// `<<EOT` or `<<-EOT` with the newline after it.
    OHeredoc,
    /// Literal text of a heredoc, lines and all.
    StringLit,
    /// The line closing a heredoc: its indentation and delimiter.
    CHeredoc,
    /// `${` or `${~`.
    TemplateInterp,
    /// `%{` or `%{~`.
    TemplateControl,
    /// The `}` or `~}` closing a template sequence.
    TemplateSeqEnd,
    /// Anything else, kept as it is (the syntax check before formatting refuses what matters).
    Other,
}

/// A token: its kind, its text, and the spaces the layout puts before it.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub kind: Kind,
    pub text: String,
    pub spaces: usize,
    /// Where the token starts in the text (0 for tokens the formatter makes up).
    pub pos: usize,
}

impl Token {
    pub fn new(kind: Kind, text: impl Into<String>) -> Token {
        Token {
            kind,
            text: text.into(),
            spaces: 0,
            pos: 0,
        }
    }

    /// Whether the token ends a line: a newline, or a line comment with its newline.
    pub fn ends_line(&self) -> bool {
        self.kind == Kind::Newline || (self.kind == Kind::Comment && self.text.ends_with('\n'))
    }

    /// How the token changes the bracket depth: openers (template sequences included) +1, closers -1.
    pub fn bracket_change(&self) -> i32 {
        match self.kind {
            Kind::OBrace
            | Kind::OBrack
            | Kind::OParen
            | Kind::TemplateInterp
            | Kind::TemplateControl => 1,
            Kind::CBrace | Kind::CBrack | Kind::CParen | Kind::TemplateSeqEnd => -1,
            _ => 0,
        }
    }
}

/// Where the scanner is: in expression tokens (with the depth of braces opened there, so that the `}`
/// closing a template sequence is told from one closing an object), in a quoted template, or in a
/// heredoc's body (with its delimiter).
enum Mode {
    Expr { braces: usize },
    Quoted,
    Heredoc { delim: String },
}

/// Splits a native-syntax file into tokens.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut s = Scanner {
        text,
        b: text.as_bytes(),
        pos: 0,
        out: Vec::new(),
        modes: vec![Mode::Expr { braces: 0 }],
    };
    while s.pos < s.b.len() {
        match s.modes.last() {
            Some(Mode::Expr { .. }) | None => s.expr_token(),
            Some(Mode::Quoted) => s.quoted(),
            Some(Mode::Heredoc { .. }) => s.heredoc(),
        }
    }
    s.out
}

struct Scanner<'a> {
    text: &'a str,
    b: &'a [u8],
    pos: usize,
    out: Vec<Token>,
    modes: Vec<Mode>,
}

impl Scanner<'_> {
    fn push(&mut self, kind: Kind, len: usize) {
        let end = (self.pos + len).min(self.b.len());
        let mut t = Token::new(kind, &self.text[self.pos..end]);
        t.pos = self.pos;
        self.out.push(t);
        self.pos = end;
    }

    fn at(&self, s: &str) -> bool {
        self.b[self.pos..].starts_with(s.as_bytes())
    }

    fn braces(&mut self) -> Option<&mut usize> {
        match self.modes.last_mut() {
            Some(Mode::Expr { braces }) => Some(braces),
            _ => None,
        }
    }

    fn expr_token(&mut self) {
        let c = self.b[self.pos];
        match c {
            b' ' | b'\t' => self.pos += 1,
            b'\n' => self.push(Kind::Newline, 1),
            b'\r' if self.at("\r\n") => self.push(Kind::Newline, 2),
            b'#' => self.line_comment(),
            b'/' if self.at("//") => self.line_comment(),
            b'/' if self.at("/*") => {
                let len = self.text[self.pos + 2..]
                    .find("*/")
                    .map_or(self.b.len() - self.pos, |i| i + 4);
                self.push(Kind::Comment, len);
            }
            b'"' => {
                self.push(Kind::OQuote, 1);
                self.modes.push(Mode::Quoted);
            }
            b'<' if self.at("<<") && self.heredoc_start() => {}
            b'{' => {
                if let Some(b) = self.braces() {
                    *b += 1;
                }
                self.push(Kind::OBrace, 1);
            }
            b'}' => self.close_brace(),
            b'~' if self.at("~}") && self.modes.len() > 1 && self.braces() == Some(&mut 0) => {
                self.push(Kind::TemplateSeqEnd, 2);
                self.modes.pop();
            }
            b'[' => self.push(Kind::OBrack, 1),
            b']' => self.push(Kind::CBrack, 1),
            b'(' => self.push(Kind::OParen, 1),
            b')' => self.push(Kind::CParen, 1),
            b'=' if self.at("==") => self.push(Kind::Compare, 2),
            b'=' if self.at("=>") => self.push(Kind::FatArrow, 2),
            b'=' => self.push(Kind::Equal, 1),
            b'!' if self.at("!=") => self.push(Kind::Compare, 2),
            b'!' => self.push(Kind::Bang, 1),
            b'<' | b'>' => self.push(
                Kind::Compare,
                if self.at("<=") || self.at(">=") { 2 } else { 1 },
            ),
            b'&' if self.at("&&") => self.push(Kind::And, 2),
            b'|' if self.at("||") => self.push(Kind::Or, 2),
            b'+' => self.push(Kind::Plus, 1),
            b'-' => self.push(Kind::Minus, 1),
            b'*' => self.push(Kind::Star, 1),
            b'/' => self.push(Kind::Slash, 1),
            b'%' => self.push(Kind::Percent, 1),
            b'.' if self.at("...") => self.push(Kind::Ellipsis, 3),
            b'.' => self.push(Kind::Dot, 1),
            b',' => self.push(Kind::Comma, 1),
            b':' => self.push(Kind::Colon, 1),
            b'?' => self.push(Kind::Question, 1),
            b'0'..=b'9' => self.number(),
            _ => {
                let ch = self.text[self.pos..].chars().next().unwrap_or(' ');
                if ch.is_alphabetic() || ch == '_' {
                    let len = self.text[self.pos..]
                        .char_indices()
                        .find(|&(_, c)| !(c.is_alphanumeric() || c == '_' || c == '-'))
                        .map_or(self.b.len() - self.pos, |(i, _)| i);
                    self.push(Kind::Ident, len);
                } else {
                    self.push(Kind::Other, ch.len_utf8());
                }
            }
        }
    }

    fn line_comment(&mut self) {
        let len = self.b[self.pos..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(self.b.len() - self.pos, |i| i + 1);
        self.push(Kind::Comment, len);
    }

    fn close_brace(&mut self) {
        let nested = self.modes.len() > 1;
        match self.modes.last_mut() {
            Some(Mode::Expr { braces }) if *braces > 0 => {
                *braces -= 1;
                self.push(Kind::CBrace, 1);
            }
            Some(Mode::Expr { .. }) if nested => {
                self.push(Kind::TemplateSeqEnd, 1);
                self.modes.pop();
            }
            _ => self.push(Kind::CBrace, 1),
        }
    }

    fn number(&mut self) {
        let b = self.b;
        let mut i = self.pos;
        let digits = |i: &mut usize| {
            while *i < b.len() && b[*i].is_ascii_digit() {
                *i += 1;
            }
        };
        digits(&mut i);
        if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
            i += 1;
            digits(&mut i);
        }
        if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
            let mut j = i + 1;
            if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
                j += 1;
            }
            if j < b.len() && b[j].is_ascii_digit() {
                i = j;
                digits(&mut i);
            }
        }
        self.push(Kind::Number, i - self.pos);
    }

    /// `<<EOT` or `<<-EOT` up to the end of its line; false when what follows `<<` is no heredoc.
    fn heredoc_start(&mut self) -> bool {
        let rest = &self.text[self.pos + 2..];
        let rest = rest.strip_prefix('-').unwrap_or(rest);
        let name_len = rest
            .char_indices()
            .find(|&(_, c)| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .map_or(rest.len(), |(i, _)| i);
        let after = &rest[name_len..];
        let newline = if after.starts_with("\r\n") {
            2
        } else if after.starts_with('\n') {
            1
        } else {
            return false;
        };
        if name_len == 0 {
            return false;
        }
        let delim = rest[..name_len].to_string();
        let len = self.b.len() - self.pos - after.len() + newline;
        self.push(Kind::OHeredoc, len);
        self.modes.push(Mode::Heredoc { delim });
        true
    }

    fn quoted(&mut self) {
        let start = self.pos;
        let b = self.b;
        let mut i = self.pos;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 2,
                b'"' | b'\n' => break,
                b'$' | b'%' if b.get(i + 1) == Some(&b[i]) && b.get(i + 2) == Some(&b'{') => i += 3,
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') => break,
                _ => i += 1,
            }
        }
        let i = i.min(b.len());
        if i > start {
            self.push(Kind::QuotedLit, i - start);
        }
        if self.pos >= b.len() {
            return;
        }
        match b[self.pos] {
            b'"' => {
                self.push(Kind::CQuote, 1);
                self.modes.pop();
            }
            b'\n' => {
                // An unterminated string: the syntax check refuses it; go on with expressions.
                self.modes.pop();
            }
            _ => self.sequence_start(),
        }
    }

    /// `${`, `${~`, `%{` or `%{~`, at the current position.
    fn sequence_start(&mut self) {
        let kind = if self.b[self.pos] == b'$' {
            Kind::TemplateInterp
        } else {
            Kind::TemplateControl
        };
        let len = if self.b.get(self.pos + 2) == Some(&b'~') {
            3
        } else {
            2
        };
        self.push(kind, len);
        self.modes.push(Mode::Expr { braces: 0 });
    }

    fn heredoc(&mut self) {
        let delim = match self.modes.last() {
            Some(Mode::Heredoc { delim }) => delim.clone(),
            _ => return,
        };
        let start = self.pos;
        let b = self.b;
        let mut i = self.pos;
        let mut line_start = i == 0 || b[i - 1] == b'\n';
        while i < b.len() {
            if line_start {
                let indent = self.text[i..]
                    .find(|c: char| c != ' ' && c != '\t')
                    .unwrap_or(self.text.len() - i);
                let rest = &self.text[i + indent..];
                if let Some(after) = rest.strip_prefix(delim.as_str()) {
                    if after.is_empty() || after.starts_with('\n') || after.starts_with("\r\n") {
                        if i > start {
                            self.push(Kind::StringLit, i - start);
                        }
                        self.push(Kind::CHeredoc, indent + delim.len());
                        self.modes.pop();
                        return;
                    }
                }
            }
            line_start = false;
            match b[i] {
                b'\n' => {
                    i += 1;
                    line_start = true;
                }
                b'$' | b'%' if b.get(i + 1) == Some(&b[i]) && b.get(i + 2) == Some(&b'{') => i += 3,
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') => break,
                _ => i += 1,
            }
        }
        if i > start {
            self.push(Kind::StringLit, i - start);
        }
        if self.pos < b.len() {
            self.sequence_start();
        }
    }
}
