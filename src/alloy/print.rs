//! The printer: [`File`] → text, laid out the way `alloy fmt` lays it out.
//!
//! It works as the upstream formatter does, so a formatted file comes out
//! byte for byte the same: a walker sends tokens, position hints and
//! whitespace *intents* (blank, newline, formfeed, indent, ...) to a
//! printer, which interleaves the file's comments by position, then an
//! elastic-tabstop pass (`tabwriter`) aligns the `=` of
//! consecutive attributes and object fields and trailing comments, and a
//! final pass trims trailing blanks. The rules that come out of it:
//!
//! - tabs indent; one blank line separates two blocks, and blank lines
//!   written between statements are kept (at most one);
//! - `=` is aligned across consecutive single-line attributes (a blank line,
//!   a block or a multi-line value ends the run), and likewise across
//!   object fields;
//! - arrays, objects and call arguments keep the author's line breaks; a
//!   multi-line one gets a trailing comma; an empty block prints `name { }`;
//! - comments stay where they were, indented with the code.
//!
//! Trees built in code have no positions: [`print_built`] first gives them
//! a canonical layout (see `layout`).

use super::ast::{
    Array, Attribute, Block, Body, Call, Comment, CommentGroup, Expr, File, Object, Pos, Stmt,
    Token,
};
use super::escape;
use super::layout;
use super::tabwriter::{self, ESCAPE};

/// Prints a parsed file: what `alloy fmt` writes, minus its final newline.
pub fn print(file: &File) -> String {
    let mut walker = Walker {
        p: Printer::new(&file.comments),
    };
    walker.stmts(&file.body);
    walker.p.flush(
        Position {
            offset: usize::MAX,
            line: usize::MAX,
        },
        Token::Eof,
    );
    let aligned = tabwriter::align(&walker.p.output);
    trim(&aligned)
}

/// Prints a tree built in code (no positions, no comments) in the layout
/// `alloy fmt` keeps unchanged, with a final newline.
pub fn print_built(body: &Body) -> String {
    let mut body = body.clone();
    layout::assign(&mut body);
    let mut text = print(&File {
        body,
        comments: Vec::new(),
    });
    text.push('\n');
    text
}

/// A position in printer space: the source position of the token being
/// written where known, else an estimate advanced by the text written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Position {
    offset: usize,
    line: usize,
}

impl Position {
    fn valid(self) -> bool {
        self.line > 0
    }
}

impl From<Pos> for Position {
    fn from(p: Pos) -> Self {
        Position {
            offset: p.offset,
            line: p.line,
        }
    }
}

/// Whitespace the walker asks for; written only before the next token, so
/// comments can take its place and nothing trails at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ws {
    Ignore,
    Blank,
    /// Ends a cell that aligns with the lines around it.
    VTab,
    Newline,
    /// A newline that also ends every alignment run.
    Formfeed,
    Indent,
    Unindent,
}

impl Ws {
    fn byte(self) -> u8 {
        match self {
            Ws::Blank => b' ',
            Ws::VTab => 0x0b,
            Ws::Newline => b'\n',
            Ws::Formfeed => 0x0c,
            Ws::Ignore | Ws::Indent | Ws::Unindent => 0,
        }
    }
}

enum Arg<'a> {
    Ws(Ws),
    Pos(Pos),
    Ident(&'a str),
    Lit(Token, &'a str),
    Tok(Token),
}

struct Printer<'c> {
    output: Vec<u8>,
    indent: usize,
    last_tok: Token,
    whitespace: Vec<Ws>,
    comments: &'c [CommentGroup],
    next_group: usize,
    /// The group to print next and where it starts.
    group: Option<(&'c CommentGroup, Position)>,
    /// Position in source space.
    pos: Position,
    /// Source position after the last text written.
    last: Position,
    /// Line and column in the output.
    out_line: usize,
    out_column: usize,
}

impl<'c> Printer<'c> {
    fn new(comments: &'c [CommentGroup]) -> Self {
        let mut p = Printer {
            output: Vec::new(),
            indent: 0,
            last_tok: Token::Literal,
            whitespace: Vec::new(),
            comments,
            next_group: 0,
            group: None,
            pos: Position { offset: 0, line: 1 },
            last: Position::default(),
            out_line: 1,
            out_column: 1,
        };
        p.next_comment();
        p
    }

    fn next_comment(&mut self) {
        self.group = None;
        while let Some(group) = self.comments.get(self.next_group) {
            self.next_group += 1;
            if let Some(first) = group.first() {
                self.group = Some((group, first.pos.into()));
                return;
            }
        }
    }

    fn comment_before(&self, next: Position) -> bool {
        self.group.is_some_and(|(_, pos)| pos.offset <= next.offset)
    }

    fn write(&mut self, args: &[Arg]) {
        for arg in args {
            let data: &str = match *arg {
                Arg::Ws(Ws::Ignore) => continue,
                Arg::Ws(ws) => {
                    self.whitespace.push(ws);
                    self.last_tok = Token::Literal;
                    continue;
                }
                Arg::Pos(pos) => {
                    if pos.is_valid() {
                        self.pos = pos.into();
                    }
                    continue;
                }
                Arg::Ident(name) => {
                    self.last_tok = Token::Ident;
                    name
                }
                Arg::Lit(kind, text) => {
                    self.last_tok = kind;
                    text
                }
                Arg::Tok(tok) => {
                    let s = tok.as_str();
                    // Keep `1 .` and `/ *` apart: joined they would scan as
                    // other tokens.
                    let combines = match self.last_tok {
                        Token::Number => s.starts_with('.'),
                        Token::Div => s.starts_with('*'),
                        _ => false,
                    };
                    if combines {
                        self.whitespace = vec![Ws::Blank];
                    }
                    self.last_tok = tok;
                    s
                }
            };
            let next = self.pos;
            self.flush(next, self.last_tok);
            self.write_string(next, data, false);
        }
    }

    /// Writes pending comments and whitespace that come before `next`.
    fn flush(&mut self, next: Position, tok: Token) {
        if self.comment_before(next) {
            self.inject_comments(next, tok);
        } else if tok != Token::Eof {
            self.write_whitespace(self.whitespace.len());
        }
    }

    fn inject_comments(&mut self, next: Position, tok: Token) {
        let mut last: Option<&Comment> = None;
        while self.comment_before(next) {
            let Some((group, _)) = self.group else { break };
            for c in group {
                self.write_comment_prefix(next, c);
                self.write_string(c.pos.into(), &c.text, true);
                last = Some(c);
            }
            self.next_comment();
        }
        if let Some(last) = last {
            self.write_comment_suffix(next, tok, last);
        }
    }

    /// The whitespace before a comment.
    fn write_comment_prefix(&mut self, next: Position, c: &Comment) {
        if self.output.is_empty() {
            return; // the comment starts the file
        }
        let c_pos: Position = c.pos.into();
        if c_pos.line == self.last.line {
            // On the line of the last token: a tab aligns trailing comments;
            // a block comment followed by more code on its line gets a space.
            let separator = if c_pos.line == next.line { b' ' } else { b'\t' };
            self.write_byte(separator, 1);
        } else {
            // On a line of its own: keep pending indentation changes up to
            // the first real whitespace, which the comment's own newlines
            // replace.
            let mut count = 0;
            for (i, ws) in self.whitespace.iter_mut().enumerate() {
                match *ws {
                    Ws::Indent | Ws::Unindent => continue,
                    Ws::Blank | Ws::VTab | Ws::Newline | Ws::Formfeed => *ws = Ws::Ignore,
                    Ws::Ignore => {}
                }
                count = i;
                break;
            }
            self.write_whitespace(count);
            if c_pos.valid() && self.last.valid() && c_pos.line > self.last.line {
                self.write_byte(0x0c, (c_pos.line - self.last.line).min(2));
            }
        }
    }

    /// The whitespace between the last comment and the next token.
    fn write_comment_suffix(&mut self, next: Position, tok: Token, last: &Comment) {
        if tok == Token::Eof {
            return; // no blank lines at the end of the file
        }
        let end = last.end();
        if last.text.as_bytes().get(1) == Some(&b'*') && next.line == end.line {
            self.write_byte(b' ', 1);
        }
        let newlines = next.line as i64 - self.last.line as i64;
        let mut dropped_formfeed = false;
        for ws in &mut self.whitespace {
            match *ws {
                Ws::Blank | Ws::VTab => *ws = Ws::Ignore,
                Ws::Newline => *ws = Ws::Ignore,
                Ws::Formfeed => {
                    dropped_formfeed = true;
                    *ws = Ws::Ignore;
                }
                Ws::Indent | Ws::Unindent | Ws::Ignore => {}
            }
        }
        self.write_whitespace(self.whitespace.len());
        if newlines > 0 {
            let ch = if dropped_formfeed { 0x0c } else { b'\n' };
            self.write_byte(ch, (newlines as usize).min(2));
        }
    }

    fn write_string(&mut self, pos: Position, s: &str, escaped: bool) {
        if self.out_column == 1 {
            self.write_indent();
        }
        if pos.valid() {
            self.pos = pos;
        }
        if escaped {
            self.output.push(ESCAPE);
        }
        self.output.extend_from_slice(s.as_bytes());
        if escaped {
            self.output.push(ESCAPE);
        }
        let bytes = s.as_bytes();
        let newlines = bytes.iter().filter(|&&b| b == b'\n' || b == 0x0c).count();
        self.pos.offset += s.len();
        if newlines > 0 {
            let last_newline = bytes
                .iter()
                .rposition(|&b| b == b'\n' || b == 0x0c)
                .unwrap_or(0);
            self.pos.line += newlines;
            self.out_line += newlines;
            self.out_column = s.len() - last_newline;
        } else {
            self.out_column += s.len();
        }
        self.last = self.pos;
    }

    fn write_indent(&mut self) {
        let depth = self.indent;
        self.output.extend(std::iter::repeat_n(b'\t', depth));
        self.pos.offset += depth;
        self.out_column += depth;
    }

    fn write_byte(&mut self, ch: u8, n: usize) {
        if self.out_column == 1 {
            self.write_indent();
        }
        self.output.extend(std::iter::repeat_n(ch, n));
        self.pos.offset += n;
        if ch == b'\n' || ch == 0x0c {
            self.pos.line += n;
            self.out_line += n;
            self.out_column = 1;
        } else {
            self.out_column += n;
        }
    }

    /// Writes the first `n` pending whitespace entries.
    fn write_whitespace(&mut self, n: usize) {
        for i in 0..n {
            match self.whitespace[i] {
                Ws::Ignore => {}
                Ws::Indent => self.indent += 1,
                Ws::Unindent => self.indent = self.indent.saturating_sub(1),
                ws => self.write_byte(ws.byte(), 1),
            }
        }
        self.whitespace.drain(..n);
    }
}

struct Walker<'c> {
    p: Printer<'c>,
}

fn different_lines(a: Pos, b: Pos) -> bool {
    a.line != b.line
}

fn stmt_lines(s: &Stmt) -> i64 {
    s.end().line as i64 - s.start().line as i64 + 1
}

fn expr_lines(e: &Expr) -> i64 {
    e.end().line as i64 - e.start().line as i64 + 1
}

impl Walker<'_> {
    fn stmts(&mut self, stmts: &[Stmt]) {
        for (i, s) in stmts.iter().enumerate() {
            if i > 0 {
                if matches!(s, Stmt::Block(_)) {
                    // Two blocks are always separated by a blank line.
                    self.p.write(&[Arg::Ws(Ws::Formfeed)]);
                } else if s.start().line as i64 - stmts[i - 1].end().line as i64 > 1 {
                    // So is anything the author separated by one.
                    self.p.write(&[Arg::Ws(Ws::Formfeed)]);
                }
            }
            match s {
                Stmt::Attribute(a) => self.attribute(a),
                Stmt::Block(b) => self.block(b),
            }
            // A statement over several lines ends the alignment run.
            let end = if stmt_lines(s) > 1 {
                Ws::Formfeed
            } else {
                Ws::Newline
            };
            self.p.write(&[Arg::Ws(end)]);
        }
    }

    fn attribute(&mut self, a: &Attribute) {
        self.p.write(&[
            Arg::Pos(a.name.pos),
            Arg::Ident(&a.name.name),
            Arg::Ws(Ws::VTab),
            Arg::Tok(Token::Assign),
            Arg::Ws(Ws::Blank),
        ]);
        self.expr(&a.value);
    }

    fn block(&mut self, b: &Block) {
        let name = b.full_name();
        self.p.write(&[Arg::Pos(b.name_pos), Arg::Ident(&name)]);
        if let Some(label) = &b.label {
            let quoted = escape::quote(label);
            self.p.write(&[
                Arg::Ws(Ws::Blank),
                Arg::Pos(b.label_pos),
                Arg::Lit(Token::String, &quoted),
            ]);
        }
        self.p.write(&[
            Arg::Ws(Ws::Blank),
            Arg::Pos(b.lcurly),
            Arg::Tok(Token::LCurly),
            Arg::Ws(Ws::Indent),
        ]);
        if b.body.is_empty() {
            self.p.write(&[Arg::Ws(Ws::Blank)]);
        } else {
            self.p.write(&[Arg::Ws(Ws::Formfeed)]);
            self.stmts(&b.body);
        }
        self.p.write(&[
            Arg::Ws(Ws::Unindent),
            Arg::Pos(b.rcurly),
            Arg::Tok(Token::RCurly),
        ]);
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Literal(l) => self.p.write(&[Arg::Pos(l.pos), Arg::Lit(l.kind, &l.text)]),
            Expr::Ident(i) => self.p.write(&[Arg::Pos(i.pos), Arg::Ident(&i.name)]),
            Expr::Array(a) => self.array(a),
            Expr::Object(o) => self.object(o),
            Expr::Access(value, name) => {
                self.expr(value);
                self.p
                    .write(&[Arg::Tok(Token::Dot), Arg::Ident(&name.name)]);
            }
            Expr::Index(i) => {
                self.expr(&i.value);
                self.p.write(&[Arg::Pos(i.lbrack), Arg::Tok(Token::LBrack)]);
                self.expr(&i.index);
                self.p.write(&[Arg::Pos(i.rbrack), Arg::Tok(Token::RBrack)]);
            }
            Expr::Call(c) => self.call(c),
            Expr::Unary(u) => {
                self.p.write(&[Arg::Pos(u.pos), Arg::Tok(u.op)]);
                self.expr(&u.value);
            }
            Expr::Binary(b) => {
                self.expr(&b.left);
                self.p.write(&[
                    Arg::Ws(Ws::Blank),
                    Arg::Pos(b.pos),
                    Arg::Tok(b.op),
                    Arg::Ws(Ws::Blank),
                ]);
                self.expr(&b.right);
            }
            Expr::Paren(p) => {
                self.p.write(&[Arg::Tok(Token::LParen)]);
                self.expr(&p.inner);
                self.p.write(&[Arg::Tok(Token::RParen)]);
            }
        }
    }

    fn array(&mut self, a: &Array) {
        self.p.write(&[Arg::Pos(a.lbrack), Arg::Tok(Token::LBrack)]);
        let mut prev = a.lbrack;
        for (i, el) in a.elements.iter().enumerate() {
            let mut indented = false;
            if different_lines(prev, el.start()) {
                // Indent before the newline so comments before the element
                // are indented too.
                self.p.write(&[Arg::Ws(Ws::Indent), Arg::Ws(Ws::Formfeed)]);
                indented = true;
            } else if i > 0 {
                self.p.write(&[Arg::Ws(Ws::Blank)]);
            }
            prev = el.end();
            self.expr(el);
            if i + 1 < a.elements.len() {
                self.p.write(&[Arg::Tok(Token::Comma)]);
            }
            if indented {
                self.p.write(&[Arg::Ws(Ws::Unindent)]);
            }
        }
        if !a.elements.is_empty() && different_lines(prev, a.rbrack) {
            self.p.write(&[
                Arg::Tok(Token::Comma),
                Arg::Ws(Ws::Indent),
                Arg::Ws(Ws::Formfeed),
                Arg::Ws(Ws::Unindent),
            ]);
        }
        self.p.write(&[Arg::Pos(a.rbrack), Arg::Tok(Token::RBrack)]);
    }

    fn object(&mut self, o: &Object) {
        self.p.write(&[
            Arg::Pos(o.lcurly),
            Arg::Tok(Token::LCurly),
            Arg::Ws(Ws::Indent),
        ]);
        let mut prev = o.lcurly;
        for (i, field) in o.fields.iter().enumerate() {
            if different_lines(prev, field.name.pos) {
                // Fields after a one-line value stay in its alignment run.
                let ws = if i > 0 && expr_lines(&o.fields[i - 1].value) == 1 {
                    Ws::Newline
                } else {
                    Ws::Formfeed
                };
                self.p.write(&[Arg::Ws(ws)]);
            } else if i > 0 {
                self.p.write(&[Arg::Ws(Ws::Blank)]);
            }
            prev = field.key_end();
            self.p.write(&[Arg::Pos(field.name.pos)]);
            let key = field.key_text();
            if field.quoted {
                self.p.write(&[Arg::Lit(Token::String, &key)]);
            } else {
                self.p.write(&[Arg::Ident(&key)]);
            }
            self.p.write(&[
                Arg::Ws(Ws::VTab),
                Arg::Tok(Token::Assign),
                Arg::Ws(Ws::Blank),
            ]);
            self.expr(&field.value);
            if i + 1 < o.fields.len() {
                self.p.write(&[Arg::Tok(Token::Comma)]);
            }
        }
        if !o.fields.is_empty() && different_lines(prev, o.rcurly) {
            self.p
                .write(&[Arg::Tok(Token::Comma), Arg::Ws(Ws::Formfeed)]);
        }
        self.p.write(&[
            Arg::Ws(Ws::Unindent),
            Arg::Pos(o.rcurly),
            Arg::Tok(Token::RCurly),
        ]);
    }

    fn call(&mut self, c: &Call) {
        self.expr(&c.func);
        self.p.write(&[Arg::Tok(Token::LParen)]);
        let mut prev = c.lparen;
        for (i, arg) in c.args.iter().enumerate() {
            let mut indented = false;
            if different_lines(prev, arg.start()) {
                self.p.write(&[Arg::Ws(Ws::Formfeed), Arg::Ws(Ws::Indent)]);
                indented = true;
            }
            self.expr(arg);
            prev = arg.end();
            if i + 1 < c.args.len() {
                self.p.write(&[Arg::Tok(Token::Comma), Arg::Ws(Ws::Blank)]);
            }
            if indented {
                self.p.write(&[Arg::Ws(Ws::Unindent)]);
            }
        }
        if different_lines(prev, c.rparen) {
            self.p
                .write(&[Arg::Tok(Token::Comma), Arg::Ws(Ws::Formfeed)]);
        }
        self.p.write(&[Arg::Tok(Token::RParen)]);
    }
}

/// Drops blanks and tabs at the ends of lines and the escape bytes around
/// comments (whose text passes unchanged); `\f` becomes `\n`.
fn trim(text: &[u8]) -> String {
    #[derive(PartialEq)]
    enum State {
        Space,
        Text,
        Escaped,
    }
    let mut out: Vec<u8> = Vec::with_capacity(text.len());
    let mut space: Vec<u8> = Vec::new();
    let mut state = State::Space;
    for &b in text {
        // A vertical tab left by the aligner is a tab (escaped text aside).
        let b = if b == 0x0b && state != State::Escaped {
            b'\t'
        } else {
            b
        };
        match state {
            State::Space => match b {
                b'\t' | b' ' => space.push(b),
                b'\n' | 0x0c => {
                    space.clear();
                    out.push(b'\n');
                }
                ESCAPE => {
                    out.append(&mut space);
                    state = State::Escaped;
                }
                _ => {
                    out.append(&mut space);
                    out.push(b);
                    state = State::Text;
                }
            },
            State::Text => match b {
                b'\t' | b' ' => {
                    space.clear();
                    space.push(b);
                    state = State::Space;
                }
                b'\n' | 0x0c => {
                    space.clear();
                    out.push(b'\n');
                    state = State::Space;
                }
                ESCAPE => state = State::Escaped,
                _ => out.push(b),
            },
            State::Escaped => {
                if b == ESCAPE {
                    space.clear();
                    state = State::Space;
                } else {
                    out.push(b);
                }
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}
