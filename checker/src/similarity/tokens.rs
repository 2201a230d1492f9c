//! A Rust source as the similarity measure sees it: the tokens of a real Rust lexer
//! (proc-macro2), every identifier and every literal abstracted to one kind (a renamed variable
//! or a changed constant is the same token), keywords, punctuation and delimiters kept, comments
//! and doc comments left out. Each token keeps its line, to show where a match is.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use std::str::FromStr;

/// What a token is, with the names and values of the program abstracted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Identifier,
    Literal,
    /// A keyword, by its index in [`KEYWORDS`]: `fn`, `match` and `loop` shape a program.
    Keyword(u8),
    Punct(char),
    Open(char),
    Close(char),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    /// 1-based, in the file the token comes from.
    pub line: usize,
}

/// Rust's keywords (strict, and `union`, `dyn`, `async`, `await` as used): the identifiers that
/// are kept as themselves.
const KEYWORDS: [&str; 40] = [
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "union", "unsafe", "use", "where", "while", "yield",
];

/// The tokens of `source`, or why the lexer refused it (an unterminated string, say).
pub fn tokens(source: &str) -> Result<Vec<Token>, String> {
    let stream = TokenStream::from_str(source).map_err(|e| format!("it cannot be read as Rust tokens: {e}"))?;
    let mut out = Vec::new();
    flatten(stream, &mut out);
    Ok(out)
}

fn flatten(stream: TokenStream, out: &mut Vec<Token>) {
    let trees: Vec<TokenTree> = stream.into_iter().collect();
    let mut i = 0;
    while i < trees.len() {
        // A doc comment (`///`, `//!`) reaches the lexer's output as `#[doc = "..."]` or
        // `#![doc = "..."]`: a comment, not code.
        if let Some(length) = doc_attribute(&trees[i..]) {
            i += length;
            continue;
        }
        let line = trees[i].span().start().line;
        match &trees[i] {
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                let kind = match KEYWORDS.iter().position(|k| *k == name) {
                    Some(index) => Kind::Keyword(index as u8),
                    None => Kind::Identifier,
                };
                out.push(Token { kind, line });
            }
            TokenTree::Literal(_) => out.push(Token { kind: Kind::Literal, line }),
            TokenTree::Punct(punct) => out.push(Token { kind: Kind::Punct(punct.as_char()), line }),
            TokenTree::Group(group) => {
                let delimiters = match group.delimiter() {
                    Delimiter::Parenthesis => Some(('(', ')')),
                    Delimiter::Brace => Some(('{', '}')),
                    Delimiter::Bracket => Some(('[', ']')),
                    Delimiter::None => None,
                };
                if let Some((open, _)) = delimiters {
                    out.push(Token { kind: Kind::Open(open), line: group.span_open().start().line });
                }
                flatten(group.stream(), out);
                if let Some((_, close)) = delimiters {
                    out.push(Token { kind: Kind::Close(close), line: group.span_close().start().line });
                }
            }
        }
        i += 1;
    }
}

/// How many trees a doc attribute at the start of `trees` takes (`#`, maybe `!`, `[doc ...]`).
fn doc_attribute(trees: &[TokenTree]) -> Option<usize> {
    let TokenTree::Punct(hash) = trees.first()? else { return None };
    if hash.as_char() != '#' {
        return None;
    }
    let bang = matches!(trees.get(1), Some(TokenTree::Punct(p)) if p.as_char() == '!');
    let group = trees.get(1 + usize::from(bang))?;
    let TokenTree::Group(group) = group else { return None };
    let first = group.stream().into_iter().next();
    let is_doc = group.delimiter() == Delimiter::Bracket && matches!(first, Some(TokenTree::Ident(i)) if i == "doc");
    is_doc.then_some(2 + usize::from(bang))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<Kind> {
        tokens(source).unwrap().into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn renaming_and_new_constants_and_comments_change_nothing() {
        let original = "/// Adds.\nfn add(a: u32) -> u32 { a + 1 } // one more";
        let renamed = "fn plus(x: u32) -> u64 {\n    // the sum\n    x + 41\n}";
        assert_eq!(kinds(original), kinds(renamed));
        assert_ne!(kinds(original), kinds("fn add(a: u32) -> u32 { a - 1 }"), "an operator is code");
        assert_ne!(kinds(original), kinds("fn add(a: u32) -> u32 { loop {} }"), "a keyword is code");
    }

    #[test]
    fn every_token_has_its_line() {
        let lines: Vec<usize> = tokens("fn f() {\n    g(1)\n}\n").unwrap().iter().map(|t| t.line).collect();
        assert_eq!(lines, [1, 1, 1, 1, 1, 2, 2, 2, 2, 3]);
    }

    #[test]
    fn source_that_is_not_rust_tokens_is_refused() {
        assert!(tokens("fn f() { \"unterminated }").is_err());
    }
}
