//! The Alloy syntax tree: a file is a body of statements (attributes and
//! blocks); values are expressions. Parsed trees carry the positions of
//! their tokens, which the printer uses to keep the author's line breaks
//! and comments; trees built in code have no positions ([`Pos::NONE`]) and
//! get a canonical layout when printed.
//!
//! Building a tree goes through checked constructors: names and labels
//! must be identifiers ([`Ident::new`]) and strings are stored already
//! quoted by [`escape::quote`] ([`Expr::string`]), so
//! no unescaped text reaches the printer.

use std::fmt;

use super::escape;
pub use super::token::{Pos, Token};

/// A parsed or built file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct File {
    pub body: Body,
    /// Every comment of a parsed file, in order, grouped as the parser
    /// found them (adjacent lines form a group).
    pub comments: Vec<CommentGroup>,
}

pub type Body = Vec<Stmt>;

pub type CommentGroup = Vec<Comment>;

/// A `// line` or `/* block */` comment, text included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub pos: Pos,
    pub text: String,
}

impl Comment {
    pub fn end(&self) -> Pos {
        self.pos.end_of(&self.text)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    Attribute(Attribute),
    Block(Block),
}

/// `name = value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub name: Ident,
    pub value: Expr,
}

/// `name.part "label" { body }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// The dot-separated parts of the name: `["loki", "process"]`.
    pub name: Vec<String>,
    pub name_pos: Pos,
    pub label: Option<String>,
    pub label_pos: Pos,
    pub body: Body,
    pub lcurly: Pos,
    pub rcurly: Pos,
}

/// An identifier with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub pos: Pos,
}

/// A literal's kind and its text exactly as written (strings keep their
/// quotes and escapes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Literal {
    pub kind: Token,
    pub text: String,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Literal(Literal),
    /// A name such as `sys` or `discovery`.
    Ident(Ident),
    Array(Array),
    Object(Object),
    /// `value.name`.
    Access(Box<Expr>, Ident),
    Index(Box<Index>),
    Call(Box<Call>),
    Unary(Box<Unary>),
    Binary(Box<Binary>),
    Paren(Box<Paren>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Array {
    pub elements: Vec<Expr>,
    pub lbrack: Pos,
    pub rbrack: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    pub fields: Vec<Field>,
    pub lcurly: Pos,
    pub rcurly: Pos,
}

/// `key = value` inside an object; `quoted` when the key is written as a
/// string (`"app.kubernetes.io/name" = ...`). `name.name` holds the key's
/// value (unescaped).
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: Ident,
    pub quoted: bool,
    pub value: Expr,
}

impl Field {
    /// The key as the printer writes it.
    pub fn key_text(&self) -> String {
        if self.quoted {
            escape::quote(&self.name.name)
        } else {
            self.name.name.clone()
        }
    }

    /// Where the key ends (its last character).
    pub fn key_end(&self) -> Pos {
        self.name.pos.end_of(&self.key_text())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    pub value: Expr,
    pub index: Expr,
    pub lbrack: Pos,
    pub rbrack: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub func: Expr,
    pub args: Vec<Expr>,
    pub lparen: Pos,
    pub rparen: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Unary {
    pub op: Token,
    pub pos: Pos,
    pub value: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Binary {
    pub op: Token,
    pub pos: Pos,
    pub left: Expr,
    pub right: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Paren {
    pub inner: Expr,
    pub lparen: Pos,
    pub rparen: Pos,
}

/// A name that is not an Alloy identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidIdentifier(pub String);

impl fmt::Display for InvalidIdentifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is not an Alloy identifier", escape::quote(&self.0))
    }
}

impl std::error::Error for InvalidIdentifier {}

// ---- building -------------------------------------------------------------

impl Ident {
    /// A checked identifier.
    pub fn new(name: &str) -> Result<Ident, InvalidIdentifier> {
        if escape::is_identifier(name) {
            Ok(Ident {
                name: name.to_owned(),
                pos: Pos::NONE,
            })
        } else {
            Err(InvalidIdentifier(name.to_owned()))
        }
    }

    /// An identifier spelled in monocle's own code (a component or
    /// attribute name); a bad one is a bug, caught by any test that emits it.
    fn constant(name: &str) -> Ident {
        match Ident::new(name) {
            Ok(ident) => ident,
            Err(e) => panic!("{e}"),
        }
    }
}

impl Block {
    /// A block named like `loki.process`, with an optional label (which
    /// must be an identifier). The name is spelled in code: a part that is
    /// not an identifier panics.
    pub fn new(name: &str, label: Option<&str>) -> Result<Block, InvalidIdentifier> {
        let parts: Vec<String> = name.split('.').map(|p| Ident::constant(p).name).collect();
        let label = match label {
            Some(l) => Some(Ident::new(l)?.name),
            None => None,
        };
        Ok(Block {
            name: parts,
            name_pos: Pos::NONE,
            label,
            label_pos: Pos::NONE,
            body: Vec::new(),
            lcurly: Pos::NONE,
            rcurly: Pos::NONE,
        })
    }

    /// An unlabelled block; panics on a bad name, like [`Block::new`].
    pub fn named(name: &str) -> Block {
        match Block::new(name, None) {
            Ok(block) => block,
            Err(e) => panic!("{e}"),
        }
    }

    /// Adds `name = value` to the body (`name`, spelled in code, must be an
    /// identifier: panics otherwise).
    pub fn attr(mut self, name: &str, value: Expr) -> Block {
        self.body.push(Stmt::attribute(name, value));
        self
    }

    /// Adds a nested block to the body.
    pub fn block(mut self, block: Block) -> Block {
        self.body.push(Stmt::Block(block));
        self
    }

    pub fn full_name(&self) -> String {
        self.name.join(".")
    }
}

impl Stmt {
    /// `name = value`; panics when `name` (spelled in code) is not an
    /// identifier.
    pub fn attribute(name: &str, value: Expr) -> Stmt {
        Stmt::Attribute(Attribute {
            name: Ident::constant(name),
            value,
        })
    }
}

impl Expr {
    /// A string literal holding exactly `value`.
    pub fn string(value: &str) -> Expr {
        Expr::Literal(Literal {
            kind: Token::String,
            text: escape::quote(value),
            pos: Pos::NONE,
        })
    }

    /// A string literal holding exactly `value`, written as a raw
    /// `` `string` `` when that reads better (it has backslashes, as
    /// regular expressions do) and reads back the same.
    pub fn raw_string(value: &str) -> Expr {
        match escape::raw(value) {
            Some(text) if value.contains('\\') => Expr::Literal(Literal {
                kind: Token::String,
                text,
                pos: Pos::NONE,
            }),
            _ => Expr::string(value),
        }
    }

    pub fn number(value: u64) -> Expr {
        Expr::Literal(Literal {
            kind: Token::Number,
            text: value.to_string(),
            pos: Pos::NONE,
        })
    }

    pub fn bool(value: bool) -> Expr {
        Expr::Literal(Literal {
            kind: Token::Bool,
            text: value.to_string(),
            pos: Pos::NONE,
        })
    }

    pub fn null() -> Expr {
        Expr::Literal(Literal {
            kind: Token::Null,
            text: "null".to_owned(),
            pos: Pos::NONE,
        })
    }

    /// A dotted reference such as `discovery.relabel.pods.output`: every
    /// part must be an identifier.
    pub fn reference(parts: &[&str]) -> Result<Expr, InvalidIdentifier> {
        let (first, rest) = parts
            .split_first()
            .ok_or_else(|| InvalidIdentifier(String::new()))?;
        let mut expr = Expr::Ident(Ident::new(first)?);
        for part in rest {
            expr = Expr::Access(Box::new(expr), Ident::new(part)?);
        }
        Ok(expr)
    }

    pub fn array(elements: Vec<Expr>) -> Expr {
        Expr::Array(Array {
            elements,
            lbrack: Pos::NONE,
            rbrack: Pos::NONE,
        })
    }

    /// An array of string literals.
    pub fn strings<S: AsRef<str>>(values: &[S]) -> Expr {
        Expr::array(values.iter().map(|v| Expr::string(v.as_ref())).collect())
    }

    /// An object; a key that is not an identifier is written quoted.
    pub fn object(fields: Vec<(String, Expr)>) -> Expr {
        Expr::Object(Object {
            fields: fields
                .into_iter()
                .map(|(key, value)| Field {
                    quoted: !escape::is_identifier(&key),
                    name: Ident {
                        name: key,
                        pos: Pos::NONE,
                    },
                    value,
                })
                .collect(),
            lcurly: Pos::NONE,
            rcurly: Pos::NONE,
        })
    }

    /// `func(args...)`.
    pub fn call(func: Expr, args: Vec<Expr>) -> Expr {
        Expr::Call(Box::new(Call {
            func,
            args,
            lparen: Pos::NONE,
            rparen: Pos::NONE,
        }))
    }
}

// ---- reading --------------------------------------------------------------

impl File {
    /// The top-level blocks named `name` (e.g. `loki.process`).
    pub fn blocks<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        blocks(&self.body, name)
    }

    /// The top-level block `name "label"`.
    pub fn block(&self, name: &str, label: Option<&str>) -> Option<&Block> {
        self.body.iter().find_map(|s| match s {
            Stmt::Block(b) if b.full_name() == name && b.label.as_deref() == label => Some(b),
            _ => None,
        })
    }

    /// The same tree with every position removed: two files are the same
    /// configuration, laid out possibly differently, when these are equal.
    pub fn without_positions(&self) -> File {
        File {
            body: self.body.iter().map(Stmt::without_positions).collect(),
            comments: self
                .comments
                .iter()
                .map(|g| {
                    g.iter()
                        .map(|c| Comment {
                            pos: Pos::NONE,
                            text: c.text.clone(),
                        })
                        .collect()
                })
                .collect(),
        }
    }
}

fn blocks<'a>(body: &'a Body, name: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
    body.iter().filter_map(move |s| match s {
        Stmt::Block(b) if b.full_name() == name => Some(b),
        _ => None,
    })
}

impl Block {
    /// The nested blocks named `name`, in order.
    pub fn blocks<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        blocks(&self.body, name)
    }

    /// The value of attribute `name` in the body.
    pub fn get(&self, name: &str) -> Option<&Expr> {
        self.body.iter().find_map(|s| match s {
            Stmt::Attribute(a) if a.name.name == name => Some(&a.value),
            _ => None,
        })
    }
}

impl Expr {
    /// The value of a string literal.
    pub fn as_str(&self) -> Option<String> {
        match self {
            Expr::Literal(l) if l.kind == Token::String => escape::unquote(&l.text).ok(),
            _ => None,
        }
    }

    /// The elements of an array.
    pub fn as_array(&self) -> Option<&[Expr]> {
        match self {
            Expr::Array(a) => Some(&a.elements),
            _ => None,
        }
    }

    /// The fields of an object, keys unescaped.
    pub fn as_object(&self) -> Option<Vec<(&str, &Expr)>> {
        match self {
            Expr::Object(o) => Some(
                o.fields
                    .iter()
                    .map(|f| (f.name.name.as_str(), &f.value))
                    .collect(),
            ),
            _ => None,
        }
    }

    /// A dotted reference as its parts (`a.b.c` → `["a", "b", "c"]`).
    pub fn as_reference(&self) -> Option<Vec<&str>> {
        match self {
            Expr::Ident(i) => Some(vec![i.name.as_str()]),
            Expr::Access(value, name) => {
                let mut parts = value.as_reference()?;
                parts.push(name.name.as_str());
                Some(parts)
            }
            _ => None,
        }
    }

    /// Where the expression starts.
    pub fn start(&self) -> Pos {
        match self {
            Expr::Literal(l) => l.pos,
            Expr::Ident(i) => i.pos,
            Expr::Array(a) => a.lbrack,
            Expr::Object(o) => o.lcurly,
            Expr::Access(value, _) => value.start(),
            Expr::Index(i) => i.value.start(),
            Expr::Call(c) => c.func.start(),
            Expr::Unary(u) => u.pos,
            Expr::Binary(b) => b.left.start(),
            Expr::Paren(p) => p.lparen,
        }
    }

    /// Where its last character is.
    pub fn end(&self) -> Pos {
        match self {
            Expr::Literal(l) => l.pos.end_of(&l.text),
            Expr::Ident(i) => i.end(),
            Expr::Array(a) => a.rbrack,
            Expr::Object(o) => o.rcurly,
            Expr::Access(_, name) => name.end(),
            Expr::Index(i) => i.rbrack,
            Expr::Call(c) => c.rparen,
            Expr::Unary(u) => u.value.end(),
            Expr::Binary(b) => b.right.end(),
            Expr::Paren(p) => p.rparen,
        }
    }

    fn without_positions(&self) -> Expr {
        match self {
            Expr::Literal(l) => Expr::Literal(Literal {
                pos: Pos::NONE,
                ..l.clone()
            }),
            Expr::Ident(i) => Expr::Ident(i.without_position()),
            Expr::Array(a) => Expr::Array(Array {
                elements: a.elements.iter().map(Expr::without_positions).collect(),
                lbrack: Pos::NONE,
                rbrack: Pos::NONE,
            }),
            Expr::Object(o) => Expr::Object(Object {
                fields: o
                    .fields
                    .iter()
                    .map(|f| Field {
                        name: f.name.without_position(),
                        quoted: f.quoted,
                        value: f.value.without_positions(),
                    })
                    .collect(),
                lcurly: Pos::NONE,
                rcurly: Pos::NONE,
            }),
            Expr::Access(value, name) => {
                Expr::Access(Box::new(value.without_positions()), name.without_position())
            }
            Expr::Index(i) => Expr::Index(Box::new(Index {
                value: i.value.without_positions(),
                index: i.index.without_positions(),
                lbrack: Pos::NONE,
                rbrack: Pos::NONE,
            })),
            Expr::Call(c) => Expr::Call(Box::new(Call {
                func: c.func.without_positions(),
                args: c.args.iter().map(Expr::without_positions).collect(),
                lparen: Pos::NONE,
                rparen: Pos::NONE,
            })),
            Expr::Unary(u) => Expr::Unary(Box::new(Unary {
                op: u.op,
                pos: Pos::NONE,
                value: u.value.without_positions(),
            })),
            Expr::Binary(b) => Expr::Binary(Box::new(Binary {
                op: b.op,
                pos: Pos::NONE,
                left: b.left.without_positions(),
                right: b.right.without_positions(),
            })),
            Expr::Paren(p) => Expr::Paren(Box::new(Paren {
                inner: p.inner.without_positions(),
                lparen: Pos::NONE,
                rparen: Pos::NONE,
            })),
        }
    }
}

impl Ident {
    pub fn end(&self) -> Pos {
        self.pos.end_of(&self.name)
    }

    fn without_position(&self) -> Ident {
        Ident {
            name: self.name.clone(),
            pos: Pos::NONE,
        }
    }
}

impl Stmt {
    pub fn start(&self) -> Pos {
        match self {
            Stmt::Attribute(a) => a.name.pos,
            Stmt::Block(b) => b.name_pos,
        }
    }

    pub fn end(&self) -> Pos {
        match self {
            Stmt::Attribute(a) => a.value.end(),
            Stmt::Block(b) => b.rcurly,
        }
    }

    fn without_positions(&self) -> Stmt {
        match self {
            Stmt::Attribute(a) => Stmt::Attribute(Attribute {
                name: a.name.without_position(),
                value: a.value.without_positions(),
            }),
            Stmt::Block(b) => Stmt::Block(Block {
                name: b.name.clone(),
                name_pos: Pos::NONE,
                label: b.label.clone(),
                label_pos: Pos::NONE,
                body: b.body.iter().map(Stmt::without_positions).collect(),
                lcurly: Pos::NONE,
                rcurly: Pos::NONE,
            }),
        }
    }
}
