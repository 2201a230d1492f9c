//! Iterators as generators (lesson ex13, sections 3.2 and 3.3): a producer and two stages
//! written as structs with `Iterator` impls — the generator's local variables become fields,
//! each `yield` becomes `return Some(..)` — plus the same ideas with std's adapters. The
//! printed trace shows that the pipeline is lazy: a line is read only when the consumer asks
//! for the next item, and an endless source is fine as long as the consumer stops.
use std::collections::HashSet;
use std::io::{BufRead, Cursor};

/// Python: `def words(lines): for line in lines: for w in line.split(): yield w`
struct Words<R> {
    reader: R,
    line_no: usize,
    pending: Vec<String>, // words of the current line not yet handed out (reversed)
}

impl<R: BufRead> Iterator for Words<R> {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        loop {
            if let Some(word) = self.pending.pop() {
                return Some(word); // the `yield`
            }
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) | Err(_) => return None, // the generator returns: iteration ends
                Ok(_) => {
                    self.line_no += 1;
                    println!("    [words] read line {}", self.line_no);
                    self.pending = line.split_whitespace().rev().map(str::to_owned).collect();
                }
            }
        }
    }
}

/// Python: `def first_seen(words): seen = set(); for w in words: if w not in seen: seen.add(w); yield w`
struct FirstSeen<I> {
    words: I,
    seen: HashSet<String>,
}

impl<I: Iterator<Item = String>> Iterator for FirstSeen<I> {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        // Ask the stage before for as many items as this ONE output needs, no more.
        loop {
            let word = self.words.next()?;
            if self.seen.insert(word.clone()) {
                return Some(word);
            }
        }
    }
}

fn main() {
    let text = "the cat sat\non the mat\nthe end\nnever read\n";
    let words = Words { reader: Cursor::new(text), line_no: 0, pending: Vec::new() };
    let mut unique = FirstSeen { words, seen: HashSet::new() };
    println!("pipeline built; nothing read yet");
    // Take only five items: lines 3 and 4 are never read.
    for _ in 0..5 {
        match unique.next() {
            Some(word) => println!("consumer got {word:?}"),
            None => break,
        }
    }

    // The same laziness with std's adapters and a closure-generator (std::iter::from_fn).
    let mut a: u64 = 0;
    let mut b: u64 = 1;
    let fibonacci = std::iter::from_fn(move || {
        let out = a;
        (a, b) = (b, a + b);
        Some(out) // endless: never None
    });
    let evens: Vec<u64> = fibonacci.filter(|n| n % 2 == 0).take(6).collect();
    println!("first even Fibonacci numbers of an endless source: {evens:?}");
}
