//! A first thread: spawn it, let it print, and join it (lesson ex03).
use std::thread;

fn main() {
    let worker = thread::spawn(|| {
        println!("hello from {:?}", thread::current().id());
        42
    });
    let answer = worker.join().expect("the worker panicked");
    println!("the worker returned {answer}");
}
