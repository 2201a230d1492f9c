//! Mistakes with sockets and files, timeouts, joining threads and processes, and sleeping.

use super::walk::{chain, collect, first_line, range, removable_expr, text};
use super::Edit;
use syn::Expr;

/// `write_all(buf)` becomes `write(buf)`: a short write loses the rest of the buffer.
pub fn write_all_to_write(file: &syn::File, _source: &str) -> Vec<Edit> {
    rename_method(file, "write_all", "write", "write")
}

/// `read_exact(buf)` becomes `read(buf)`: a short read leaves the rest of the buffer unfilled.
pub fn read_exact_to_read(file: &syn::File, _source: &str) -> Vec<Edit> {
    rename_method(file, "read_exact", "read", "read")
}

fn rename_method(file: &syn::File, from: &str, to: &str, operator: &'static str) -> Vec<Edit> {
    collect(file)
        .exprs
        .into_iter()
        .filter_map(|expr| match expr {
            Expr::MethodCall(call) if call.method == from => Some(Edit {
                operator,
                range: range(&call.method),
                replacement: to.into(),
                description: format!("`{from}` → `{to}`"),
            }),
            _ => None,
        })
        .collect()
}

/// A `set_read_timeout(...)` or `set_write_timeout(...)` statement removed: a silent peer blocks
/// the thread for ever.
pub fn timeout_removed(file: &syn::File, source: &str) -> Vec<Edit> {
    removed_statements(file, source, "timeout_removed", |expr| {
        chain(expr).0.iter().any(|call| call.method == "set_read_timeout" || call.method == "set_write_timeout")
    })
}

/// A `.join()` (of a thread) or `waitpid(...)` statement removed: the program goes on without
/// waiting, leaving a thread running or a zombie process.
pub fn join_removed(file: &syn::File, source: &str) -> Vec<Edit> {
    removed_statements(file, source, "join_removed", |expr| {
        let (calls, start) = chain(expr);
        let joins = calls.iter().any(|call| call.method == "join" && call.args.is_empty());
        let waits = matches!(start, Expr::Call(call)
            if matches!(&*call.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "waitpid")));
        joins || waits
    })
}

/// Every statement (`expr;` or `let _ = expr;`) whose expression `matches`, removed.
fn removed_statements(
    file: &syn::File,
    source: &str,
    operator: &'static str,
    matches: impl Fn(&Expr) -> bool,
) -> Vec<Edit> {
    let mut edits = Vec::new();
    for block in collect(file).blocks {
        for stmt in &block.stmts {
            if removable_expr(stmt).is_some_and(&matches) {
                edits.push(Edit {
                    operator,
                    range: range(stmt),
                    replacement: String::new(),
                    description: format!("`{}` removed", first_line(text(source, stmt))),
                });
            }
        }
    }
    edits
}

/// `tokio::time::sleep(d).await` becomes `std::thread::sleep(d)`: the sleep blocks the executor's
/// thread, and every other task on it waits too.
pub fn async_sleep_blocks(file: &syn::File, source: &str) -> Vec<Edit> {
    collect(file)
        .exprs
        .into_iter()
        .filter_map(|expr| {
            let Expr::Await(awaited) = expr else { return None };
            let Expr::Call(call) = &*awaited.base else { return None };
            let Expr::Path(path) = &*call.func else { return None };
            let segments: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
            let is_async_sleep = segments.last().is_some_and(|s| s == "sleep")
                && (segments.len() == 1 || segments.iter().any(|s| s == "tokio" || s == "time"));
            if !is_async_sleep || call.args.len() != 1 || segments.iter().any(|s| s == "thread") {
                return None;
            }
            let duration = text(source, &call.args[0]);
            Some(Edit {
                operator: "blocking_sleep",
                range: range(expr),
                replacement: format!("std::thread::sleep({duration})"),
                description: format!("`{}` → `std::thread::sleep({duration})`", text(source, expr)),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mutation::operators::testing::{mutate, squash};

    #[test]
    fn write_all_becomes_write() {
        let out = mutate(write_all_to_write, "fn f() { s.write_all(b)?; s.write(b)?; }");
        assert_eq!(out, ["fn f() { s.write(b)?; s.write(b)?; }"]);
    }

    #[test]
    fn read_exact_becomes_read() {
        let out = mutate(read_exact_to_read, "async fn f() { s.read_exact(&mut b).await?; }");
        assert_eq!(out, ["async fn f() { s.read(&mut b).await?; }"]);
    }

    #[test]
    fn socket_timeouts_are_removed() {
        let source = "fn f() { s.set_read_timeout(Some(t))?; let _ = s.set_write_timeout(Some(t)); s.read(b)?; }";
        let out: Vec<String> = mutate(timeout_removed, source).iter().map(|t| squash(t)).collect();
        assert_eq!(
            out,
            [
                "fn f() { let _ = s.set_write_timeout(Some(t)); s.read(b)?; }",
                "fn f() { s.set_read_timeout(Some(t))?; s.read(b)?; }"
            ]
        );
    }

    #[test]
    fn joins_and_waitpids_are_removed_but_not_used_results() {
        let source =
            "fn f() { h.join().unwrap(); nix::sys::wait::waitpid(pid, None)?; let r = g.join(); p.join(\"x\"); }";
        let out: Vec<String> = mutate(join_removed, source).iter().map(|t| squash(t)).collect();
        assert_eq!(
            out,
            [
                "fn f() { nix::sys::wait::waitpid(pid, None)?; let r = g.join(); p.join(\"x\"); }",
                "fn f() { h.join().unwrap(); let r = g.join(); p.join(\"x\"); }"
            ]
        );
    }

    #[test]
    fn an_async_sleep_blocks_the_thread() {
        let source =
            "async fn f() { tokio::time::sleep(d).await; sleep(Duration::from_millis(5)).await; other(d).await; }";
        let out = mutate(async_sleep_blocks, source);
        assert_eq!(
            out,
            [
                "async fn f() { std::thread::sleep(d); sleep(Duration::from_millis(5)).await; other(d).await; }",
                "async fn f() { tokio::time::sleep(d).await; std::thread::sleep(Duration::from_millis(5)); other(d).await; }"
            ]
        );
    }
}
