//! Reading the process tree from `/proc`: who is whose child, in which state, using how much CPU.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs;

/// A process as the reports name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessInfo {
    pub pid: u32,
    pub ppid: u32,
    /// The command name (`/proc/PID/comm`).
    pub name: String,
    /// The command line, when the kernel still shows one.
    pub cmdline: String,
    /// One-letter state: R running, S sleeping, D disk wait, T stopped, Z zombie.
    pub state: char,
}

/// The parsed `/proc/PID/stat` (or `/proc/PID/task/TID/stat`) fields the supervisor needs.
#[derive(Debug, Clone)]
pub struct Stat {
    pub pid: u32,
    pub name: String,
    pub state: char,
    pub ppid: u32,
    /// User plus system time, in clock ticks.
    pub cpu_ticks: u64,
}

pub fn stat_at(path: &str) -> Option<Stat> {
    let text = fs::read_to_string(path).ok()?;
    let open = text.find('(')?;
    // The name may contain ')' itself: the last one closes it.
    let close = text.rfind(')')?;
    let pid = text[..open].trim().parse().ok()?;
    let name = text[open + 1..close].to_owned();
    let fields: Vec<&str> = text[close + 1..].split_whitespace().collect();
    // Field numbers in proc(5) start at 1 with pid and comm, so field N is fields[N - 3].
    let num = |n: usize| fields.get(n - 3).and_then(|f| f.parse::<u64>().ok());
    Some(Stat {
        pid,
        name,
        state: fields.first()?.chars().next()?,
        ppid: num(4)? as u32,
        cpu_ticks: num(14)? + num(15)?,
    })
}

pub fn stat(pid: u32) -> Option<Stat> {
    stat_at(&format!("/proc/{pid}/stat"))
}

/// Every process on the system.
pub fn all() -> Vec<Stat> {
    numeric_entries("/proc").into_iter().filter_map(stat).collect()
}

/// Every descendant of `root` (not `root` itself), parents before children.
pub fn descendants(root: u32) -> Vec<Stat> {
    let mut by_parent: HashMap<u32, Vec<Stat>> = HashMap::new();
    for process in all() {
        by_parent.entry(process.ppid).or_default().push(process);
    }
    let mut out = Vec::new();
    let mut frontier = vec![root];
    while let Some(pid) = frontier.pop() {
        for child in by_parent.remove(&pid).unwrap_or_default() {
            frontier.push(child.pid);
            out.push(child);
        }
    }
    out
}

/// The thread IDs of `pid`.
pub fn threads(pid: u32) -> Vec<u32> {
    numeric_entries(&format!("/proc/{pid}/task"))
}

/// What the reports say about `stat`'s process.
pub fn info(stat: &Stat) -> ProcessInfo {
    let cmdline = fs::read(format!("/proc/{}/cmdline", stat.pid))
        .map(|raw| {
            let parts: Vec<String> = raw
                .split(|b| *b == 0)
                .filter(|p| !p.is_empty())
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect();
            parts.join(" ")
        })
        .unwrap_or_default();
    ProcessInfo { pid: stat.pid, ppid: stat.ppid, name: stat.name.clone(), cmdline, state: stat.state }
}

pub fn read_trimmed(path: &str) -> Option<String> {
    fs::read_to_string(path).ok().map(|s| s.trim().to_owned())
}

fn numeric_entries(dir: &str) -> Vec<u32> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    entries.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_its_own_stat() {
        let me = stat(std::process::id()).expect("own stat");
        assert_eq!(me.pid, std::process::id());
        assert_eq!(me.ppid, std::os::unix::process::parent_id());
    }

    #[test]
    fn finds_a_child_among_descendants() {
        let mut child = std::process::Command::new("sleep").arg("5").spawn().expect("spawn sleep");
        let found = descendants(std::process::id()).iter().any(|p| p.pid == child.id());
        child.kill().ok();
        child.wait().ok();
        assert!(found, "the sleeping child was not listed as a descendant");
    }
}
