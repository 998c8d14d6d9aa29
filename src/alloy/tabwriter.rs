//! Elastic tabstops, as Go's `text/tabwriter` computes them with the
//! settings `alloy fmt` uses (minimum width 0, tab width 8, padding 1,
//! padding with spaces, empty columns discarded, leading empty cells
//! written as tabs).
//!
//! Text is made of cells ended by `\t` or `\v`; `\n` ends a line and `\f`
//! ends a line and every column. Consecutive lines that have a cell in the
//! same column form a column block, padded to the block's widest cell plus
//! one. A cell's width counts characters. Text between two [`ESCAPE`] bytes
//! is taken as is (tabs and newlines in it do not end cells); the escape
//! bytes stay in the output and do not count towards the width.

/// Brackets text the writer must not interpret (comments).
pub const ESCAPE: u8 = 0xff;

const TAB_WIDTH: usize = 8;
const PADDING: usize = 1;

#[derive(Debug, Clone, Copy, Default)]
struct Cell {
    /// Bytes in the buffer.
    size: usize,
    /// Width in characters.
    width: usize,
    /// Ended by `\t` rather than `\v`: never discarded as empty.
    htab: bool,
}

struct Writer {
    out: Vec<u8>,
    buf: Vec<u8>,
    /// Buffer position up to which the current cell's width is counted.
    pos: usize,
    cell: Cell,
    in_escape: bool,
    lines: Vec<Vec<Cell>>,
    widths: Vec<usize>,
}

/// Aligns `text`.
pub fn align(text: &[u8]) -> Vec<u8> {
    let mut w = Writer {
        out: Vec::with_capacity(text.len()),
        buf: Vec::new(),
        pos: 0,
        cell: Cell::default(),
        in_escape: false,
        lines: vec![Vec::new()],
        widths: Vec::new(),
    };
    w.write(text);
    w.flush();
    w.out
}

/// Characters in UTF-8 text (an escape byte counts as one, like Go's
/// `utf8.RuneCount` counts an invalid byte).
fn char_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xc0 != 0x80).count()
}

impl Writer {
    fn append(&mut self, text: &[u8]) {
        self.buf.extend_from_slice(text);
        self.cell.size += text.len();
    }

    fn update_width(&mut self) {
        self.cell.width += char_count(&self.buf[self.pos..]);
        self.pos = self.buf.len();
    }

    /// Ends the current cell; returns how many cells the line has now.
    fn terminate_cell(&mut self, htab: bool) -> usize {
        self.cell.htab = htab;
        let cell = std::mem::take(&mut self.cell);
        let line = self.lines.last_mut().expect("there is always a line");
        line.push(cell);
        line.len()
    }

    fn write(&mut self, text: &[u8]) {
        let mut n = 0;
        for (i, &ch) in text.iter().enumerate() {
            if !self.in_escape {
                match ch {
                    b'\t' | 0x0b | b'\n' | 0x0c => {
                        self.append(&text[n..i]);
                        self.update_width();
                        n = i + 1;
                        let cells = self.terminate_cell(ch == b'\t');
                        if ch == b'\n' || ch == 0x0c {
                            self.lines.push(Vec::new());
                            // A formfeed ends every column; so does a line of
                            // one cell, which can belong to no column.
                            if ch == 0x0c || cells == 1 {
                                self.flush();
                            }
                        }
                    }
                    ESCAPE => {
                        self.append(&text[n..i]);
                        self.update_width();
                        n = i;
                        self.in_escape = true;
                    }
                    _ => {}
                }
            } else if ch == ESCAPE {
                self.append(&text[n..=i]);
                n = i + 1;
                self.end_escape();
            }
        }
        self.append(&text[n..]);
    }

    fn end_escape(&mut self) {
        self.update_width();
        self.cell.width -= 2; // the escape bytes take no room
        self.pos = self.buf.len();
        self.in_escape = false;
    }

    fn flush(&mut self) {
        if self.cell.size > 0 {
            if self.in_escape {
                self.end_escape();
            }
            self.terminate_cell(false);
        }
        let lines = self.lines.len();
        self.format(0, 0, lines);
        self.buf.clear();
        self.pos = 0;
        self.cell = Cell::default();
        self.in_escape = false;
        self.lines = vec![Vec::new()];
        self.widths.clear();
    }

    /// Formats lines `line0..line1`, whose columns left of
    /// `self.widths.len()` are already sized; returns the buffer position.
    fn format(&mut self, pos0: usize, line0: usize, line1: usize) -> usize {
        let mut pos = pos0;
        let column = self.widths.len();
        let mut line0 = line0;
        let mut this = line0;
        while this < line1 {
            // The last cell of a line is the text after its last tab: it
            // belongs to no column.
            if column + 1 >= self.lines[this].len() {
                this += 1;
                continue;
            }
            pos = self.write_lines(pos, line0, this);
            line0 = this;
            let mut width = 0;
            let mut discardable = true;
            while this < line1 {
                let line = &self.lines[this];
                if column + 1 >= line.len() {
                    break;
                }
                let c = line[column];
                width = width.max(c.width + PADDING);
                if c.width > 0 || c.htab {
                    discardable = false;
                }
                this += 1;
            }
            if discardable {
                width = 0;
            }
            self.widths.push(width);
            pos = self.format(pos, line0, this);
            self.widths.pop();
            line0 = this;
        }
        self.write_lines(pos, line0, line1)
    }

    fn write_lines(&mut self, pos0: usize, line0: usize, line1: usize) -> usize {
        let mut pos = pos0;
        for i in line0..line1 {
            let mut use_tabs = true;
            for j in 0..self.lines[i].len() {
                let c = self.lines[i][j];
                if c.size == 0 {
                    if j < self.widths.len() {
                        self.write_padding(c.width, self.widths[j], use_tabs);
                    }
                } else {
                    use_tabs = false;
                    self.out.extend_from_slice(&self.buf[pos..pos + c.size]);
                    pos += c.size;
                    if j < self.widths.len() {
                        self.write_padding(c.width, self.widths[j], false);
                    }
                }
            }
            if i + 1 == self.lines.len() {
                // The last line has no newline yet: write the pending text.
                self.out
                    .extend_from_slice(&self.buf[pos..pos + self.cell.size]);
                pos += self.cell.size;
            } else {
                self.out.push(b'\n');
            }
        }
        pos
    }

    fn write_padding(&mut self, text_width: usize, cell_width: usize, use_tabs: bool) {
        if use_tabs {
            let cell_width = cell_width.div_ceil(TAB_WIDTH) * TAB_WIDTH;
            let n = cell_width - text_width;
            self.out
                .extend(std::iter::repeat_n(b'\t', n.div_ceil(TAB_WIDTH)));
        } else {
            self.out
                .extend(std::iter::repeat_n(b' ', cell_width - text_width));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> String {
        String::from_utf8(align(text.as_bytes())).unwrap()
    }

    #[test]
    fn aligns_columns_of_consecutive_lines() {
        assert_eq!(run("a\u{b}= 1\nlong\u{b}= 2\n"), "a    = 1\nlong = 2\n");
    }

    #[test]
    fn formfeed_and_single_cell_lines_end_a_block() {
        assert_eq!(run("a\u{b}= 1\u{c}l\u{b}= 2\n"), "a = 1\nl = 2\n");
        assert_eq!(run("a\u{b}= 1\n}\nlong\u{b}= 2"), "a = 1\n}\nlong = 2");
    }

    #[test]
    fn leading_empty_cells_are_tabs() {
        assert_eq!(run("\ta\u{b}= 1\n\tbb\u{b}= 2\n"), "\ta  = 1\n\tbb = 2\n");
    }

    #[test]
    fn escaped_text_is_not_split_and_takes_its_width() {
        let text = "x\u{b}= 1\t\u{ff}// a\tb\u{ff}\nyyy\u{b}= 2\t\u{ff}// c\u{ff}\n";
        let bytes: Vec<u8> = text
            .chars()
            .map(|c| if c == '\u{ff}' { ESCAPE } else { c as u8 })
            .collect();
        let out = align(&bytes);
        let out: String = out
            .iter()
            .filter(|&&b| b != ESCAPE)
            .map(|&b| b as char)
            .collect();
        assert_eq!(out, "x   = 1 // a\tb\nyyy = 2 // c\n");
    }
}
