//! The notes' `asyncio.Task` examples (lesson ex14, section 3.5): `sleep_task(num)` prints a few
//! iterations with a sleep between them and returns `num`. Run as two tasks and waited for
//! (`create_task` + `asyncio.wait`), as one task (`run_until_complete(create_task(..))`), and
//! with `asyncio.gather(sleep_task(10), sleep_task(20))`. The iterations interleave, and the
//! elapsed time shows the tasks overlap; the last part awaits the same work one after the
//! other, for contrast.
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

async fn sleep_task(num: u32, start: Instant) -> u32 {
    for i in 0..3 {
        println!("{:>4} ms  process task: {num} iter: {i}", start.elapsed().as_millis());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    num
}

#[tokio::main]
async fn main() {
    let start = Instant::now();

    // task_list = [loop.create_task(sleep_task(i)) for i in range(2)]; asyncio.wait(task_list)
    // A JoinSet hands results back in the order the tasks FINISH, like asyncio.wait's `done`.
    let mut set = JoinSet::new();
    for i in 0..2 {
        set.spawn(sleep_task(i, start));
    }
    while let Some(done) = set.join_next().await {
        println!("{:>4} ms  a task finished: {:?}", start.elapsed().as_millis(), done.ok());
    }

    // loop.run_until_complete(loop.create_task(sleep_task(3))): spawn, then await the handle.
    let handle = tokio::spawn(sleep_task(3, Instant::now()));
    match handle.await {
        Ok(value) => println!("the single task returned {value}"),
        Err(e) => println!("the single task failed: {e}"),
    }

    // asyncio.gather(sleep_task(10), sleep_task(20)): a fixed number of futures, results in
    // the order written. join! polls both inside the current task (no new tasks).
    let t = Instant::now();
    let (a, b) = tokio::join!(sleep_task(10, t), sleep_task(20, t));
    println!("join! gave ({a}, {b}) after {:?}: the two overlapped", t.elapsed());

    // The same two, awaited one after the other: the second starts when the first is done.
    let t = Instant::now();
    let a = sleep_task(10, t).await;
    let b = sleep_task(20, t).await;
    println!("sequential awaits gave ({a}, {b}) after {:?}: twice as long", t.elapsed());
}
