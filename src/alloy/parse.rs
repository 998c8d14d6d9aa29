//! The Alloy parser: tokens → [`File`]. It follows the grammar and the error
//! recovery of the upstream parser, so a broken file reports the same
//! errors at the same tokens: after an error it skips to the next statement
//! and keeps going, and reports at most one error per line (apart from the
//! checks on names, which always report).
//!
//! ```text
//! File       = Body
//! Body       = [ Statement { terminator Statement } ]
//! Statement  = Attribute | Block
//! Attribute  = identifier "=" Expression
//! Block      = BlockName "{" Body "}"
//! BlockName  = identifier { "." identifier } [ string ]
//! Expression = OrExpr                       (|| && comparisons + - * / % ^)
//! UnaryExpr  = { "!" | "-" } PrimaryExpr { "." identifier | "[" Expression "]" | "(" [ List ] ")" }
//! Primary    = identifier | string | number | float | bool | null
//!            | "(" Expression ")" | "[" [ List ] "]" | "{" [ Fields ] "}"
//! ```

use std::fmt;

use super::ast::{
    Array, Attribute, Binary, Block, Body, Call, Comment, CommentGroup, Expr, Field, File, Ident,
    Index, Literal, Object, Paren, Pos, Stmt, Token, Unary,
};
use super::escape;
use super::scan::Scanner;

/// A syntax error: where (byte offset, 1-based line and column in bytes)
/// and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Parses a whole file; every error when it has any.
pub fn parse(src: &str) -> Result<File, Vec<ParseError>> {
    let (file, errors) = parse_with_errors(src);
    if errors.is_empty() {
        Ok(file)
    } else {
        Err(errors)
    }
}

/// Parses as much as possible: the tree (meaningless where there were
/// errors) and the errors, sorted by position.
pub fn parse_with_errors(src: &str) -> (File, Vec<ParseError>) {
    let mut p = Parser::new(src);
    let body = p.parse_body(Token::Eof);
    p.drain_scanner_errors();
    let mut errors = p.errors;
    errors.sort_by_key(|e| e.offset);
    (
        File {
            body,
            comments: p.comments,
        },
        errors,
    )
}

struct Parser<'a> {
    scanner: Scanner<'a>,
    /// Byte offsets where lines start.
    line_starts: Vec<usize>,
    errors: Vec<ParseError>,
    comments: Vec<CommentGroup>,
    offset: usize,
    tok: Token,
    lit: String,
    /// Line of the last error reported through `error`; errors on the same
    /// line are dropped.
    last_error_line: usize,
    /// How deeply blocks and expressions are nested here.
    depth: usize,
}

/// Deeper nesting is refused (rather than overflowing the stack).
const MAX_DEPTH: usize = 200;

struct BlockName {
    parts: Vec<String>,
    start: Pos,
    label: Option<String>,
    label_pos: Pos,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            src.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let mut p = Parser {
            scanner: Scanner::new(src),
            line_starts,
            errors: Vec::new(),
            comments: Vec::new(),
            offset: 0,
            tok: Token::Eof,
            lit: String::new(),
            last_error_line: 0,
            depth: 0,
        };
        p.next();
        p
    }

    fn pos_at(&self, offset: usize) -> Pos {
        let line = self.line_starts.partition_point(|&s| s <= offset);
        Pos::new(offset, line)
    }

    fn pos(&self) -> Pos {
        self.pos_at(self.offset)
    }

    fn error_at(&mut self, offset: usize, message: String) {
        let pos = self.pos_at(offset);
        let column = offset - self.line_starts[pos.line - 1] + 1;
        self.errors.push(ParseError {
            offset,
            line: pos.line,
            column,
            message,
        });
    }

    /// An error at the current token, unless one was reported on its line.
    fn error(&mut self, message: String) {
        let line = self.pos().line;
        if self.last_error_line == line {
            return;
        }
        self.last_error_line = line;
        self.error_at(self.offset, message);
    }

    fn drain_scanner_errors(&mut self) {
        for (offset, message) in self.scanner.take_errors() {
            self.error_at(offset, message);
        }
    }

    fn next0(&mut self) {
        let t = self.scanner.scan();
        self.drain_scanner_errors();
        self.offset = t.offset;
        self.tok = t.tok;
        self.lit = t.lit;
    }

    /// The next token that is not a comment; comments are collected.
    fn next(&mut self) {
        self.next0();
        while self.tok == Token::Comment {
            self.comment_group();
        }
    }

    /// Comments on adjacent lines form a group.
    fn comment_group(&mut self) {
        let mut group = Vec::new();
        let mut end_line = self.pos().line;
        while self.tok == Token::Comment && self.pos().line <= end_line + 1 {
            let comment = Comment {
                pos: self.pos(),
                text: std::mem::take(&mut self.lit),
            };
            end_line = comment.end().line;
            group.push(comment);
            self.next0();
        }
        self.comments.push(group);
    }

    /// Consumes the current token, reporting it if it is not `want`.
    fn expect(&mut self, want: Token) -> (Pos, Token) {
        let (pos, tok) = (self.pos(), self.tok);
        if tok != want {
            self.error(format!("expected {want}, got {tok}"));
        }
        self.next();
        (pos, tok)
    }

    /// Skips to `to` (not consumed) or the end.
    fn advance(&mut self, to: Token) {
        while self.tok != Token::Eof && self.tok != to {
            self.next();
        }
    }

    /// Skips to the end of the statement: a terminator outside any
    /// brackets opened on the way.
    fn consume_statement(&mut self) {
        let (mut curly, mut brack, mut paren) = (0i32, 0i32, 0i32);
        while self.tok != Token::Eof {
            match self.tok {
                Token::LCurly => curly += 1,
                Token::RCurly => curly -= 1,
                Token::LBrack => brack += 1,
                Token::RBrack => brack -= 1,
                Token::LParen => paren += 1,
                Token::RParen => paren -= 1,
                Token::Terminator if curly <= 0 && brack <= 0 && paren <= 0 => return,
                _ => {}
            }
            self.next();
        }
    }

    /// Enters one level of nesting; past [`MAX_DEPTH`] reports it, skips
    /// the rest of the file and returns `false`.
    fn enter(&mut self) -> bool {
        self.depth += 1;
        if self.depth <= MAX_DEPTH {
            return true;
        }
        self.error_at(
            self.offset,
            format!("nested more than {MAX_DEPTH} levels deep"),
        );
        self.advance(Token::Eof);
        false
    }

    fn parse_body(&mut self, until: Token) -> Body {
        if !self.enter() {
            self.depth -= 1;
            return Vec::new();
        }
        let body = self.parse_body_inner(until);
        self.depth -= 1;
        body
    }

    fn parse_body_inner(&mut self, until: Token) -> Body {
        let mut body = Vec::new();
        while self.tok != until && self.tok != Token::Eof {
            if let Some(stmt) = self.parse_statement() {
                body.push(stmt);
            }
            if self.tok == until {
                break;
            }
            if self.tok != Token::Terminator {
                self.error(format!("expected {}, got {}", Token::Terminator, self.tok));
                self.consume_statement();
            }
            self.next();
        }
        body
    }

    fn parse_statement(&mut self) -> Option<Stmt> {
        let Some(name) = self.parse_block_name() else {
            self.advance(Token::Ident);
            return None;
        };
        match self.tok {
            Token::Assign => {
                self.next();
                if name.parts.len() != 1 {
                    self.error_at(
                        name.start.offset,
                        "attribute names may only consist of a single identifier with no \".\""
                            .to_owned(),
                    );
                } else if name.label_pos.is_valid() {
                    self.error_at(
                        name.label_pos.offset,
                        "attribute names may not have labels".to_owned(),
                    );
                }
                let ident = Ident {
                    name: name.parts.into_iter().next().unwrap_or_default(),
                    pos: name.start,
                };
                Some(Stmt::Attribute(Attribute {
                    name: ident,
                    value: self.parse_expression(),
                }))
            }
            Token::LCurly => {
                let (lcurly, _) = self.expect(Token::LCurly);
                let body = self.parse_body(Token::RCurly);
                let (rcurly, _) = self.expect(Token::RCurly);
                Some(Stmt::Block(Block {
                    name: name.parts,
                    name_pos: name.start,
                    label: name.label,
                    label_pos: name.label_pos,
                    body,
                    lcurly,
                    rcurly,
                }))
            }
            tok => {
                if name.parts.len() == 1 && name.label.is_none() {
                    self.error(format!(
                        "expected attribute assignment or block body, got {tok}"
                    ));
                } else {
                    self.error(format!("expected block body, got {tok}"));
                }
                self.advance(Token::Ident);
                None
            }
        }
    }

    fn parse_block_name(&mut self) -> Option<BlockName> {
        if self.tok != Token::Ident {
            self.error(format!("expected identifier, got {}", self.tok));
            return None;
        }
        let mut name = BlockName {
            parts: vec![std::mem::take(&mut self.lit)],
            start: self.pos(),
            label: None,
            label_pos: Pos::NONE,
        };
        self.next();
        while self.tok == Token::Dot {
            self.next();
            if self.tok != Token::Ident {
                // Keep going to parse as much as possible; the name is broken.
                self.error(format!("expected identifier, got {}", self.tok));
            }
            name.parts.push(std::mem::take(&mut self.lit));
            self.next();
        }
        if self.tok != Token::Assign && self.tok != Token::LCurly {
            if self.tok == Token::String {
                if !self.lit.starts_with('"') {
                    let msg = format!(
                        "expected block label to be a double quoted string, but got {}",
                        escape::quote(&self.lit)
                    );
                    self.error(msg);
                }
                if self.lit.len() > 2 {
                    let label = self.lit[1..self.lit.len() - 1].to_owned();
                    if !escape::is_identifier(&label) {
                        self.error(format!(
                            "expected block label to be a valid identifier, but got {}",
                            escape::quote(&label)
                        ));
                    }
                    name.label = Some(label);
                }
                name.label_pos = self.pos();
            } else {
                self.error(format!("expected block label, got {}", self.tok));
            }
            self.next();
        }
        Some(name)
    }

    fn parse_expression(&mut self) -> Expr {
        self.parse_binary(1)
    }

    /// Left-associative binary operators binding at least as tightly as
    /// `min_prec`.
    fn parse_binary(&mut self, min_prec: u8) -> Expr {
        let mut lhs = self.parse_pow();
        loop {
            let (op, pos, prec) = (self.tok, self.pos(), self.tok.binary_precedence());
            if prec < min_prec {
                return lhs;
            }
            self.next();
            let rhs = self.parse_binary(prec + 1);
            lhs = Expr::Binary(Box::new(Binary {
                op,
                pos,
                left: lhs,
                right: rhs,
            }));
        }
    }

    /// `^` is right-associative.
    fn parse_pow(&mut self) -> Expr {
        let lhs = self.parse_unary();
        if self.tok != Token::Pow {
            return lhs;
        }
        let pos = self.pos();
        self.next();
        let rhs = self.parse_pow();
        Expr::Binary(Box::new(Binary {
            op: Token::Pow,
            pos,
            left: lhs,
            right: rhs,
        }))
    }

    fn parse_unary(&mut self) -> Expr {
        if !self.enter() {
            self.depth -= 1;
            return Expr::null();
        }
        let expr = self.parse_unary_inner();
        self.depth -= 1;
        expr
    }

    fn parse_unary_inner(&mut self) -> Expr {
        if matches!(self.tok, Token::Not | Token::Sub) {
            let (op, pos) = (self.tok, self.pos());
            self.next();
            let value = self.parse_unary();
            return Expr::Unary(Box::new(Unary { op, pos, value }));
        }
        let mut primary = self.parse_primary();
        loop {
            match self.tok {
                Token::Dot => {
                    self.next();
                    let pos = self.pos();
                    let name = std::mem::take(&mut self.lit);
                    self.expect(Token::Ident);
                    primary = Expr::Access(Box::new(primary), Ident { name, pos });
                }
                Token::LBrack => {
                    let (lbrack, _) = self.expect(Token::LBrack);
                    let index = self.parse_expression();
                    let (rbrack, _) = self.expect(Token::RBrack);
                    primary = Expr::Index(Box::new(Index {
                        value: primary,
                        index,
                        lbrack,
                        rbrack,
                    }));
                }
                Token::LParen => {
                    let (lparen, _) = self.expect(Token::LParen);
                    let args = if self.tok == Token::RParen {
                        Vec::new()
                    } else {
                        self.parse_list(Token::RParen)
                    };
                    let (rparen, _) = self.expect(Token::RParen);
                    primary = Expr::Call(Box::new(Call {
                        func: primary,
                        args,
                        lparen,
                        rparen,
                    }));
                }
                Token::String | Token::LCurly => {
                    // Looks like a block written where a value goes
                    // (`attr = some.component "label" { ... }`): parse it as
                    // one to say so, or give up on the statement.
                    if self.tok == Token::String {
                        self.next();
                    }
                    if self.expect(Token::LCurly).1 != Token::LCurly {
                        self.consume_statement();
                        return primary;
                    }
                    self.parse_body(Token::RCurly);
                    if self.expect(Token::RCurly).1 != Token::RCurly {
                        self.consume_statement();
                        return primary;
                    }
                    self.error_at(
                        primary.start().offset,
                        "cannot use a block as an expression".to_owned(),
                    );
                }
                _ => return primary,
            }
        }
    }

    fn parse_primary(&mut self) -> Expr {
        let pos = self.pos();
        match self.tok {
            Token::Ident => {
                let name = std::mem::take(&mut self.lit);
                self.next();
                Expr::Ident(Ident { name, pos })
            }
            Token::String | Token::Number | Token::Float | Token::Bool | Token::Null => {
                let lit = Literal {
                    kind: self.tok,
                    text: std::mem::take(&mut self.lit),
                    pos,
                };
                self.next();
                Expr::Literal(lit)
            }
            Token::LParen => {
                let (lparen, _) = self.expect(Token::LParen);
                let inner = self.parse_expression();
                let (rparen, _) = self.expect(Token::RParen);
                Expr::Paren(Box::new(Paren {
                    inner,
                    lparen,
                    rparen,
                }))
            }
            Token::LBrack => {
                let (lbrack, _) = self.expect(Token::LBrack);
                let elements = if self.tok == Token::RBrack {
                    Vec::new()
                } else {
                    self.parse_list(Token::RBrack)
                };
                let (rbrack, _) = self.expect(Token::RBrack);
                Expr::Array(Array {
                    elements,
                    lbrack,
                    rbrack,
                })
            }
            Token::LCurly => {
                let (lcurly, _) = self.expect(Token::LCurly);
                let fields = if self.tok == Token::RCurly {
                    Vec::new()
                } else {
                    self.parse_fields(Token::RCurly)
                };
                let (rcurly, _) = self.expect(Token::RCurly);
                Expr::Object(Object {
                    fields,
                    lcurly,
                    rcurly,
                })
            }
            tok => {
                self.error(format!("expected expression, got {tok}"));
                // Eat the rest of the statement.
                while !matches!(
                    self.tok,
                    Token::Eof
                        | Token::Terminator
                        | Token::RParen
                        | Token::RCurly
                        | Token::RBrack
                        | Token::Comma
                ) {
                    self.next();
                }
                Expr::Literal(Literal {
                    kind: Token::Null,
                    text: "null".to_owned(),
                    pos,
                })
            }
        }
    }

    /// `Expression { "," Expression } [ "," ]` up to `until`.
    fn parse_list(&mut self, until: Token) -> Vec<Expr> {
        let mut items = Vec::new();
        while self.tok != until && self.tok != Token::Eof {
            items.push(self.parse_expression());
            if self.tok == until {
                break;
            }
            if self.tok != Token::Comma {
                self.error("missing ',' in expression list".to_owned());
            }
            self.next();
        }
        items
    }

    fn parse_fields(&mut self, until: Token) -> Vec<Field> {
        let mut fields = Vec::new();
        while self.tok != until && self.tok != Token::Eof {
            fields.push(self.parse_field());
            if self.tok == until {
                break;
            }
            if self.tok != Token::Comma {
                self.error("missing ',' in field list".to_owned());
            }
            self.next();
        }
        fields
    }

    /// `( string | identifier ) "=" Expression`.
    fn parse_field(&mut self) -> Field {
        let pos = self.pos();
        let mut name = Ident {
            name: String::new(),
            pos,
        };
        let mut quoted = false;
        match self.tok {
            Token::Ident => {
                name.name = std::mem::take(&mut self.lit);
                self.next();
            }
            Token::String => {
                match escape::unquote(&self.lit) {
                    Ok(key) => name.name = key,
                    Err(e) => self.error_at(pos.offset, format!("invalid field name: {e}")),
                }
                quoted = true;
                self.next();
            }
            tok => {
                self.error(format!(
                    "expected field name (string or identifier), got {tok}"
                ));
                self.advance(Token::Assign);
            }
        }
        self.expect(Token::Assign);
        let value = self.parse_expression();
        Field {
            name,
            quoted,
            value,
        }
    }
}
