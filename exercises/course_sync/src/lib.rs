//! The course's synchronisation primitives.
//!
//! Exercises that teach locking import `Mutex`, `Condvar`, `RwLock` and `thread` from here
//! instead of `std`: the same names and methods as `std::sync` and `std::thread` (a subset of
//! them), with `std`'s behaviour. The hidden checks can also have them record who holds and
//! waits for each lock ([`check::record`]), and, in their own build (feature `checker`), run the
//! code under a schedule-exploring model checker (shuttle).
//!
//! The student's build and the checks' build are one source, so code that builds for one builds
//! for the other. One difference from `std` shows at compile time: `Mutex::new`, `RwLock::new`
//! and `Condvar::new` are not `const fn` (each lock chooses how to behave when it is made), so a
//! `static` of one builds only inside `std::sync::LazyLock`; a counter can use an atomic from
//! [`atomic`] instead.
//!
//! ```compile_fail,E0015
//! static NEXT_ID: course_sync::Mutex<u64> = course_sync::Mutex::new(0);
//! ```
//!
//! ```
//! use std::sync::atomic::{AtomicU64, Ordering};
//! use std::sync::LazyLock;
//!
//! static NEXT_ID: AtomicU64 = AtomicU64::new(0);
//! static LOG: LazyLock<course_sync::Mutex<Vec<u64>>> =
//!     LazyLock::new(|| course_sync::Mutex::new(Vec::new()));
//!
//! let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
//! LOG.lock().unwrap().push(id);
//! assert_eq!(*LOG.lock().unwrap(), [0]);
//! ```

mod checked;
pub use checked::*;

pub use std::sync::{atomic, Arc};
