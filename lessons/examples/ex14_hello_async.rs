//! The notes' asyncio "Hello World" (lesson ex14, section 3.4), both versions: the old
//! generator-based coroutine (`@asyncio.coroutine` + `yield from asyncio.sleep(1.0)`) and the
//! `async def` + `await` one collapse into the same Rust: an `async fn` that awaits a sleep.
//! `loop = asyncio.get_event_loop(); loop.run_until_complete(coro)` is building a runtime and
//! calling `block_on`. The notes' loop is endless; this one stops after three greetings.
use std::time::{Duration, Instant};

async fn hello_world(start: Instant) {
    for _ in 0..3 {
        println!("{:>4} ms  Hello World!", start.elapsed().as_millis());
        // The coroutine suspends here; the runtime's thread is free for other tasks meanwhile.
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

fn main() {
    // asyncio.get_event_loop(): a runtime on the current thread only, like asyncio's loop.
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_time().build().expect("cannot build a tokio runtime");
    let start = Instant::now();
    // Calling an async fn runs nothing yet: it only makes the future (Python: the coroutine
    // object). block_on drives it to the end (Python: loop.run_until_complete).
    let future = hello_world(start);
    println!("future created, nothing printed yet");
    runtime.block_on(future);
    // loop.close(): dropping the runtime shuts it down.
}
