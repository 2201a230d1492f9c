//! Public tests of ex13_generators: run them with `checker check ex13`,
//! or `cargo test -p ex13_generators` in `exercises/`.
//!
//! The hidden checks also drive the pipeline from an input they control (one line at a time, and
//! an endless one) and count the polls of your `Delay`; these tests look at the values, and at
//! laziness in its simplest form.

use std::io::{BufRead, Cursor, Read};
use std::time::{Duration, Instant};

use ex13_generators::{moving_average, numbers_from, running_average, Delay};

fn close(got: &[f64], want: &[f64]) -> bool {
    got.len() == want.len() && got.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-9)
}

#[test]
fn numbers_from_reads_one_number_per_line_and_skips_the_rest() {
    let text = "1\n  2.5 \nnot a number\n\n-4\n1e3";
    let got: Vec<f64> = numbers_from(Cursor::new(text)).collect();
    assert!(close(&got, &[1.0, 2.5, -4.0, 1000.0]), "got {got:?}");
}

#[test]
fn running_and_moving_averages() {
    let running: Vec<f64> = running_average([2.0, 4.0, 9.0, 1.0].into_iter()).collect();
    assert!(
        close(&running, &[2.0, 3.0, 5.0, 4.0]),
        "running_average gave {running:?}"
    );
    let moving: Vec<f64> = moving_average([2.0, 4.0, 9.0, 1.0].into_iter(), 2).collect();
    assert!(
        close(&moving, &[2.0, 3.0, 6.5, 5.0]),
        "moving_average(_, 2) gave {moving:?}"
    );
    let empty: Vec<f64> = running_average(std::iter::empty()).collect();
    assert!(empty.is_empty());
}

/// A reader that counts how many bytes were asked of it, handing out one line per read.
struct Counting<'a> {
    lines: std::str::Lines<'a>,
    lines_given: usize,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let Some(line) = self.lines.next() else {
            return Ok(0);
        };
        self.lines_given += 1;
        let bytes = format!("{line}\n").into_bytes();
        buf[..bytes.len()].copy_from_slice(&bytes);
        Ok(bytes.len())
    }
}

#[test]
fn the_pipeline_reads_only_what_it_needs() {
    let text = "10\n20\n30\n40\n50\n60\n";
    let mut reader = std::io::BufReader::new(Counting {
        lines: text.lines(),
        lines_given: 0,
    });
    {
        let mut pipeline = running_average(numbers_from(&mut reader));
        assert_eq!(pipeline.next(), Some(10.0));
        assert_eq!(pipeline.next(), Some(15.0));
    }
    // &mut BufReader is a BufRead too: the pipeline borrowed it, and we can look inside now.
    let given = reader.get_ref().lines_given;
    assert_eq!(
        given, 2,
        "two items should need two lines, but the pipeline read {given}: read one line per next()"
    );
    let mut rest = String::new();
    reader.read_line(&mut rest).unwrap();
    assert_eq!(rest, "30\n", "the lines not needed yet stay in the input");
}

#[test]
fn moving_average_works_on_an_endless_input() {
    // An endless iterator: a stage that collects its input first never returns here.
    let endless = (0..).map(|i| (i % 4) as f64);
    let got: Vec<f64> = moving_average(endless, 4).skip(1000).take(3).collect();
    assert!(close(&got, &[1.5, 1.5, 1.5]), "got {got:?}");
}

#[tokio::test]
async fn delay_completes_after_its_duration() {
    let start = Instant::now();
    // A timeout so that a Delay that is never woken fails the test instead of hanging it.
    let result = tokio::time::timeout(
        Duration::from_secs(2),
        Delay::new(Duration::from_millis(100)),
    )
    .await;
    let took = start.elapsed();
    assert!(
        result.is_ok(),
        "Delay::new(100 ms) had not completed after 2 s: store the waker and wake it"
    );
    assert!(
        took >= Duration::from_millis(95),
        "Delay::new(100 ms) completed after {took:?}"
    );
    // The timeout polls the Delay once more when it fires: a Delay that never stored its waker
    // completes only then, 2 s late.
    assert!(
        took < Duration::from_secs(1),
        "Delay::new(100 ms) completed only after {took:?}: it was not woken when its time was up"
    );
}

#[tokio::test]
async fn delays_run_concurrently() {
    let start = Instant::now();
    let all = async {
        tokio::join!(
            Delay::new(Duration::from_millis(200)),
            Delay::new(Duration::from_millis(200)),
            Delay::new(Duration::from_millis(200))
        )
    };
    tokio::time::timeout(Duration::from_secs(2), all)
        .await
        .expect("three Delays of 200 ms had not completed after 2 s");
    let took = start.elapsed();
    assert!(
        took < Duration::from_millis(550),
        "three 200 ms delays awaited together took {took:?}: each one has its own timer, so they overlap"
    );
}
