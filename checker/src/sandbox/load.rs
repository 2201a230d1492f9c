//! The machine's load outside a job, measured by its supervisor.
//!
//! A timing check that finds the machine too busy to judge says "not judged". Its own measure of
//! the load (how late a sleeping thread wakes) cannot tell a busy machine from a job that keeps
//! the processors busy itself, spinning children to make the machine look busy. The supervisor
//! can: it reads the machine's busy time from /proc/stat before and after the job, and
//! subtracts the time of every process of the job, all of which it reaps in the end (as process
//! 1 of the job's PID namespace, or as the job's subreaper), so that their time is in its
//! children's account. What is left is the time others used the processors, out of the job's
//! reach.

use std::time::Duration;

/// The machine's processors' busy time so far, and the time the supervisor and its reaped
/// children used, at one moment.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot {
    machine_busy: Duration,
    ours: Duration,
    /// The processors /proc/stat counts (all of the machine's, whatever this process may use).
    processors: usize,
}

impl Snapshot {
    /// Now; `None` when /proc/stat cannot be read.
    pub fn take() -> Option<Snapshot> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        // SAFETY: sysconf has no preconditions.
        let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
        let machine_busy = busy_ticks(&stat)?;
        let processors = stat.lines().filter(|l| l.starts_with("cpu") && !l.starts_with("cpu ")).count().max(1);
        Some(Snapshot {
            machine_busy: ticks_to_duration(machine_busy, ticks),
            ours: own_and_reaped_children(),
            processors,
        })
    }

    /// The share of the machine's processors (0 to 1) that processes other than the supervisor
    /// and its reaped children used between `self` and `later`, `wall` apart.
    pub fn outside_share(&self, later: &Snapshot, wall: Duration) -> f64 {
        let busy = later.machine_busy.saturating_sub(self.machine_busy);
        let ours = later.ours.saturating_sub(self.ours);
        let capacity = wall.as_secs_f64() * self.processors as f64;
        if capacity <= 0.0 {
            return 0.0;
        }
        (busy.saturating_sub(ours).as_secs_f64() / capacity).clamp(0.0, 1.0)
    }
}

/// The busy ticks of all processors: every column of the `cpu` line but idle and iowait.
/// (guest and guest_nice are already counted in user and nice.)
fn busy_ticks(stat: &str) -> Option<u64> {
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let fields: Vec<u64> = line.split_whitespace().skip(1).filter_map(|f| f.parse().ok()).collect();
    if fields.len() < 4 {
        return None;
    }
    let (idle, iowait) = (fields[3], fields.get(4).copied().unwrap_or(0));
    let counted = fields.iter().take(8).sum::<u64>();
    Some(counted - idle - iowait)
}

fn ticks_to_duration(count: u64, per_second: u64) -> Duration {
    Duration::from_secs(count / per_second) + Duration::from_nanos((count % per_second) * 1_000_000_000 / per_second)
}

/// User and system time of this process and of its children that ended and were reaped.
fn own_and_reaped_children() -> Duration {
    let of = |who| {
        // SAFETY: getrusage fills the struct we pass.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        unsafe { libc::getrusage(who, &mut usage) };
        let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
        time(usage.ru_utime) + time(usage.ru_stime)
    };
    of(libc::RUSAGE_SELF) + of(libc::RUSAGE_CHILDREN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_ticks_leave_out_idle_and_iowait() {
        let stat = "cpu  100 5 50 1000 20 3 2 0 0 0\ncpu0 50 2 25 500 10 1 1 0 0 0\n";
        assert_eq!(busy_ticks(stat), Some(100 + 5 + 50 + 3 + 2));
        assert_eq!(busy_ticks("intr 1 2 3\n"), None);
    }

    #[test]
    fn the_outside_share_subtracts_our_own_time() {
        let cores = 2;
        let before = Snapshot { machine_busy: Duration::from_secs(10), ours: Duration::from_secs(1), processors: 2 };
        // Over 2 s the machine was busy for 1 s per processor, half of it ours.
        let later = Snapshot {
            machine_busy: Duration::from_secs(10 + cores),
            ours: Duration::from_secs(1) + Duration::from_millis(500 * cores),
            processors: 2,
        };
        let share = before.outside_share(&later, Duration::from_secs(2));
        assert!((share - 0.25).abs() < 1e-9, "{share}");
        // Time of ours beyond the machine's busy time (tick rounding) is no negative load.
        let later = Snapshot { machine_busy: Duration::from_secs(10), ours: Duration::from_secs(3), processors: 2 };
        assert_eq!(before.outside_share(&later, Duration::from_secs(2)), 0.0);
    }

    #[test]
    fn the_machine_reads_as_a_snapshot() {
        let snapshot = Snapshot::take().expect("/proc/stat");
        assert!(snapshot.machine_busy > Duration::ZERO && snapshot.processors >= 1);
    }
}
