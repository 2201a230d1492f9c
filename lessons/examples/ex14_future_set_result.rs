//! The notes' `asyncio.Future` example (lesson ex14, section 3.5): a coroutine `slow_operation`
//! sleeps, then sets the result of a future that the main program is waiting on — waiting on
//! the future, not on the coroutine. In tokio the one-shot value is a `oneshot` channel: the
//! sending half is `future.set_result`, awaiting the receiving half is `await future`.
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

async fn slow_operation(done: oneshot::Sender<String>) {
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Python: future.set_result("Future is done!"). send() fails only if nobody waits any more.
    if done.send("Future is done!".to_owned()).is_err() {
        println!("nobody was waiting for the result");
    }
}

#[tokio::main]
async fn main() {
    let start = Instant::now();
    let (set_result, result) = oneshot::channel::<String>();
    // Python: asyncio.ensure_future(slow_operation(future)): start it as a task of its own.
    tokio::spawn(slow_operation(set_result));
    // Python: loop.run_until_complete(future); print(future.result())
    match result.await {
        Ok(text) => println!("after {:?}: {text}", start.elapsed()),
        Err(_) => println!("the sender was dropped without a result"),
    }

    // A sender dropped without a value: the awaiting side learns it instead of hanging.
    let (set_result, result) = oneshot::channel::<String>();
    drop(set_result);
    println!("a dropped sender gives: {:?}", result.await);
}
