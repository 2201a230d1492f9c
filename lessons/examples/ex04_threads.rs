//! Lesson ex04_pool: starting a thread and waiting for it, in the notes' two forms.
//!
//! `Thread(target=f, args=("Bob",))` becomes `thread::spawn` with a closure that owns its
//! arguments; the `PrintThread` subclass with a `run` method becomes a struct whose `run`
//! consumes it, moved into the new thread. `join` waits for the thread and hands back what it
//! returned, or the panic that ended it. Threads share the process: both see `started`.
//!
//! Run it: `cargo run -p lessons --example ex04_threads`

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

/// Counts the threads this program started: one variable, seen by every thread.
static STARTED: AtomicUsize = AtomicUsize::new(0);

fn f(name: &str) {
    STARTED.fetch_add(1, Ordering::SeqCst);
    println!("hello {name} from {:?}", thread::current().id());
}

/// The counterpart of `class PrintThread(Thread)`: the data, and a `run` that uses it.
struct PrintThread {
    name: String,
}

impl PrintThread {
    fn run(self) -> usize {
        STARTED.fetch_add(1, Ordering::SeqCst);
        println!("hello {} from thread {:?}", self.name, thread::current().name());
        self.name.len()
    }
}

fn main() {
    // Form 1: a function and its arguments. `move` gives the closure its own String.
    let name = String::from("Bob");
    let th = thread::spawn(move || f(&name));
    th.join().expect("the thread panicked");

    // Form 2: an object with a run method; Builder also names the thread.
    let job = PrintThread { name: "Mike".to_owned() };
    let th =
        thread::Builder::new().name("print-thread".to_owned()).spawn(move || job.run()).expect("starting a thread");
    let len = th.join().expect("the thread panicked");
    println!("run() returned {len}");

    // A panic ends only its own thread; join reports it to whoever waits.
    let th = thread::spawn(|| -> u32 { panic!("this thread fails on purpose") });
    match th.join() {
        Ok(v) => println!("unexpected value {v}"),
        Err(_) => println!("join: the thread panicked, the process goes on"),
    }

    println!("threads started: {}", STARTED.load(Ordering::SeqCst));
}
