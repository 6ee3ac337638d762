//! The ML tokenizer (section 1 of the language reference).
//!
//! [`tokenize`] turns source text into a flat vector of [`Token`]s that always
//! ends with [`Tok::Eof`]. Tokens are small `Copy` values: string literals and
//! big integers live in side tables of [`Lexed`] and are referenced by index,
//! identifier names are the source text under the token's span.
//!
//! Lexing never stops at an error: a malformed piece of input becomes a
//! [`Tok::Error`] token (the parser fails silently on it, the error itself is in
//! [`Lexed::errors`]) and lexing continues after it.
//!
//! The one context-sensitive rule is `//`: it is the floor-division operator
//! right after an operand (an identifier, a literal, `)` or `]`) and a line
//! comment everywhere else. A `)` that closes the parenthesised header of
//! `if`/`elif`/`while`/`for`/`except` or a parameter list (`fn (..)`,
//! `function name(..)`) is not an operand: a `{` or `=>` must follow it.

use super::ast::Span;
use num_bigint::BigInt;

/// Longest decimal text converted to an integer, as a literal or by
/// `int()` (Python's default limit): decimal conversion is quadratic.
pub const MAX_INT_DIGITS: usize = 4300;

/// At most this many lexical errors are recorded (the parser reports at most
/// 20 errors in total; the rest of the input is still tokenized).
const MAX_LEX_ERRORS: usize = 20;

/// Reserved words. `null` and `undefined` are literals; `let`/`const` come
/// from the design document (section 19). The capability words (`resource`,
/// `allow`, `read`, ...) are ordinary identifiers and only special inside a
/// `capability` body, which the parser handles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Keyword {
    /// `function`
    Function,
    /// `fn`
    Fn,
    /// `if`
    If,
    /// `elif`
    Elif,
    /// `else`
    Else,
    /// `while`
    While,
    /// `for`
    For,
    /// `in`
    In,
    /// `try`
    Try,
    /// `except`
    Except,
    /// `finally`
    Finally,
    /// `throw`
    Throw,
    /// `return`
    Return,
    /// `break`
    Break,
    /// `continue`
    Continue,
    /// `nonlocal`
    Nonlocal,
    /// `import`
    Import,
    /// `as`
    As,
    /// `capability`
    Capability,
    /// `true`
    True,
    /// `false`
    False,
    /// `null`
    Null,
    /// `undefined`
    Undefined,
    /// `let`
    Let,
    /// `const`
    Const,
}

impl Keyword {
    /// The keyword spelled `word`, if it is one.
    pub fn from_word(word: &str) -> Option<Keyword> {
        use Keyword::*;
        // Cheap rejection first: keywords are 2..=10 lowercase letters and
        // start with one of these letters.
        let first = *word.as_bytes().first()?;
        if !(2..=10).contains(&word.len())
            || !matches!(
                first,
                b'a' | b'b' | b'c' | b'e' | b'f' | b'i' | b'l' | b'n' | b'r' | b't' | b'u' | b'w'
            )
        {
            return None;
        }
        Some(match word {
            "function" => Function,
            "fn" => Fn,
            "if" => If,
            "elif" => Elif,
            "else" => Else,
            "while" => While,
            "for" => For,
            "in" => In,
            "try" => Try,
            "except" => Except,
            "finally" => Finally,
            "throw" => Throw,
            "return" => Return,
            "break" => Break,
            "continue" => Continue,
            "nonlocal" => Nonlocal,
            "import" => Import,
            "as" => As,
            "capability" => Capability,
            "true" => True,
            "false" => False,
            "null" => Null,
            "undefined" => Undefined,
            "let" => Let,
            "const" => Const,
            _ => return None,
        })
    }

    /// The keyword's spelling.
    pub fn as_str(self) -> &'static str {
        use Keyword::*;
        match self {
            Function => "function",
            Fn => "fn",
            If => "if",
            Elif => "elif",
            Else => "else",
            While => "while",
            For => "for",
            In => "in",
            Try => "try",
            Except => "except",
            Finally => "finally",
            Throw => "throw",
            Return => "return",
            Break => "break",
            Continue => "continue",
            Nonlocal => "nonlocal",
            Import => "import",
            As => "as",
            Capability => "capability",
            True => "true",
            False => "false",
            Null => "null",
            Undefined => "undefined",
            Let => "let",
            Const => "const",
        }
    }

    /// Keywords that begin a statement (used by error recovery).
    pub fn starts_statement(self) -> bool {
        use Keyword::*;
        matches!(
            self,
            Function
                | If
                | While
                | For
                | Try
                | Throw
                | Return
                | Break
                | Continue
                | Nonlocal
                | Import
                | Capability
                | Let
                | Const
        )
    }

    /// `true`, `false`, `null`, `undefined`: keywords that are values.
    pub fn is_literal(self) -> bool {
        matches!(
            self,
            Keyword::True | Keyword::False | Keyword::Null | Keyword::Undefined
        )
    }
}

/// A token kind with its (small) payload.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tok {
    /// `[A-Za-z_][A-Za-z0-9_]*` that is not a keyword; the name is the source
    /// text under the span.
    Ident,
    /// A keyword.
    Kw(Keyword),
    /// An integer literal that fits in i64.
    Int(i64),
    /// An integer literal beyond i64: index into [`Lexed::bigints`].
    BigInt(u32),
    /// A float literal.
    Float(f64),
    /// A string literal (escapes decoded): index into [`Lexed::strings`].
    Str(u32),
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `,`
    Comma,
    /// `;`
    Semi,
    /// `:`
    Colon,
    /// `.`
    Dot,
    /// `?`
    Question,
    /// `=`
    Assign,
    /// `=>`
    Arrow,
    /// `==`
    EqEq,
    /// `!=`
    NotEq,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `>=`
    Ge,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `/`
    Slash,
    /// `//` in operator position.
    SlashSlash,
    /// `%`
    Percent,
    /// `!`
    Bang,
    /// `&&`
    AndAnd,
    /// `||`
    OrOr,
    /// Malformed input; the matching message is in [`Lexed::errors`].
    Error,
    /// The end of the input.
    Eof,
}

impl Tok {
    /// The fixed spelling of punctuation tokens (`None` for the others).
    pub fn punct_str(self) -> Option<&'static str> {
        use Tok::*;
        Some(match self {
            LParen => "(",
            RParen => ")",
            LBracket => "[",
            RBracket => "]",
            LBrace => "{",
            RBrace => "}",
            Comma => ",",
            Semi => ";",
            Colon => ":",
            Dot => ".",
            Question => "?",
            Assign => "=",
            Arrow => "=>",
            EqEq => "==",
            NotEq => "!=",
            Lt => "<",
            Gt => ">",
            Le => "<=",
            Ge => ">=",
            Plus => "+",
            Minus => "-",
            Star => "*",
            Slash => "/",
            SlashSlash => "//",
            Percent => "%",
            Bang => "!",
            AndAnd => "&&",
            OrOr => "||",
            _ => return None,
        })
    }
}

/// A token and where it stands.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Token {
    /// What it is.
    pub tok: Tok,
    /// Its bytes in the source.
    pub span: Span,
}

/// A lexical error (bad character, unterminated string, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError {
    /// What is wrong.
    pub message: String,
    /// Where.
    pub span: Span,
}

/// The result of [`tokenize`].
#[derive(Clone, Debug, Default)]
pub struct Lexed {
    /// Always non-empty; the last token is [`Tok::Eof`].
    pub tokens: Vec<Token>,
    /// The decoded string literals, indexed by [`Tok::Str`].
    pub strings: Vec<String>,
    /// The big integer literals, indexed by [`Tok::BigInt`].
    pub bigints: Vec<BigInt>,
    /// The errors, in source order.
    pub errors: Vec<LexError>,
}

/// Tokenizes `src`. Never panics; malformed input yields [`Tok::Error`]
/// tokens plus entries in [`Lexed::errors`].
pub fn tokenize(src: &str) -> Lexed {
    let mut lx = Lexer {
        src,
        b: src.as_bytes(),
        pos: 0,
        out: Lexed {
            tokens: Vec::with_capacity(src.len() / 3 + 1),
            ..Lexed::default()
        },
        brackets: Vec::new(),
        after_header_paren: false,
    };
    // A UTF-8 byte order mark at the very start is ignored.
    if src.starts_with('\u{FEFF}') {
        lx.pos = 3;
    }
    lx.run();
    lx.out
}

struct Lexer<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    out: Lexed,
    /// One entry per open bracket: `true` for a `(` that opens a statement
    /// header or a parameter list.
    brackets: Vec<bool>,
    /// The last token is a `)` that closed such a header paren.
    after_header_paren: bool,
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_ident_continue(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

impl Lexer<'_> {
    fn peek_at(&self, off: usize) -> u8 {
        self.b.get(self.pos + off).copied().unwrap_or(0)
    }

    fn push(&mut self, tok: Tok, start: usize, end: usize) {
        self.after_header_paren = false;
        self.out.tokens.push(Token {
            tok,
            span: Span::new(start, end),
        });
    }

    fn error(&mut self, message: String, start: usize, end: usize) {
        if self.out.errors.len() < MAX_LEX_ERRORS {
            self.out.errors.push(LexError {
                message,
                span: Span::new(start, end),
            });
        }
    }

    /// Reports an error and emits an [`Tok::Error`] token over `start..end`.
    fn bad(&mut self, message: String, start: usize, end: usize) {
        self.error(message, start, end);
        self.push(Tok::Error, start, end);
        self.pos = end;
    }

    /// Whether a binary operator may follow the previous token.
    fn prev_is_operand(&self) -> bool {
        let toks = &self.out.tokens;
        let Some(last) = toks.last() else {
            return false;
        };
        match last.tok {
            Tok::Ident
            | Tok::Int(_)
            | Tok::BigInt(_)
            | Tok::Float(_)
            | Tok::Str(_)
            | Tok::RBracket => true,
            Tok::RParen => !self.after_header_paren,
            Tok::Kw(k) if k.is_literal() => true,
            // A keyword used as a member name: `a.if // 2`.
            Tok::Kw(_) => toks.len() >= 2 && toks[toks.len() - 2].tok == Tok::Dot,
            _ => false,
        }
    }

    /// Whether a `(` about to be pushed opens a statement header or a
    /// parameter list, after which `//` starts a comment.
    fn paren_is_header(&self) -> bool {
        let toks = &self.out.tokens;
        let n = toks.len();
        match toks.last().map(|t| t.tok) {
            Some(Tok::Kw(
                Keyword::If
                | Keyword::Elif
                | Keyword::While
                | Keyword::For
                | Keyword::Except
                | Keyword::Fn,
            )) => n < 2 || toks[n - 2].tok != Tok::Dot,
            Some(Tok::Ident) => n >= 2 && toks[n - 2].tok == Tok::Kw(Keyword::Function),
            _ => false,
        }
    }

    fn run(&mut self) {
        let b = self.b;
        loop {
            let mut i = self.pos;
            while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
                i += 1;
            }
            self.pos = i;
            let Some(&c) = b.get(i) else {
                break;
            };
            match c {
                _ if is_ident_start(c) => self.word(),
                b'0'..=b'9' => self.number(),
                b'.' if self.peek_at(1).is_ascii_digit() => self.number(),
                b'"' | b'\'' => self.string(c),
                b'/' => self.slash(),
                _ if c >= 0x80 => {
                    let start = self.pos;
                    let ch = self.src[start..].chars().next().unwrap_or('\u{FFFD}');
                    let end = (start + ch.len_utf8()).min(self.b.len());
                    self.bad(
                        format!(
                            "unexpected character `{ch}` (U+{:04X}); only ASCII is allowed outside strings and comments",
                            ch as u32
                        ),
                        start,
                        end,
                    );
                }
                _ => self.punct(c),
            }
        }
        let end = self.b.len();
        self.after_header_paren = false;
        self.out.tokens.push(Token {
            tok: Tok::Eof,
            span: Span::new(end, end),
        });
    }

    fn word(&mut self) {
        let b = self.b;
        let start = self.pos;
        let mut end = start + 1;
        while end < b.len() && is_ident_continue(b[end]) {
            end += 1;
        }
        self.pos = end;
        let tok = match Keyword::from_word(&self.src[start..end]) {
            Some(k) => Tok::Kw(k),
            None => Tok::Ident,
        };
        self.push(tok, start, end);
    }

    fn number(&mut self) {
        let b = self.b;
        let start = self.pos;
        let mut i = start;
        let mut is_float = false;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i < b.len() && b[i] == b'.' {
            is_float = true;
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
        if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
            let mut j = i + 1;
            if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
                j += 1;
            }
            if j < b.len() && b[j].is_ascii_digit() {
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                is_float = true;
                i = j;
            }
        }
        let dot_digit = |k: usize| b[k] == b'.' && b.get(k + 1).is_some_and(u8::is_ascii_digit);
        if i < b.len() && (is_ident_continue(b[i]) || dot_digit(i)) {
            // `0x1F`, `1_000`, `12abc`, `1e`: swallow the whole word.
            while i < b.len() && (is_ident_continue(b[i]) || b[i] == b'.') {
                i += 1;
            }
            let text = &self.src[start..i];
            let lower = text.to_ascii_lowercase();
            let message = if lower.starts_with("0x") {
                format!("hexadecimal number literals are not supported: `{text}`")
            } else if lower.starts_with("0o") || lower.starts_with("0b") {
                format!("octal and binary number literals are not supported: `{text}`")
            } else if text.contains('_') && text.bytes().all(|c| c.is_ascii_digit() || c == b'_') {
                format!("`_` separators are not supported in numbers: `{text}`")
            } else {
                format!("invalid number literal `{text}`")
            };
            self.bad(message, start, i);
            return;
        }
        let text = &self.src[start..i];
        self.pos = i;
        let tok = if is_float {
            match text.parse::<f64>() {
                Ok(v) => Tok::Float(v),
                Err(_) => {
                    self.bad(format!("invalid number literal `{text}`"), start, i);
                    return;
                }
            }
        } else {
            match text.parse::<i64>() {
                Ok(v) => Tok::Int(v),
                // Decimal conversion is quadratic: refuse absurd literals
                // (Python refuses int strings over 4300 digits too).
                Err(_) if text.len() > MAX_INT_DIGITS => {
                    self.bad(
                        format!(
                            "integer literal has {} digits; the limit is {}",
                            text.len(),
                            MAX_INT_DIGITS
                        ),
                        start,
                        i,
                    );
                    return;
                }
                Err(_) => match BigInt::parse_bytes(text.as_bytes(), 10) {
                    Some(v) => {
                        self.out.bigints.push(v);
                        Tok::BigInt(self.out.bigints.len() as u32 - 1)
                    }
                    None => {
                        self.bad(format!("invalid number literal `{text}`"), start, i);
                        return;
                    }
                },
            }
        };
        self.push(tok, start, i);
    }

    /// Reads exactly four hex digits at byte `at`.
    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.b.get(at..at + 4)?;
        let mut v = 0u32;
        for &d in digits {
            v = v * 16 + (d as char).to_digit(16)?;
        }
        Some(v)
    }

    fn string(&mut self, quote: u8) {
        let b = self.b;
        let start = self.pos;
        let mut i = start + 1;
        let mut seg = i;
        let mut s = String::new();
        loop {
            if i >= b.len() {
                self.error(
                    "unterminated string literal (no closing quote before the end of the file)"
                        .to_string(),
                    start,
                    start + 1,
                );
                self.push(Tok::Error, start, b.len());
                self.pos = b.len();
                return;
            }
            let c = b[i];
            if c == quote {
                s.push_str(&self.src[seg..i]);
                i += 1;
                break;
            }
            if c != b'\\' {
                i += 1;
                continue;
            }
            s.push_str(&self.src[seg..i]);
            let Some(&e) = b.get(i + 1) else {
                // A backslash right before the end: unterminated.
                i += 1;
                seg = i;
                continue;
            };
            let simple = match e {
                b'n' => Some('\n'),
                b't' => Some('\t'),
                b'r' => Some('\r'),
                b'0' => Some('\0'),
                b'\\' => Some('\\'),
                b'"' => Some('"'),
                b'\'' => Some('\''),
                _ => None,
            };
            if let Some(ch) = simple {
                s.push(ch);
                i += 2;
            } else if e == b'u' {
                match self.hex4(i + 2) {
                    Some(hi @ 0xD800..=0xDBFF) => {
                        let lo = if b.get(i + 6) == Some(&b'\\') && b.get(i + 7) == Some(&b'u') {
                            self.hex4(i + 8).filter(|lo| (0xDC00..=0xDFFF).contains(lo))
                        } else {
                            None
                        };
                        match lo {
                            Some(lo) => {
                                let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                s.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                                i += 12;
                            }
                            None => {
                                s.push('\u{FFFD}');
                                i += 6;
                            }
                        }
                    }
                    Some(cp) => {
                        s.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                        i += 6;
                    }
                    None => {
                        s.push_str("\\u");
                        i += 2;
                    }
                }
            } else {
                // Unknown escape: keep the backslash; the next character is
                // ordinary text (it is neither a quote nor a backslash).
                s.push('\\');
                i += 1;
            }
            seg = i;
        }
        self.out.strings.push(s);
        let idx = self.out.strings.len() as u32 - 1;
        self.pos = i;
        self.push(Tok::Str(idx), start, i);
    }

    fn slash(&mut self) {
        let start = self.pos;
        match self.peek_at(1) {
            b'/' => {
                if self.prev_is_operand() {
                    if self.peek_at(2) == b'=' {
                        self.compound("//", start);
                    } else {
                        self.pos += 2;
                        self.push(Tok::SlashSlash, start, start + 2);
                    }
                } else {
                    // Line comment.
                    let rest = &self.b[start..];
                    let len = rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
                    self.pos = start + len;
                }
            }
            b'*' => {
                let end = self.src[start + 2..]
                    .find("*/")
                    .map(|k| start + 2 + k + 2)
                    .unwrap_or(start + 2);
                self.bad(
                    "block comments `/* ... */` are not supported; use `//` line comments"
                        .to_string(),
                    start,
                    end,
                );
            }
            b'=' => self.compound("/", start),
            _ => {
                self.pos += 1;
                self.push(Tok::Slash, start, start + 1);
            }
        }
    }

    /// A compound assignment such as `+=`.
    /// An error token for the operator `op` at `start`: "`op` is not
    /// supported" followed by `advice`.
    fn unsupported(&mut self, op: &str, advice: &str, start: usize) {
        self.bad(
            format!("`{op}` is not supported{advice}"),
            start,
            start + op.len(),
        );
    }

    /// `op=` (compound assignment) is not supported.
    fn compound(&mut self, op: &str, start: usize) {
        self.unsupported(
            &format!("{op}="),
            &format!("; write `x = x {op} ...`"),
            start,
        );
    }

    fn punct(&mut self, c: u8) {
        use Tok::*;
        const NO_BITWISE: &str = " (there are no bitwise operators)";
        let start = self.pos;
        let n1 = self.peek_at(1);
        let n2 = self.peek_at(2);
        let (tok, len) = match c {
            b'(' => {
                let header = self.paren_is_header();
                self.brackets.push(header);
                (LParen, 1)
            }
            b'[' | b'{' => {
                self.brackets.push(false);
                (if c == b'[' { LBracket } else { LBrace }, 1)
            }
            b')' => {
                let header = self.brackets.pop().unwrap_or(false);
                self.pos += 1;
                self.push(RParen, start, start + 1);
                self.after_header_paren = header;
                return;
            }
            b']' | b'}' => {
                self.brackets.pop();
                (if c == b']' { RBracket } else { RBrace }, 1)
            }
            b',' => (Comma, 1),
            b';' => (Semi, 1),
            b':' => (Colon, 1),
            b'.' => (Dot, 1),
            b'?' => (Question, 1),
            b'=' => match n1 {
                b'=' if n2 == b'=' => return self.unsupported("===", "; use `==`", start),
                b'=' => (EqEq, 2),
                b'>' => (Arrow, 2),
                _ => (Assign, 1),
            },
            b'!' => match n1 {
                b'=' if n2 == b'=' => return self.unsupported("!==", "; use `!=`", start),
                b'=' => (NotEq, 2),
                _ => (Bang, 1),
            },
            b'<' => match n1 {
                b'=' => (Le, 2),
                b'<' => return self.unsupported("<<", NO_BITWISE, start),
                _ => (Lt, 1),
            },
            b'>' => match n1 {
                b'=' => (Ge, 2),
                b'>' => return self.unsupported(">>", NO_BITWISE, start),
                _ => (Gt, 1),
            },
            b'+' | b'-' | b'*' => {
                let (tok, advice) = match c {
                    b'+' => (Plus, "; write `x = x + 1`"),
                    b'-' => (
                        Minus,
                        "; write `x = x - 1` (or `- -x` for a double negation)",
                    ),
                    _ => (Star, "; use `math.pow(a, b)`"),
                };
                let op = (c as char).to_string();
                if n1 == c {
                    return self.unsupported(&op.repeat(2), advice, start);
                }
                if n1 == b'=' {
                    return self.compound(&op, start);
                }
                (tok, 1)
            }
            b'%' => match n1 {
                b'=' => return self.compound("%", start),
                _ => (Percent, 1),
            },
            b'&' => match n1 {
                b'&' => (AndAnd, 2),
                _ => return self.unsupported("&", "; use `&&` for logical and", start),
            },
            b'|' => match n1 {
                b'|' => (OrOr, 2),
                _ => return self.unsupported("|", "; use `||` for logical or", start),
            },
            _ => {
                let ch = c as char;
                let message = match c {
                    b'#' => "unexpected character `#`; comments start with `//`".to_string(),
                    b'`' => {
                        "unexpected character (backtick); strings use \"...\" or '...'".to_string()
                    }
                    b'^' | b'~' => {
                        format!("unexpected character `{ch}`; there are no bitwise operators")
                    }
                    0x21..=0x7e => format!("unexpected character `{ch}`"),
                    _ => format!("unexpected character U+{:04X}", c as u32),
                };
                return self.bad(message, start, start + 1);
            }
        };
        self.pos += len;
        self.push(tok, start, start + len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        let lx = tokenize(src);
        assert!(lx.errors.is_empty(), "{src:?}: {:?}", lx.errors);
        lx.tokens.iter().map(|t| t.tok).collect()
    }

    fn first_error(src: &str) -> LexError {
        let lx = tokenize(src);
        lx.errors
            .first()
            .cloned()
            .unwrap_or_else(|| panic!("expected a lexical error for {src:?}"))
    }

    fn strings(src: &str) -> Vec<String> {
        let lx = tokenize(src);
        assert!(lx.errors.is_empty(), "{src:?}: {:?}", lx.errors);
        lx.strings
    }

    #[test]
    fn empty_input_is_just_eof() {
        assert_eq!(toks(""), vec![Tok::Eof]);
        assert_eq!(toks("  \n\t\r\n"), vec![Tok::Eof]);
        assert_eq!(toks("// only a comment"), vec![Tok::Eof]);
        assert_eq!(toks("\u{FEFF}x"), vec![Tok::Ident, Tok::Eof]);
    }

    #[test]
    fn numbers() {
        use Tok::*;
        assert_eq!(toks("42"), vec![Int(42), Eof]);
        assert_eq!(toks("007"), vec![Int(7), Eof]);
        assert_eq!(toks("3.25"), vec![Float(3.25), Eof]);
        assert_eq!(toks("1."), vec![Float(1.0), Eof]);
        assert_eq!(toks(".5"), vec![Float(0.5), Eof]);
        assert_eq!(toks("1e3"), vec![Float(1000.0), Eof]);
        assert_eq!(toks("2.5E-3"), vec![Float(0.0025), Eof]);
        assert_eq!(toks("1E+2"), vec![Float(100.0), Eof]);
        assert_eq!(toks("1.e2"), vec![Float(100.0), Eof]);
        assert_eq!(toks("0"), vec![Int(0), Eof]);
        assert_eq!(toks("1e400"), vec![Float(f64::INFINITY), Eof]);
        // Signs are separate tokens.
        assert_eq!(toks("-7"), vec![Minus, Int(7), Eof]);
        assert_eq!(toks("3 -5"), vec![Int(3), Minus, Int(5), Eof]);
        assert_eq!(toks("+5"), vec![Plus, Int(5), Eof]);
        assert_eq!(toks("9223372036854775807"), vec![Int(i64::MAX), Eof]);
        let lx = tokenize("9223372036854775808 123456789012345678901234567890");
        assert!(lx.errors.is_empty());
        assert_eq!(lx.tokens[0].tok, BigInt(0));
        assert_eq!(lx.tokens[1].tok, BigInt(1));
        assert_eq!(lx.bigints[0].to_string(), "9223372036854775808");
        assert_eq!(lx.bigints[1].to_string(), "123456789012345678901234567890");
        // A member access on a number-valued expression is not a number.
        assert_eq!(toks("a.b"), vec![Ident, Dot, Ident, Eof]);
    }

    #[test]
    fn bad_numbers() {
        assert!(first_error("0x1F").message.contains("hexadecimal"));
        assert!(first_error("0b101").message.contains("binary"));
        assert!(first_error("1_000").message.contains("`_` separators"));
        assert!(first_error("12abc")
            .message
            .contains("invalid number literal `12abc`"));
        assert!(first_error("1e")
            .message
            .contains("invalid number literal `1e`"));
        assert!(first_error("1.2.3")
            .message
            .contains("invalid number literal"));
        let e = first_error("x = 0xff;");
        assert_eq!(e.span, Span::new(4, 8));
        let lx = tokenize("x = 0xff;");
        assert_eq!(lx.tokens[2].tok, Tok::Error);
        assert_eq!(lx.tokens[3].tok, Tok::Semi);
    }

    #[test]
    fn identifiers_and_keywords() {
        use Keyword as K;
        use Tok::*;
        assert_eq!(
            toks("fn fnord fn_x true trueish null undefined let const"),
            vec![
                Kw(K::Fn),
                Ident,
                Ident,
                Kw(K::True),
                Ident,
                Kw(K::Null),
                Kw(K::Undefined),
                Kw(K::Let),
                Kw(K::Const),
                Eof
            ]
        );
        // Capability words are plain identifiers for the lexer.
        assert_eq!(
            toks("resource allow read write execute network system var"),
            vec![Ident, Ident, Ident, Ident, Ident, Ident, Ident, Ident, Eof]
        );
        let lx = tokenize("_a1 B2");
        assert_eq!(lx.tokens[0].span, Span::new(0, 3));
        assert_eq!(lx.tokens[1].span, Span::new(4, 6));
    }

    #[test]
    fn punctuation() {
        use Tok::*;
        assert_eq!(
            toks("( ) [ ] { } , ; : . ? = => == != < > <= >= + - * / // % ! && ||"),
            vec![
                LParen, RParen, LBracket, RBracket, LBrace, RBrace, Comma, Semi, Colon, Dot,
                Question, Assign, Arrow, EqEq, NotEq, Lt, Gt, Le, Ge, Plus, Minus, Star,
                Slash, // `//` right after `/` (an operator) is a comment
                Eof
            ]
        );
        assert_eq!(
            toks("a // b % c"),
            vec![Ident, SlashSlash, Ident, Percent, Ident, Eof]
        );
        assert_eq!(toks("a=-1"), vec![Ident, Assign, Minus, Int(1), Eof]);
        assert_eq!(toks("a<=-1"), vec![Ident, Le, Minus, Int(1), Eof]);
        assert_eq!(toks("!!a"), vec![Bang, Bang, Ident, Eof]);
    }

    #[test]
    fn floor_division_versus_comment() {
        use Tok::*;
        // After an operand: floor division.
        assert_eq!(
            toks("x = 7 // 2; // comment"),
            vec![Ident, Assign, Int(7), SlashSlash, Int(2), Semi, Eof]
        );
        assert_eq!(
            toks("x = [1, 2 // c\n];"),
            vec![
                Ident,
                Assign,
                LBracket,
                Int(1),
                Comma,
                Int(2),
                SlashSlash,
                Ident,
                RBracket,
                Semi,
                Eof
            ]
        );
        assert_eq!(
            toks("f(x) // 2"),
            vec![Ident, LParen, Ident, RParen, SlashSlash, Int(2), Eof]
        );
        assert_eq!(
            toks("a[0] // 2"),
            vec![Ident, LBracket, Int(0), RBracket, SlashSlash, Int(2), Eof]
        );
        assert_eq!(toks("'s' // 2").len(), 4);
        assert_eq!(toks("true // 2").len(), 4);
        assert_eq!(toks("null // 2").len(), 4);
        assert_eq!(toks("1.5 // 2").len(), 4);
        // A keyword as a member name is an operand.
        assert_eq!(toks("a.if // 2").len(), 6);
        // Everywhere else: a comment.
        assert_eq!(toks("// at start\nx"), vec![Ident, Eof]);
        assert_eq!(
            toks("x = // c\n 1;"),
            vec![Ident, Assign, Int(1), Semi, Eof]
        );
        assert_eq!(
            toks("f( // c\n 1)"),
            vec![Ident, LParen, Int(1), RParen, Eof]
        );
        assert_eq!(toks("[1, // c\n 2]").len(), 6);
        assert_eq!(toks("{ // c\n }"), vec![LBrace, RBrace, Eof]);
        assert_eq!(toks("} // c"), vec![RBrace, Eof]);
        assert_eq!(toks("return // c\n;"), vec![Kw(Keyword::Return), Semi, Eof]);
        assert_eq!(toks("1 + // c\n 2"), vec![Int(1), Plus, Int(2), Eof]);
        // After the `)` of a statement header or parameter list.
        assert_eq!(
            toks("if (a) // c\n {}"),
            vec![Kw(Keyword::If), LParen, Ident, RParen, LBrace, RBrace, Eof]
        );
        assert_eq!(toks("while (f(a)) // c\n {}").len(), 10);
        assert_eq!(toks("function f(a, b) // c\n {}").len(), 10);
        assert_eq!(toks("fn(a) // c\n => a").len(), 7);
        // ... but not after a call that happens to be named like a keyword member.
        assert_eq!(toks("x.if(a) // 2").len(), 9);
        // `//` comments may contain anything.
        assert_eq!(toks("// don't \"worry\" é # /* \nx"), vec![Ident, Eof]);
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(strings(r#""abc" 'def' """#), vec!["abc", "def", ""]);
        assert_eq!(
            strings(r#""a\nb\tc\rd\0e\\f\"g\'h""#),
            vec!["a\nb\tc\rd\0e\\f\"g'h"]
        );
        assert_eq!(strings(r#"'it\'s'"#), vec!["it's"]);
        // Unknown escapes stay verbatim (regex patterns keep working).
        assert_eq!(strings(r#""\d+\b\w""#), vec![r"\d+\b\w"]);
        assert_eq!(strings(r#""\é""#), vec!["\\é"]);
        assert_eq!(strings(r#""\u00e9\u0041""#), vec!["éA"]);
        assert_eq!(strings(r#""\uD83D\uDE00""#), vec!["😀"]);
        assert_eq!(strings(r#""\uD83Dx""#), vec!["\u{FFFD}x"]);
        assert_eq!(strings(r#""\uDE00""#), vec!["\u{FFFD}"]);
        assert_eq!(strings(r#""\u12""#), vec![r"\u12"]);
        assert_eq!(strings(r#""\uzzzz""#), vec![r"\uzzzz"]);
        // Multi-line strings and non-ASCII text.
        assert_eq!(strings("\"line1\nline2\""), vec!["line1\nline2"]);
        assert_eq!(strings("'héllo wörld'"), vec!["héllo wörld"]);
        // The other quote needs no escape.
        assert_eq!(strings(r#""it's" 'say "hi"'"#), vec!["it's", "say \"hi\""]);
        let lx = tokenize(r#"x = "ab";"#);
        assert_eq!(lx.tokens[2].span, Span::new(4, 8));
    }

    #[test]
    fn unterminated_string_points_at_the_quote() {
        let e = first_error("x = 1;\ny = \"abc\n");
        assert!(e.message.contains("unterminated string"), "{}", e.message);
        assert_eq!(e.span, Span::new(11, 12));
        let e = first_error(r#"x = 'abc\'"#);
        assert_eq!(e.span, Span::new(4, 5));
        let e = first_error("\"\\");
        assert_eq!(e.span, Span::new(0, 1));
        let lx = tokenize("x = 'abc");
        assert_eq!(lx.tokens.last().unwrap().tok, Tok::Eof);
        assert_eq!(lx.tokens[2].tok, Tok::Error);
    }

    #[test]
    fn unsupported_operators_say_so() {
        for (src, needle) in [
            ("a ** b", "`**` is not supported"),
            ("a++", "`++` is not supported"),
            ("a--", "`--` is not supported"),
            ("a += 1", "`+=` is not supported; write `x = x + ...`"),
            ("a -= 1", "`-=` is not supported"),
            ("a *= 1", "`*=` is not supported"),
            ("a /= 1", "`/=` is not supported"),
            ("a //= 1", "`//=` is not supported"),
            ("a %= 1", "`%=` is not supported"),
            ("a === b", "`===` is not supported; use `==`"),
            ("a !== b", "`!==` is not supported"),
            ("a & b", "`&` is not supported"),
            ("a | b", "`|` is not supported"),
            ("a << b", "`<<` is not supported"),
            ("a >> b", "`>>` is not supported"),
            ("a ^ b", "unexpected character `^`"),
            ("~a", "unexpected character `~`"),
            ("# comment", "unexpected character `#`"),
            ("@x", "unexpected character `@`"),
            ("`x`", "unexpected character (backtick)"),
            ("x = é;", "unexpected character `é` (U+00E9)"),
            ("a /* b */ c", "block comments"),
            ("\u{7}", "unexpected character U+0007"),
        ] {
            let e = tokenize(src).errors;
            assert!(
                e.iter().any(|e| e.message.contains(needle)),
                "{src:?}: {e:?} does not mention {needle:?}"
            );
        }
        let e = first_error("x = é;");
        assert_eq!(e.span, Span::new(4, 6));
        let lx = tokenize("a /* b */ c");
        assert_eq!(lx.errors.len(), 1);
        assert_eq!(
            lx.tokens.iter().map(|t| t.tok).collect::<Vec<_>>(),
            vec![Tok::Ident, Tok::Error, Tok::Ident, Tok::Eof]
        );
    }

    #[test]
    fn lexer_errors_are_capped() {
        let src = "#".repeat(10_000);
        let lx = tokenize(&src);
        assert_eq!(lx.errors.len(), MAX_LEX_ERRORS);
        assert_eq!(lx.tokens.len(), 10_001);
    }
}
