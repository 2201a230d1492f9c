//! What the operators share: the expressions and blocks of a file's non-test code, spans as
//! byte ranges, whether a piece of code mentions a name, and what a lock acquisition looks like.

use quote::ToTokens;
use std::ops::Range;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Attribute, Block, Expr, ExprMethodCall, Pat, Stmt};

/// The byte range of a node in the text it was parsed from.
pub fn range(node: &impl Spanned) -> Range<usize> {
    node.span().byte_range()
}

/// The source text of a node.
pub fn text<'s>(source: &'s str, node: &impl Spanned) -> &'s str {
    &source[range(node)]
}

/// The indentation of the line `offset` is on.
pub fn indentation(source: &str, offset: usize) -> &str {
    let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &source[line_start..];
    &line[..line.len() - line.trim_start().len()]
}

/// `#[test]`, `#[cfg(test)]` and the like: code the students' grade does not run.
fn is_test_code(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let path = attr.path();
        path.is_ident("test")
            || path.segments.last().is_some_and(|s| s.ident == "test")
            || (path.is_ident("cfg") && attr.meta.to_token_stream().to_string().contains("test"))
    })
}

/// The blocks and expressions of a file or node, outside test code, in source order.
#[derive(Default)]
pub struct Collected<'ast> {
    pub blocks: Vec<&'ast Block>,
    pub exprs: Vec<&'ast Expr>,
}

impl<'ast> Visit<'ast> for Collected<'ast> {
    fn visit_item_mod(&mut self, node: &'ast syn::ItemMod) {
        if !is_test_code(&node.attrs) {
            visit::visit_item_mod(self, node);
        }
    }
    fn visit_item_fn(&mut self, node: &'ast syn::ItemFn) {
        if !is_test_code(&node.attrs) {
            visit::visit_item_fn(self, node);
        }
    }
    fn visit_impl_item_fn(&mut self, node: &'ast syn::ImplItemFn) {
        if !is_test_code(&node.attrs) {
            visit::visit_impl_item_fn(self, node);
        }
    }
    fn visit_block(&mut self, node: &'ast Block) {
        self.blocks.push(node);
        visit::visit_block(self, node);
    }
    fn visit_expr(&mut self, node: &'ast Expr) {
        self.exprs.push(node);
        visit::visit_expr(self, node);
    }
}

pub fn collect(file: &syn::File) -> Collected<'_> {
    let mut collected = Collected::default();
    collected.visit_file(file);
    collected
}

/// The expressions inside one expression (itself included).
pub fn exprs_in(expr: &Expr) -> Vec<&Expr> {
    let mut collected = Collected::default();
    collected.visit_expr(expr);
    collected.exprs
}

/// Whether the tokens of `node` include the identifier `name` (macro arguments included).
pub fn mentions(node: &impl ToTokens, name: &str) -> bool {
    fn walk(tokens: proc_macro2::TokenStream, name: &str) -> bool {
        tokens.into_iter().any(|token| match token {
            proc_macro2::TokenTree::Ident(ident) => ident == name,
            proc_macro2::TokenTree::Group(group) => walk(group.stream(), name),
            _ => false,
        })
    }
    walk(node.to_token_stream(), name)
}

/// The method calls of a chain such as `a.lock().unwrap()` or `s.read(&mut b).await?`, from the
/// last to the first, and the expression the chain starts from.
pub fn chain(mut expr: &Expr) -> (Vec<&ExprMethodCall>, &Expr) {
    let mut calls = Vec::new();
    loop {
        match expr {
            Expr::MethodCall(call) => {
                calls.push(call);
                expr = &call.receiver;
            }
            Expr::Await(awaited) => expr = &awaited.base,
            Expr::Try(tried) => expr = &tried.expr,
            Expr::Paren(inner) => expr = &inner.expr,
            _ => return (calls, expr),
        }
    }
}

/// Whether `expr` takes a lock: a chain with `.lock()`, or an argument-less `.read()` or
/// `.write()` (an `RwLock`'s; I/O's `read` and `write` take a buffer).
pub fn acquires_lock(expr: &Expr) -> bool {
    chain(expr).0.iter().any(|call| {
        call.method == "lock" || ((call.method == "read" || call.method == "write") && call.args.is_empty())
    })
}

/// The name a simple `let` binds (`let g = ...`, `let mut g = ...`) and whether it is `mut`.
pub fn simple_binding(pat: &Pat) -> Option<(String, bool)> {
    match pat {
        Pat::Ident(ident) if ident.by_ref.is_none() && ident.subpat.is_none() => {
            Some((ident.ident.to_string(), ident.mutability.is_some()))
        }
        Pat::Type(typed) => simple_binding(&typed.pat),
        _ => None,
    }
}

/// A `let` statement's initialiser, when it has one and no `else`.
pub fn let_init(stmt: &Stmt) -> Option<(&syn::Local, &Expr)> {
    match stmt {
        Stmt::Local(local) => match &local.init {
            Some(init) if init.diverge.is_none() => Some((local, &init.expr)),
            _ => None,
        },
        _ => None,
    }
}

/// The expression of an expression statement ending in `;`, or of `let _ = expr;`: a statement
/// that can be removed without leaving a name undefined.
pub fn removable_expr(stmt: &Stmt) -> Option<&Expr> {
    match stmt {
        Stmt::Expr(expr, Some(_)) => Some(expr),
        Stmt::Local(local) if matches!(local.pat, Pat::Wild(_)) => {
            local.init.as_ref().filter(|init| init.diverge.is_none()).map(|init| &*init.expr)
        }
        _ => None,
    }
}

/// The first line of a piece of code, for a description.
pub fn first_line(code: &str) -> String {
    let line = code.lines().next().unwrap_or_default().trim();
    if code.trim().lines().count() > 1 {
        format!("{line} ...")
    } else {
        line.to_owned()
    }
}
