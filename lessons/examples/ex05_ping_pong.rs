//! Lesson ex05_queue: two condition variables over one mutex, each for one kind of waiter.
//!
//! The notes build a queue from one lock and two `threading.Condition`s sharing it. The
//! exercise asks for that very queue, so this example uses the same pattern on another
//! problem: two threads take turns, "ping" then "pong", five times each. One `Mutex` guards
//! whose turn it is; the ping thread sleeps on one `Condvar`, the pong thread on the other.
//! The rules are the lesson's: look at the state only under the lock, wait in a loop that
//! re-checks it, and notify after every change someone may wait for.
//!
//! Run it: `cargo run -p lessons --example ex05_ping_pong`

use std::sync::{Condvar, Mutex};
use std::thread;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Turn {
    Ping,
    Pong,
}

struct Table {
    turn: Mutex<Turn>,
    ping_may_go: Condvar,
    pong_may_go: Condvar,
}

impl Table {
    /// Waits (asleep, no CPU) until it is `me`'s turn, hits, and hands the turn over.
    fn play(&self, me: Turn, round: u32) {
        let (my_cv, other, other_cv) = match me {
            Turn::Ping => (&self.ping_may_go, Turn::Pong, &self.pong_may_go),
            Turn::Pong => (&self.pong_may_go, Turn::Ping, &self.ping_may_go),
        };
        let mut turn = self.turn.lock().expect("the other player panicked");
        // A loop, not an `if`: a thread may wake up without having been notified (a spurious
        // wake-up), so the condition is checked again every time. wait() releases the mutex
        // while asleep and takes it back before returning.
        while *turn != me {
            turn = my_cv.wait(turn).expect("the other player panicked");
        }
        println!("{me:?} {round}");
        *turn = other;
        // The change the other player is waiting for: tell it, on its own Condvar.
        other_cv.notify_one();
    }
}

fn main() {
    let table = Table { turn: Mutex::new(Turn::Ping), ping_may_go: Condvar::new(), pong_may_go: Condvar::new() };
    thread::scope(|s| {
        s.spawn(|| (1..=5).for_each(|round| table.play(Turn::Pong, round)));
        s.spawn(|| (1..=5).for_each(|round| table.play(Turn::Ping, round)));
    });
    let last = *table.turn.lock().expect("no thread panicked");
    println!("done; the next turn would be {last:?}");
}
