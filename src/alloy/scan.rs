//! The Alloy scanner: source text → tokens. Like Go's, it turns a newline
//! into a [`Token::Terminator`] after a token that can end a statement (an
//! identifier, a literal, `)`, `]` or `}`); other newlines are whitespace.
//! Errors are collected with their byte offset, and scanning goes on.
//!
//! Letters and digits outside ASCII are those Rust calls alphabetic and
//! numeric, a close approximation of Go's `unicode.IsLetter`/`IsDigit`.

use super::token::Token;

const BOM: char = '\u{feff}';

/// One scanned token: where it starts, what it is, and its text (the whole
/// literal for strings, numbers, identifiers and comments; `"\n"` for a
/// terminator; empty for operators).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scanned {
    pub offset: usize,
    pub tok: Token,
    pub lit: String,
}

pub struct Scanner<'a> {
    src: &'a str,
    /// The current character; `None` at the end.
    ch: Option<char>,
    /// Byte offset of `ch`.
    offset: usize,
    /// Byte offset just after `ch`.
    read_offset: usize,
    /// Whether the next newline ends a statement.
    insert_term: bool,
    errors: Vec<(usize, String)>,
}

impl<'a> Scanner<'a> {
    pub fn new(src: &'a str) -> Self {
        let mut s = Scanner {
            src,
            ch: None,
            offset: 0,
            read_offset: 0,
            insert_term: false,
            errors: Vec::new(),
        };
        s.next();
        if s.ch == Some(BOM) {
            s.next(); // a byte order mark is allowed as the very first character
        }
        s
    }

    /// The errors found so far, with their byte offsets; clears them.
    pub fn take_errors(&mut self) -> Vec<(usize, String)> {
        std::mem::take(&mut self.errors)
    }

    fn error(&mut self, offset: usize, msg: impl Into<String>) {
        self.errors.push((offset, msg.into()));
    }

    fn next(&mut self) {
        if self.read_offset >= self.src.len() {
            self.offset = self.src.len();
            self.ch = None;
            return;
        }
        self.offset = self.read_offset;
        let c = self.src[self.read_offset..]
            .chars()
            .next()
            .unwrap_or_default();
        if c == '\0' {
            self.error(self.offset, "illegal character NUL");
        } else if c == BOM && self.offset > 0 {
            self.error(self.offset, "illegal byte order mark");
        }
        self.read_offset += c.len_utf8();
        self.ch = Some(c);
    }

    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.read_offset).copied()
    }

    /// The next token.
    pub fn scan(&mut self) -> Scanned {
        self.skip_whitespace();
        let pos = self.offset;
        let mut insert_term = false;
        let (tok, lit) = match self.ch {
            Some(c) if is_letter(c) => {
                let lit = self.scan_identifier();
                let tok = if lit.len() > 1 {
                    Token::lookup(&lit)
                } else {
                    Token::Ident
                };
                insert_term = true;
                (tok, lit)
            }
            Some(c)
                if is_decimal(c)
                    || (c == '.' && self.peek().is_some_and(|b| b.is_ascii_digit())) =>
            {
                insert_term = true;
                self.scan_number()
            }
            ch => {
                self.next(); // make progress; `ch` is the first character, `self.ch` the second
                match ch {
                    None => {
                        if self.insert_term {
                            self.insert_term = false;
                            return terminator(pos);
                        }
                        (Token::Eof, String::new())
                    }
                    Some('\n') => {
                        // Only reached when a terminator is due; otherwise
                        // newlines are skipped as whitespace.
                        self.insert_term = false;
                        return terminator(pos);
                    }
                    Some('\'') => {
                        self.error(pos, "illegal single-quoted string; use double quotes");
                        insert_term = true;
                        (Token::Illegal, self.scan_string(pos, '\'', true, false))
                    }
                    Some('"') => {
                        insert_term = true;
                        (Token::String, self.scan_string(pos, '"', true, false))
                    }
                    Some('`') => {
                        insert_term = true;
                        (Token::String, self.scan_string(pos, '`', false, true))
                    }
                    Some('|') => {
                        if self.ch == Some('|') {
                            self.next();
                        } else {
                            self.error(self.offset, "missing second | in ||");
                        }
                        (Token::Or, String::new())
                    }
                    Some('&') => {
                        if self.ch == Some('&') {
                            self.next();
                        } else {
                            self.error(self.offset, "missing second & in &&");
                        }
                        (Token::And, String::new())
                    }
                    Some('!') => (self.switch2(Token::Not, Token::Neq, '='), String::new()),
                    Some('=') => (self.switch2(Token::Assign, Token::Eq, '='), String::new()),
                    Some('<') => (self.switch2(Token::Lt, Token::Lte, '='), String::new()),
                    Some('>') => (self.switch2(Token::Gt, Token::Gte, '='), String::new()),
                    Some('+') => (Token::Add, String::new()),
                    Some('-') => (Token::Sub, String::new()),
                    Some('*') => (Token::Mul, String::new()),
                    Some('/') if matches!(self.ch, Some('/' | '*')) => {
                        // A comment. When a terminator is due and the comment
                        // runs to the end of the line, the terminator comes
                        // first, at the comment's position.
                        if self.insert_term && self.find_line_end() {
                            self.ch = Some('/');
                            self.offset = pos;
                            self.read_offset = pos + 1;
                            self.insert_term = false;
                            return terminator(pos);
                        }
                        (Token::Comment, self.scan_comment(pos))
                    }
                    Some('/') => (Token::Div, String::new()),
                    Some('%') => (Token::Mod, String::new()),
                    Some('^') => (Token::Pow, String::new()),
                    Some('{') => (Token::LCurly, String::new()),
                    Some('}') => {
                        insert_term = true;
                        (Token::RCurly, String::new())
                    }
                    Some('(') => (Token::LParen, String::new()),
                    Some(')') => {
                        insert_term = true;
                        (Token::RParen, String::new())
                    }
                    Some('[') => (Token::LBrack, String::new()),
                    Some(']') => {
                        insert_term = true;
                        (Token::RBrack, String::new())
                    }
                    Some(',') => (Token::Comma, String::new()),
                    Some('.') => (Token::Dot, String::new()),
                    Some(other) => {
                        // `next` already reported a misplaced byte order mark.
                        if other != BOM {
                            self.error(
                                pos,
                                format!("illegal character U+{:04X} '{other}'", other as u32),
                            );
                        }
                        insert_term = self.insert_term;
                        (Token::Illegal, other.to_string())
                    }
                }
            }
        };
        self.insert_term = insert_term;
        Scanned {
            offset: pos,
            tok,
            lit,
        }
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.ch, Some(' ' | '\t' | '\r'))
            || (self.ch == Some('\n') && !self.insert_term)
        {
            self.next();
        }
    }

    fn scan_identifier(&mut self) -> String {
        let start = self.offset;
        while self.ch.is_some_and(|c| is_letter(c) || is_digit(c)) {
            self.next();
        }
        self.src[start..self.offset].to_owned()
    }

    fn digits(&mut self) -> usize {
        let mut count = 0;
        while self.ch.is_some_and(is_decimal) {
            self.next();
            count += 1;
        }
        count
    }

    fn scan_number(&mut self) -> (Token, String) {
        let start = self.offset;
        let mut tok = Token::Number;
        if self.ch != Some('.') {
            self.digits();
        }
        if self.ch == Some('.') {
            tok = Token::Float;
            self.next();
            self.digits();
        }
        if matches!(self.ch, Some('e' | 'E')) {
            tok = Token::Float;
            self.next();
            if matches!(self.ch, Some('+' | '-')) {
                self.next();
            }
            if self.digits() == 0 {
                self.error(start, "exponent has no digits");
            }
        }
        (tok, self.src[start..self.offset].to_owned())
    }

    /// The opening delimiter at `start` is already consumed.
    fn scan_string(&mut self, start: usize, until: char, escape: bool, multiline: bool) -> String {
        loop {
            let ch = self.ch;
            if ch.is_none() || (!multiline && ch == Some('\n')) {
                self.error(start, "string literal not terminated");
                break;
            }
            self.next();
            if ch == Some(until) {
                break;
            }
            if escape && ch == Some('\\') {
                self.scan_escape();
            }
        }
        self.src[start..self.offset].to_owned()
    }

    /// An escape after a backslash; stops at an offending character
    /// without consuming it.
    fn scan_escape(&mut self) {
        let start = self.offset;
        let (mut n, base, max): (u32, u32, u32) = match self.ch {
            Some('a' | 'b' | 'f' | 'n' | 'r' | 't' | 'v' | '\\' | '"' | '\'') => {
                self.next();
                return;
            }
            Some('0'..='7') => (3, 8, 255),
            Some('x') => {
                self.next();
                (2, 16, 255)
            }
            Some('u') => {
                self.next();
                (4, 16, 0x10_ffff)
            }
            Some('U') => {
                self.next();
                (8, 16, 0x10_ffff)
            }
            None => {
                self.error(start, "escape sequence not terminated");
                return;
            }
            Some(_) => {
                self.error(start, "unknown escape sequence");
                return;
            }
        };
        let mut x: u32 = 0;
        while n > 0 {
            let d = self.ch.and_then(|c| c.to_digit(16)).unwrap_or(16);
            if d >= base {
                let msg = match self.ch {
                    None => "escape sequence not terminated".to_owned(),
                    Some(c) => format!(
                        "illegal character U+{:04X} '{c}' in escape sequence",
                        c as u32
                    ),
                };
                self.error(start, msg);
                return;
            }
            x = x.wrapping_mul(base).wrapping_add(d);
            self.next();
            n -= 1;
        }
        if x > max || (0xd800..0xe000).contains(&x) {
            self.error(start, "escape sequence is invalid Unicode code point");
        }
    }

    /// The first `/` is consumed; `self.ch` is the second `/` or `*`.
    fn scan_comment(&mut self, start: usize) -> String {
        let block = self.ch == Some('*');
        if block {
            self.next();
            let mut closed = false;
            while let Some(ch) = self.ch {
                self.next();
                if ch == '*' && self.ch == Some('/') {
                    self.next();
                    closed = true;
                    break;
                }
            }
            if !closed {
                self.error(start, "block comment not terminated");
            }
        } else {
            while self.ch.is_some_and(|c| c != '\n') {
                self.next();
            }
        }
        let text = &self.src[start..self.offset];
        // Carriage returns are dropped (Windows line endings), except one
        // that sits inside the closing `*\r/` of a block comment.
        let text = text.strip_suffix('\r').unwrap_or(text);
        if !text.contains('\r') {
            return text.to_owned();
        }
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        for (j, &b) in bytes.iter().enumerate() {
            let keep = b != b'\r'
                || (block
                    && out.len() > 2
                    && out.last() == Some(&b'*')
                    && bytes.get(j + 1) == Some(&b'/'));
            if keep {
                out.push(b);
            }
        }
        String::from_utf8(out).unwrap_or_default()
    }

    /// Whether the comment starting at the consumed `/` runs to the end of
    /// the line (through any block comments on it). Leaves the scanner as
    /// it found it.
    fn find_line_end(&mut self) -> bool {
        let start = self.offset - 1;
        let errors = self.errors.len();
        let found = self.comment_reaches_line_end();
        self.errors.truncate(errors);
        self.ch = Some('/');
        self.offset = start;
        self.read_offset = start + 1;
        self.next();
        found
    }

    fn comment_reaches_line_end(&mut self) -> bool {
        while matches!(self.ch, Some('/' | '*')) {
            if self.ch == Some('/') {
                return true; // a line comment always ends the line
            }
            self.next();
            while let Some(ch) = self.ch {
                if ch == '\n' {
                    return true;
                }
                self.next();
                if ch == '*' && self.ch == Some('/') {
                    self.next();
                    break;
                }
            }
            self.skip_whitespace();
            if matches!(self.ch, None | Some('\n')) {
                return true;
            }
            if self.ch != Some('/') {
                return false;
            }
            self.next();
        }
        false
    }

    fn switch2(&mut self, single: Token, double: Token, second: char) -> Token {
        if self.ch == Some(second) {
            self.next();
            double
        } else {
            single
        }
    }
}

fn terminator(offset: usize) -> Scanned {
    Scanned {
        offset,
        tok: Token::Terminator,
        lit: "\n".to_owned(),
    }
}

fn is_decimal(c: char) -> bool {
    c.is_ascii_digit()
}

pub(crate) fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || (!c.is_ascii() && c.is_alphabetic())
}

pub(crate) fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

/// Every token of `src`, comments included, up to and including `Eof`;
/// and the scanner's errors.
pub fn tokens(src: &str) -> (Vec<Scanned>, Vec<(usize, String)>) {
    let mut scanner = Scanner::new(src);
    let mut out = Vec::new();
    loop {
        let t = scanner.scan();
        let done = t.tok == Token::Eof;
        out.push(t);
        if done {
            break;
        }
    }
    (out, scanner.take_errors())
}
