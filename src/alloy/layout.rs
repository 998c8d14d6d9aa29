//! The canonical layout of trees built in code. The printer keeps the line
//! breaks it finds (through token positions), so a built tree, which has
//! none, gets positions here as if it had been written like this:
//!
//! - one statement per line; a blank line before and after every block;
//! - a non-empty object has one field per line;
//! - an array is on one line, unless an element spans lines or the line
//!   would be long, then one element per line;
//! - call arguments stay on the call's line.
//!
//! Printing the result and formatting that text again gives the same bytes.

use super::ast::{Array, Block, Body, Expr, Pos, Stmt};

/// Arrays wider than this (on one line) get one element per line.
const MAX_ARRAY_WIDTH: usize = 80;
/// The width of what cannot be on one line.
const WIDE: usize = 1 << 20;

/// Gives every token of `body` a position in the canonical layout.
pub fn assign(body: &mut Body) {
    let mut cursor = Cursor { offset: 0, line: 1 };
    cursor.body(body);
}

struct Cursor {
    offset: usize,
    line: usize,
}

impl Cursor {
    /// A token of `len` bytes here.
    fn token(&mut self, len: usize) -> Pos {
        let pos = Pos::new(self.offset, self.line);
        self.offset += len.max(1);
        pos
    }

    fn space(&mut self) {
        self.offset += 1;
    }

    fn newline(&mut self) {
        self.offset += 1;
        self.line += 1;
    }

    fn body(&mut self, body: &mut Body) {
        let mut prev_block = None;
        for stmt in body.iter_mut() {
            let is_block = matches!(stmt, Stmt::Block(_));
            if let Some(prev_block) = prev_block {
                self.newline();
                if prev_block || is_block {
                    self.newline();
                }
            }
            match stmt {
                Stmt::Attribute(a) => {
                    a.name.pos = self.token(a.name.name.len());
                    self.space();
                    self.token(1);
                    self.space();
                    self.expr(&mut a.value);
                }
                Stmt::Block(b) => self.block(b),
            }
            prev_block = Some(is_block);
        }
    }

    fn block(&mut self, b: &mut Block) {
        b.name_pos = self.token(b.full_name().len());
        if let Some(label) = &b.label {
            self.space();
            b.label_pos = self.token(label.len() + 2);
        }
        self.space();
        b.lcurly = self.token(1);
        if b.body.is_empty() {
            self.space();
        } else {
            self.newline();
            self.body(&mut b.body);
            self.newline();
        }
        b.rcurly = self.token(1);
    }

    fn expr(&mut self, e: &mut Expr) {
        match e {
            Expr::Literal(l) => {
                l.pos = self.token(l.text.len());
                self.line += l.text.matches('\n').count();
            }
            Expr::Ident(i) => i.pos = self.token(i.name.len()),
            Expr::Array(a) => {
                let multiline = array_is_multiline(a);
                a.lbrack = self.token(1);
                let n = a.elements.len();
                for (i, el) in a.elements.iter_mut().enumerate() {
                    if multiline {
                        self.newline();
                    } else if i > 0 {
                        self.space();
                    }
                    self.expr(el);
                    if multiline || i + 1 < n {
                        self.token(1); // ,
                    }
                }
                if multiline {
                    self.newline();
                }
                a.rbrack = self.token(1);
            }
            Expr::Object(o) => {
                o.lcurly = self.token(1);
                for field in &mut o.fields {
                    self.newline();
                    field.name.pos = self.token(field.key_text().len());
                    self.space();
                    self.token(1);
                    self.space();
                    self.expr(&mut field.value);
                    self.token(1); // ,
                }
                if !o.fields.is_empty() {
                    self.newline();
                }
                o.rcurly = self.token(1);
            }
            Expr::Access(value, name) => {
                self.expr(value);
                self.token(1);
                name.pos = self.token(name.name.len());
            }
            Expr::Index(i) => {
                self.expr(&mut i.value);
                i.lbrack = self.token(1);
                self.expr(&mut i.index);
                i.rbrack = self.token(1);
            }
            Expr::Call(c) => {
                self.expr(&mut c.func);
                c.lparen = self.token(1);
                let n = c.args.len();
                for (i, arg) in c.args.iter_mut().enumerate() {
                    self.expr(arg);
                    if i + 1 < n {
                        self.token(1);
                        self.space();
                    }
                }
                c.rparen = self.token(1);
            }
            Expr::Unary(u) => {
                u.pos = self.token(u.op.as_str().len());
                self.expr(&mut u.value);
            }
            Expr::Binary(b) => {
                self.expr(&mut b.left);
                self.space();
                b.pos = self.token(b.op.as_str().len());
                self.space();
                self.expr(&mut b.right);
            }
            Expr::Paren(p) => {
                p.lparen = self.token(1);
                self.expr(&mut p.inner);
                p.rparen = self.token(1);
            }
        }
    }
}

fn array_is_multiline(a: &Array) -> bool {
    a.elements.iter().any(spans_lines)
        || (a.elements.len() > 1 && flat_width(&Expr::Array(a.clone())) > MAX_ARRAY_WIDTH)
}

/// Whether the expression takes more than one line in this layout.
fn spans_lines(e: &Expr) -> bool {
    match e {
        Expr::Literal(l) => l.text.contains('\n'),
        Expr::Ident(_) => false,
        Expr::Array(a) => array_is_multiline(a),
        Expr::Object(o) => !o.fields.is_empty(),
        Expr::Access(value, _) => spans_lines(value),
        Expr::Index(i) => spans_lines(&i.value) || spans_lines(&i.index),
        Expr::Call(c) => spans_lines(&c.func) || c.args.iter().any(spans_lines),
        Expr::Unary(u) => spans_lines(&u.value),
        Expr::Binary(b) => spans_lines(&b.left) || spans_lines(&b.right),
        Expr::Paren(p) => spans_lines(&p.inner),
    }
}

/// Characters the expression takes on one line (objects and multi-line
/// parts count as very wide).
fn flat_width(e: &Expr) -> usize {
    let list = |items: &[Expr]| -> usize {
        items.iter().map(flat_width).sum::<usize>() + 2 * items.len().saturating_sub(1)
    };
    match e {
        Expr::Literal(l) if l.text.contains('\n') => WIDE,
        Expr::Literal(l) => l.text.chars().count(),
        Expr::Ident(i) => i.name.chars().count(),
        Expr::Array(a) => 2 + list(&a.elements),
        Expr::Object(o) if o.fields.is_empty() => 2,
        Expr::Object(_) => WIDE,
        Expr::Access(value, name) => flat_width(value) + 1 + name.name.chars().count(),
        Expr::Index(i) => flat_width(&i.value) + 2 + flat_width(&i.index),
        Expr::Call(c) => flat_width(&c.func) + 2 + list(&c.args),
        Expr::Unary(u) => u.op.as_str().len() + flat_width(&u.value),
        Expr::Binary(b) => flat_width(&b.left) + 2 + b.op.as_str().len() + flat_width(&b.right),
        Expr::Paren(p) => 2 + flat_width(&p.inner),
    }
}
