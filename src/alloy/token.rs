//! The lexical tokens of the Alloy syntax and source positions.

use std::fmt;

/// One kind of token. Names print as the upstream parser prints them in its
/// messages (`IDENT`, `STRING`, `{`, `TERMINATOR`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Illegal,
    /// Text the printer emits that is not a token (whitespace).
    Literal,
    Eof,
    Comment,
    Ident,
    Number,
    Float,
    String,
    Bool,
    Null,
    Or,
    And,
    Not,
    Assign,
    Eq,
    Neq,
    Lt,
    Lte,
    Gt,
    Gte,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    LCurly,
    RCurly,
    LParen,
    RParen,
    LBrack,
    RBrack,
    Comma,
    Dot,
    /// The end of a statement: a newline after a token that can end one.
    Terminator,
}

impl Token {
    pub fn as_str(self) -> &'static str {
        match self {
            Token::Illegal => "ILLEGAL",
            Token::Literal => "LITERAL",
            Token::Eof => "EOF",
            Token::Comment => "COMMENT",
            Token::Ident => "IDENT",
            Token::Number => "NUMBER",
            Token::Float => "FLOAT",
            Token::String => "STRING",
            Token::Bool => "BOOL",
            Token::Null => "NULL",
            Token::Or => "||",
            Token::And => "&&",
            Token::Not => "!",
            Token::Assign => "=",
            Token::Eq => "==",
            Token::Neq => "!=",
            Token::Lt => "<",
            Token::Lte => "<=",
            Token::Gt => ">",
            Token::Gte => ">=",
            Token::Add => "+",
            Token::Sub => "-",
            Token::Mul => "*",
            Token::Div => "/",
            Token::Mod => "%",
            Token::Pow => "^",
            Token::LCurly => "{",
            Token::RCurly => "}",
            Token::LParen => "(",
            Token::RParen => ")",
            Token::LBrack => "[",
            Token::RBrack => "]",
            Token::Comma => ",",
            Token::Dot => ".",
            Token::Terminator => "TERMINATOR",
        }
    }

    /// Binding strength of a binary operator; 0 for anything else.
    pub fn binary_precedence(self) -> u8 {
        match self {
            Token::Or => 1,
            Token::And => 2,
            Token::Eq | Token::Neq | Token::Lt | Token::Lte | Token::Gt | Token::Gte => 3,
            Token::Add | Token::Sub => 4,
            Token::Mul | Token::Div | Token::Mod => 5,
            Token::Pow => 6,
            _ => 0,
        }
    }

    /// `true`, `false` and `null` are keywords; any other word is an identifier.
    pub fn lookup(word: &str) -> Token {
        match word {
            "true" | "false" => Token::Bool,
            "null" => Token::Null,
            _ => Token::Ident,
        }
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in the source: byte offset and 1-based line. Line 0 means "no
/// position" (nodes built in code rather than parsed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub offset: usize,
    pub line: usize,
}

impl Pos {
    pub const NONE: Pos = Pos { offset: 0, line: 0 };

    pub fn new(offset: usize, line: usize) -> Pos {
        Pos { offset, line }
    }

    pub fn is_valid(self) -> bool {
        self.line > 0
    }

    /// The position of the last byte of `text` starting here.
    pub fn end_of(self, text: &str) -> Pos {
        if !self.is_valid() {
            return Pos::NONE;
        }
        let body = &text.as_bytes()[..text.len().saturating_sub(1)];
        Pos {
            offset: self.offset + body.len(),
            line: self.line + body.iter().filter(|&&b| b == b'\n').count(),
        }
    }
}
