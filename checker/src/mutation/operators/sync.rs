//! Mistakes with locks, condition variables, atomics and wakers.

use super::walk::{
    acquires_lock, collect, exprs_in, first_line, indentation, let_init, mentions, range, simple_binding, text,
};
use super::Edit;
use syn::visit::{self, Visit};
use syn::{Expr, Stmt};

/// `notify_all()` (or tokio's `notify_waiters()`) becomes `notify_one()`: the other waiters
/// sleep on.
pub fn notify_all_to_one(file: &syn::File, _source: &str) -> Vec<Edit> {
    collect(file)
        .exprs
        .into_iter()
        .filter_map(|expr| match expr {
            Expr::MethodCall(call) if call.method == "notify_all" || call.method == "notify_waiters" => Some(Edit {
                operator: "notify_one",
                range: range(&call.method),
                replacement: "notify_one".into(),
                description: format!("`{}()` → `notify_one()`", call.method),
            }),
            _ => None,
        })
        .collect()
}

/// A `while` loop around a condition variable's `.wait(...)` becomes an `if`: a spurious (or
/// stolen) wake-up goes unnoticed. Loops with a label, or whose body breaks or continues the
/// loop itself, are left alone (as an `if` they would not compile).
pub fn while_wait_to_if(file: &syn::File, _source: &str) -> Vec<Edit> {
    collect(file)
        .exprs
        .into_iter()
        .filter_map(|expr| match expr {
            Expr::While(looped)
                if looped.label.is_none()
                    && exprs_in(expr)
                        .iter()
                        .any(|e| matches!(e, Expr::MethodCall(c) if c.method.to_string().starts_with("wait")))
                    && !controls_its_loop(&looped.body) =>
            {
                Some(Edit {
                    operator: "while_to_if",
                    range: range(&looped.while_token),
                    replacement: "if".into(),
                    description: "`while` → `if` around a condition variable's wait".into(),
                })
            }
            _ => None,
        })
        .collect()
}

/// `wait_while(guard, condition)` checks its condition only once, as an `if` around a single
/// `wait` would: the first wake-up ends the wait whether or not the condition holds. (The
/// predicate is wrapped in a function that answers as given the first time and `false` after;
/// a function item fixes the closure's argument type, which a `let` would not.)
pub fn wait_while_once(file: &syn::File, source: &str) -> Vec<Edit> {
    collect(file)
        .exprs
        .into_iter()
        .filter_map(|expr| match expr {
            Expr::MethodCall(call) if call.method == "wait_while" && call.args.len() == 2 => {
                let (guard, condition) = (text(source, &call.args[0]), text(source, &call.args[1]));
                let receiver = text(source, &*call.receiver);
                Some(Edit {
                    operator: "wait_once",
                    range: range(expr),
                    replacement: format!(
                        "{{ let mutant_guard = {guard}; \
                         fn mutant_once<G: std::ops::DerefMut<Target = T>, T>(_: &G, mut condition: impl FnMut(&mut T) -> bool) -> impl FnMut(&mut T) -> bool {{ \
                         let mut first = true; move |s| std::mem::take(&mut first) && condition(s) }} \
                         let mutant_condition = mutant_once(&mutant_guard, {condition}); \
                         {receiver}.wait_while(mutant_guard, mutant_condition) }}"
                    ),
                    description: "`wait_while` checks its condition once (an `if`, not a loop, around the wait)".into(),
                })
            }
            _ => None,
        })
        .collect()
}

/// Whether a loop body has a `break` or `continue` of its own loop (not of a nested loop or
/// closure).
fn controls_its_loop(body: &syn::Block) -> bool {
    struct Finder(bool);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_expr(&mut self, expr: &'ast Expr) {
            match expr {
                Expr::Break(b) if b.label.is_none() => self.0 = true,
                Expr::Continue(c) if c.label.is_none() => self.0 = true,
                Expr::ForLoop(_) | Expr::While(_) | Expr::Loop(_) | Expr::Closure(_) | Expr::Async(_) => {}
                _ => visit::visit_expr(self, expr),
            }
        }
    }
    let mut finder = Finder(false);
    finder.visit_block(body);
    finder.0
}

/// A guard dropped right after it is taken: `let g = m.lock().unwrap(); drop(g);`. The code
/// after it runs outside the critical section. Only guards that are not used afterwards (a
/// `Mutex<()>` protecting a region, a "global lock") can be dropped early and still compile; a
/// later `drop(g);` of the same guard is removed with it.
pub fn guard_dropped_before_use(file: &syn::File, source: &str) -> Vec<Edit> {
    let mut edits = Vec::new();
    for block in collect(file).blocks {
        for (i, stmt) in block.stmts.iter().enumerate() {
            let Some((local, init)) = let_init(stmt) else { continue };
            let Some((name, _)) = simple_binding(&local.pat) else { continue };
            if !acquires_lock(init) {
                continue;
            }
            let later: Vec<&Stmt> = block.stmts[i + 1..].iter().filter(|s| mentions(*s, &name)).collect();
            if !later.iter().all(|s| is_drop_of(s, &name)) {
                continue;
            }
            // One edit from the `let` to the last later `drop`, so the later drops go too.
            let start = range(stmt).end;
            let end = later.last().map_or(start, |s| range(*s).end);
            let mut replacement = format!(" drop({name});");
            let mut cursor = start;
            for drop_stmt in &later {
                let r = range(*drop_stmt);
                replacement.push_str(&source[cursor..r.start]);
                cursor = r.end;
            }
            edits.push(Edit {
                operator: "guard_dropped",
                range: start..end,
                replacement,
                description: format!("guard `{name}` dropped right after `{}`", first_line(text(source, stmt))),
            });
        }
    }
    edits
}

/// Whether `stmt` is `drop(name);`.
fn is_drop_of(stmt: &Stmt, name: &str) -> bool {
    match stmt {
        Stmt::Expr(Expr::Call(call), Some(_)) => {
            matches!(&*call.func, Expr::Path(p) if p.path.is_ident("drop"))
                && call.args.len() == 1
                && matches!(&call.args[0], Expr::Path(p) if p.path.is_ident(name))
        }
        _ => false,
    }
}

/// Two locks taken one after the other are taken in the opposite order: two consecutive
/// `let a = x.lock()..; let b = y.lock()..;` are swapped (when the second does not use the
/// first), and a pair `(x.lock().., y.lock()..)` takes `y` first.
pub fn lock_order_swapped(file: &syn::File, source: &str) -> Vec<Edit> {
    let collected = collect(file);
    let mut edits = Vec::new();
    for block in &collected.blocks {
        for pair in block.stmts.windows(2) {
            let (Some((first, first_init)), Some((_, second_init))) = (let_init(&pair[0]), let_init(&pair[1])) else {
                continue;
            };
            if !acquires_lock(first_init) || !acquires_lock(second_init) {
                continue;
            }
            let bound = pattern_names(&first.pat);
            if bound.iter().any(|name| mentions(second_init, name)) {
                continue;
            }
            let (a, b) = (range(&pair[0]), range(&pair[1]));
            edits.push(Edit {
                operator: "locks_swapped",
                range: a.start..b.end,
                replacement: format!("{}{}{}", &source[b.clone()], &source[a.end..b.start], &source[a.clone()]),
                description: format!(
                    "`{}` and `{}` taken in the opposite order",
                    text(source, first_init),
                    text(source, second_init)
                ),
            });
        }
    }
    for expr in &collected.exprs {
        if let Expr::Tuple(tuple) = expr {
            if tuple.elems.len() == 2 && tuple.elems.iter().all(acquires_lock) {
                let (first, second) = (text(source, &tuple.elems[0]), text(source, &tuple.elems[1]));
                edits.push(Edit {
                    operator: "locks_swapped",
                    range: range(*expr),
                    replacement: format!("{{ let second = {second}; let first = {first}; (first, second) }}"),
                    description: format!("`{first}` and `{second}` taken in the opposite order"),
                });
            }
        }
    }
    edits
}

/// The names a pattern binds.
fn pattern_names(pat: &syn::Pat) -> Vec<String> {
    struct Names(Vec<String>);
    impl<'ast> Visit<'ast> for Names {
        fn visit_pat_ident(&mut self, node: &'ast syn::PatIdent) {
            self.0.push(node.ident.to_string());
            visit::visit_pat_ident(self, node);
        }
    }
    let mut names = Names(Vec::new());
    names.visit_pat(pat);
    names.0
}

/// One critical section split in two: after the first statement that uses a guard, the guard
/// is dropped and the lock taken again, so another thread can run between two steps that had
/// to happen together (check-then-act, read-modify-write).
pub fn critical_section_split(file: &syn::File, source: &str) -> Vec<Edit> {
    let mut edits = Vec::new();
    for block in collect(file).blocks {
        for (i, stmt) in block.stmts.iter().enumerate() {
            let Some((local, init)) = let_init(stmt) else { continue };
            let Some((name, mutable)) = simple_binding(&local.pat) else { continue };
            if !acquires_lock(init) {
                continue;
            }
            let mut uses = block.stmts[i + 1..].iter().filter(|s| mentions(*s, &name));
            let (Some(first_use), Some(_)) = (uses.next(), uses.next()) else { continue };
            let at = range(first_use).end;
            let indent = indentation(source, range(first_use).start);
            let mutability = if mutable { "mut " } else { "" };
            edits.push(Edit {
                operator: "section_split",
                range: at..at,
                replacement: format!(
                    "\n{indent}drop({name});\n{indent}let {mutability}{name} = {};",
                    text(source, init)
                ),
                description: format!(
                    "critical section of `{name}` split: the lock is released and taken again after `{}`",
                    first_line(text(source, first_use))
                ),
            });
        }
    }
    edits
}

/// An atomic ordering (`SeqCst`, `AcqRel`, `Acquire`, `Release`) weakened to `Relaxed`: the
/// accesses around it may be reordered. Orderings given to a `fence` are left alone (a relaxed
/// fence panics, which any test notices).
pub fn ordering_relaxed(file: &syn::File, _source: &str) -> Vec<Edit> {
    let exprs = collect(file).exprs;
    let fences: Vec<std::ops::Range<usize>> = exprs
        .iter()
        .filter_map(|expr| match expr {
            Expr::Call(call) if matches!(&*call.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident.to_string().ends_with("fence"))) => {
                Some(range(*expr))
            }
            _ => None,
        })
        .collect();
    exprs
        .into_iter()
        .filter_map(|expr| {
            let Expr::Path(path) = expr else { return None };
            let segments = &path.path.segments;
            let last = segments.last()?;
            let ordering = last.ident.to_string();
            if !["SeqCst", "AcqRel", "Acquire", "Release"].contains(&ordering.as_str()) {
                return None;
            }
            let qualified = segments.len() >= 2 && segments[segments.len() - 2].ident == "Ordering";
            if segments.len() >= 2 && !qualified {
                return None;
            }
            let here = range(expr);
            if fences.iter().any(|fence| fence.start <= here.start && here.end <= fence.end) {
                return None;
            }
            Some(if qualified {
                Edit {
                    operator: "relaxed",
                    range: range(&last.ident),
                    replacement: "Relaxed".into(),
                    description: format!("`Ordering::{ordering}` → `Ordering::Relaxed`"),
                }
            } else {
                // A bare `SeqCst` was imported by name; `Relaxed` may not be.
                Edit {
                    operator: "relaxed",
                    range: here,
                    replacement: "std::sync::atomic::Ordering::Relaxed".into(),
                    description: format!("`{ordering}` → `Ordering::Relaxed`"),
                }
            })
        })
        .collect()
}

/// A future stores its waker only the first time it is polled: `slot = Some(cx.waker().clone())`
/// becomes `if (slot).is_none() { slot = Some(...) }` (and `.replace(waker)` likewise; a
/// `.push(waker)` happens only while the list is empty). When the future moves to another task
/// or executor thread, the stale waker wakes the wrong one, and the future is never polled again.
pub fn waker_stored_once(file: &syn::File, source: &str) -> Vec<Edit> {
    let mut edits = Vec::new();
    for block in collect(file).blocks {
        for stmt in &block.stmts {
            let Stmt::Expr(expr, Some(_)) = stmt else { continue };
            let guard = match expr {
                Expr::Assign(assign) if is_some_call(&assign.right) && uses_a_waker(&assign.right) => {
                    format!("({}).is_none()", text(source, &*assign.left))
                }
                Expr::MethodCall(call)
                    if (call.method == "replace" || call.method == "insert")
                        && call.args.len() == 1
                        && uses_a_waker(&call.args[0]) =>
                {
                    format!("{}.is_none()", text(source, &*call.receiver))
                }
                Expr::MethodCall(call)
                    if call.method == "push" && call.args.len() == 1 && uses_a_waker(&call.args[0]) =>
                {
                    format!("{}.is_empty()", text(source, &*call.receiver))
                }
                _ => continue,
            };
            let statement = text(source, stmt);
            edits.push(Edit {
                operator: "waker_once",
                range: range(stmt),
                replacement: format!("if {guard} {{ {statement} }}"),
                description: format!("the waker is stored only once: `{}` only if `{guard}`", first_line(statement)),
            });
        }
    }
    edits
}

fn is_some_call(expr: &Expr) -> bool {
    matches!(expr, Expr::Call(call) if matches!(&*call.func, Expr::Path(p) if p.path.is_ident("Some")))
}

/// Whether an expression calls `.waker()` (as in `cx.waker().clone()`).
fn uses_a_waker(expr: &Expr) -> bool {
    exprs_in(expr).iter().any(|e| matches!(e, Expr::MethodCall(call) if call.method == "waker" && call.args.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mutation::operators::testing::{mutate, squash};

    #[test]
    fn notify_all_becomes_notify_one() {
        let out = mutate(notify_all_to_one, "fn f() { cv.notify_all(); n.notify_waiters(); cv.notify_one(); }");
        assert_eq!(
            out,
            [
                "fn f() { cv.notify_one(); n.notify_waiters(); cv.notify_one(); }",
                "fn f() { cv.notify_all(); n.notify_one(); cv.notify_one(); }"
            ]
        );
    }

    #[test]
    fn a_wait_loop_becomes_an_if() {
        let source = "fn f() { while q.is_empty() { q = cv.wait(q).unwrap(); } while x { y(); } }";
        let out = mutate(while_wait_to_if, source);
        assert_eq!(out, ["fn f() { if q.is_empty() { q = cv.wait(q).unwrap(); } while x { y(); } }"]);
        // A loop that breaks out of itself would not compile as an `if`.
        assert!(mutate(while_wait_to_if, "fn f() { while a { if b { break; } g = cv.wait(g).unwrap(); } }").is_empty());
        assert!(mutate(while_wait_to_if, "fn f() { 'l: while a { g = cv.wait(g).unwrap(); } }").is_empty());
    }

    #[test]
    fn wait_while_checks_its_condition_once() {
        let source = "fn f() { let g = cv.wait_while(g, |s| s.busy).unwrap(); }";
        let out = mutate(wait_while_once, source);
        assert_eq!(out.len(), 1);
        assert!(out[0].starts_with("fn f() { let g = { let mutant_guard = g; fn mutant_once"), "{}", out[0]);
        assert!(
            out[0].ends_with("let mutant_condition = mutant_once(&mutant_guard, |s| s.busy); cv.wait_while(mutant_guard, mutant_condition) }.unwrap(); }"),
            "{}",
            out[0]
        );
    }

    #[test]
    fn an_unused_guard_is_dropped_at_once() {
        let source = "fn f() { let _gil = GIL.lock().unwrap(); work(); drop(_gil); }";
        let out = mutate(guard_dropped_before_use, source);
        assert_eq!(out.len(), 1);
        assert_eq!(squash(&out[0]), "fn f() { let _gil = GIL.lock().unwrap(); drop(_gil); work(); }");
        // A guard whose data is used cannot be dropped early (it would not compile).
        assert!(mutate(guard_dropped_before_use, "fn f() { let mut q = m.lock().unwrap(); q.push(1); }").is_empty());
    }

    #[test]
    fn two_locks_are_taken_in_the_opposite_order() {
        let source = "fn f() { let a = x.lock().unwrap(); let b = y.lock().unwrap(); t(a, b); }";
        let out = mutate(lock_order_swapped, source);
        assert_eq!(out, ["fn f() { let b = y.lock().unwrap(); let a = x.lock().unwrap(); t(a, b); }"]);
        let pair = mutate(lock_order_swapped, "fn f() { let (a, b) = (x.lock(), y.lock()); }");
        assert_eq!(pair, ["fn f() { let (a, b) = { let second = y.lock(); let first = x.lock(); (first, second) }; }"]);
        // The second lock is found through the first guard: no swap.
        assert!(mutate(lock_order_swapped, "fn f() { let a = x.lock(); let b = a.inner.lock(); }").is_empty());
    }

    #[test]
    fn a_critical_section_is_split_after_its_first_step() {
        let source = "fn f() {\n    let mut g = m.lock().unwrap();\n    let v = g.len();\n    g.push(v);\n}\n";
        let out = mutate(critical_section_split, source);
        assert_eq!(
            out,
            ["fn f() {\n    let mut g = m.lock().unwrap();\n    let v = g.len();\n    drop(g);\n    let mut g = m.lock().unwrap();\n    g.push(v);\n}\n"]
        );
        // A guard used once has one step: nothing to split.
        assert!(mutate(critical_section_split, "fn f() { let mut g = m.lock().unwrap(); g.push(1); }").is_empty());
    }

    #[test]
    fn strong_orderings_become_relaxed_but_fences_stay() {
        let source = "fn f() { a.store(1, Ordering::Release); a.load(SeqCst); fence(Ordering::SeqCst); a.load(Ordering::Relaxed); }";
        let out = mutate(ordering_relaxed, source);
        assert_eq!(
            out,
            [
                "fn f() { a.store(1, Ordering::Relaxed); a.load(SeqCst); fence(Ordering::SeqCst); a.load(Ordering::Relaxed); }",
                "fn f() { a.store(1, Ordering::Release); a.load(std::sync::atomic::Ordering::Relaxed); fence(Ordering::SeqCst); a.load(Ordering::Relaxed); }"
            ]
        );
    }

    #[test]
    fn a_waker_is_stored_only_once() {
        let source = "fn poll() { *slot = Some(cx.waker().clone()); s.wakers.push(cx.waker().clone()); x = Some(1); }";
        let out = mutate(waker_stored_once, source);
        assert_eq!(
            out,
            [
                "fn poll() { if (*slot).is_none() { *slot = Some(cx.waker().clone()); } s.wakers.push(cx.waker().clone()); x = Some(1); }",
                "fn poll() { *slot = Some(cx.waker().clone()); if s.wakers.is_empty() { s.wakers.push(cx.waker().clone()); } x = Some(1); }"
            ]
        );
    }
}
