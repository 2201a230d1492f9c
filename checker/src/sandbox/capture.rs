//! Capturing a job's output with a cap: the first and the last bytes are kept, the middle is
//! counted, so a program that prints gigabytes costs a bounded amount of memory.

use serde::{Deserialize, Serialize};

/// Output as the reports show it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Captured {
    /// The first bytes, lossily decoded.
    pub head: String,
    /// The last bytes, when the output was longer than the cap (empty otherwise).
    pub tail: String,
    /// How many bytes the job wrote in all.
    pub total_bytes: u64,
}

impl Captured {
    /// The output as one text, with a marker where the middle was dropped.
    pub fn text(&self) -> String {
        if self.tail.is_empty() {
            self.head.clone()
        } else {
            let kept = (self.head.len() + self.tail.len()) as u64;
            let dropped = self.total_bytes.saturating_sub(kept);
            format!("{}\n[... {dropped} bytes not shown ...]\n{}", self.head, self.tail)
        }
    }
}

/// Accumulates a stream, keeping at most `cap` bytes.
pub struct CappedBuffer {
    head: Vec<u8>,
    tail: Vec<u8>,
    half: usize,
    total: u64,
}

impl CappedBuffer {
    pub fn new(cap: usize) -> Self {
        let half = (cap / 2).max(1);
        CappedBuffer { head: Vec::new(), tail: Vec::new(), half, total: 0 }
    }

    pub fn push(&mut self, mut bytes: &[u8]) {
        self.total += bytes.len() as u64;
        let room = self.half - self.head.len();
        let into_head = room.min(bytes.len());
        self.head.extend_from_slice(&bytes[..into_head]);
        bytes = &bytes[into_head..];
        if bytes.is_empty() {
            return;
        }
        if bytes.len() >= self.half {
            self.tail.clear();
            self.tail.extend_from_slice(&bytes[bytes.len() - self.half..]);
        } else {
            self.tail.extend_from_slice(bytes);
            if self.tail.len() > self.half {
                let excess = self.tail.len() - self.half;
                self.tail.drain(..excess);
            }
        }
    }

    pub fn finish(self) -> Captured {
        Captured {
            head: String::from_utf8_lossy(&self.head).into_owned(),
            tail: String::from_utf8_lossy(&self.tail).into_owned(),
            total_bytes: self.total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_output_is_kept_whole() {
        let mut buffer = CappedBuffer::new(16);
        buffer.push(b"hello");
        let captured = buffer.finish();
        assert_eq!(captured.text(), "hello");
        assert_eq!(captured.total_bytes, 5);
    }

    #[test]
    fn long_output_keeps_head_and_tail_and_counts_the_rest() {
        let mut buffer = CappedBuffer::new(8);
        for chunk in [&b"abcdef"[..], b"ghijkl", b"mnop"] {
            buffer.push(chunk);
        }
        let captured = buffer.finish();
        assert_eq!(captured.head, "abcd");
        assert_eq!(captured.tail, "mnop");
        assert_eq!(captured.total_bytes, 16);
        assert!(captured.text().contains("[... 8 bytes not shown ...]"));
    }
}
