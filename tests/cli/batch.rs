//! Grading a class (`checker grade`, `merge`) and the student handout (`checker handout`): a
//! small class with good, bad and broken submissions, every output format checked against the
//! shape its reader expects, a batch killed halfway and resumed, and shards merged.

use crate::util::{assert_no_leftovers, checker, copy_tree, repo, serial, shared_target, Course};
use base64::Engine;
use predicates::prelude::PredicateBooleanExt;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// ex01's points in all, read from the course manifest: the tests follow its checks.
fn full() -> u64 {
    let course = checker::manifest::Course::load(&repo().join("course.toml")).expect("the course manifest");
    let ex01 = course.exercises.iter().find(|e| e.id == "ex01_process").expect("ex01 in the manifest");
    u64::from(ex01.max_points())
}

/// A folder of submissions for ex01, one per student, each a partial copy of the course.
struct Class {
    dir: tempfile::TempDir,
}

impl Class {
    fn new() -> Class {
        Class { dir: tempfile::Builder::new().prefix("checker-class-").tempdir().unwrap() }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `student`'s exercise folder holding the sources of `from` (a solution or a skeleton).
    fn student(&self, student: &str, from: &Path) -> PathBuf {
        let folder = self.path().join(student).join("exercises/ex01_process");
        copy_tree(&from.join("src"), &folder.join("src"));
        folder
    }
}

fn solution() -> PathBuf {
    repo().join("solutions/ex01_process")
}

fn skeleton() -> PathBuf {
    repo().join("exercises/ex01_process")
}

fn grade(class: &Path, out: &Path, extra: &[&str]) -> String {
    let output =
        checker().args(["grade", "--exercises", "ex01", "--out"]).arg(out).arg(class).args(extra).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(output.status.code(), Some(0), "grade failed:\n{stdout}\n{stderr}");
    stdout
}

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn record(out: &Path, student: &str) -> Value {
    record_of(out, student, "ex01_process")
}

fn record_of(out: &Path, student: &str, exercise: &str) -> Value {
    json(&out.join("results").join(student).join(format!("{exercise}.json")))
}

#[test]
fn a_class_with_bad_submissions_is_graded_in_every_format() {
    let _serial = serial();
    let class = Class::new();
    class.student("ann", &solution());
    class.student("bob", &skeleton());
    let carl = class.student("carl", &solution());
    std::fs::write(carl.join("src/lib.rs"), "pub fn pid() -> u32 { \"not a number\" }\n").unwrap();
    // A student whose folder is not a copy of the course at all.
    std::fs::create_dir_all(class.path().join("dora/homework")).unwrap();
    // An empty exercise folder, a source that is not UTF-8, and a gigantic file.
    std::fs::create_dir_all(class.path().join("emil/exercises/ex01_process/src")).unwrap();
    let gina = class.student("gina", &solution());
    std::fs::write(gina.join("src/lib.rs"), b"pub fn pid() -> u32 { 0 } // \xff\xfe\n").unwrap();
    let hugo = class.student("hugo", &solution());
    std::fs::write(hugo.join("src/huge.rs"), vec![b'/'; 3 << 20]).unwrap();
    // A student who handed in an archive of the repository, with a top folder.
    let eve = tempfile::tempdir().unwrap();
    copy_tree(&solution().join("src"), &eve.path().join("repo-main/exercises/ex01_process/src"));
    let tarball = std::fs::File::create(class.path().join("eve.tar.gz")).unwrap();
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(tarball, flate2::Compression::fast()));
    builder.append_dir_all(".", eve.path()).unwrap();
    builder.into_inner().unwrap().finish().unwrap();

    let out = tempfile::tempdir().unwrap();
    let roster = out.path().join("roster.csv");
    std::fs::write(&roster, "submission,id,name,email\nann,s1,Ann Lee,ann@uni.edu\nzed,s9,Zed Moe,zed@uni.edu\n")
        .unwrap();
    let stdout = grade(class.path(), out.path(), &["-j", "2", "--roster", roster.to_str().unwrap()]);
    assert_no_leftovers();
    assert!(stdout.contains("graded 8 students"), "{stdout}");
    assert!(stdout.contains("not in the roster (7): bob, carl, dora, emil, eve, gina, hugo"), "{stdout}");
    assert!(stdout.contains("no submission (1): Zed Moe (zed)"), "{stdout}");

    let expect = |student: &str, status: &str, score: u64, reason: Option<&str>| {
        let r = record(out.path(), student);
        assert_eq!((r["status"].as_str(), r["score"].as_u64()), (Some(status), Some(score)), "{student}: {r:#}");
        if let Some(reason) = reason {
            assert!(r["reason"].as_str().unwrap_or_default().contains(reason), "{student}: {r:#}");
        }
    };
    expect("ann", "graded", full(), None);
    expect("eve", "graded", full(), None);
    expect("bob", "graded", 0, None);
    expect("carl", "graded", 0, Some("does not compile"));
    expect("gina", "graded", 0, Some("does not compile"));
    expect("dora", "refused", 0, Some("no exercise folders"));
    expect("emil", "refused", 0, Some("no Rust sources"));
    expect("hugo", "refused", 0, Some("bytes"));

    // The checker's class report.
    let report = json(&out.path().join("class.json"));
    assert_eq!(report["schema"], "checker-class-report");
    assert_eq!(report["schema_version"], 2);
    assert_eq!(report["students"].as_array().unwrap().len(), 8);
    let summary = &report["summary"][0];
    assert_eq!((summary["exercise"].as_str(), summary["passed"].as_u64()), (Some("ex01_process"), Some(2)));

    // JUnit: <testsuites> of <testsuite>s of <testcase>s, counts that add up.
    let xml = std::fs::read_to_string(out.path().join("junit.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("junit.xml is XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let cases: Vec<_> = root.descendants().filter(|n| n.has_tag_name("testcase")).collect();
    assert_eq!(root.attribute("tests").unwrap().parse::<usize>().unwrap(), cases.len());
    let suites: Vec<_> = root.children().filter(|n| n.has_tag_name("testsuite")).collect();
    assert_eq!(suites.len(), 8);
    for suite in &suites {
        let mine = suite.children().filter(|n| n.has_tag_name("testcase")).count();
        assert_eq!(suite.attribute("tests").unwrap().parse::<usize>().unwrap(), mine);
        assert!(suite.attribute("name").unwrap().ends_with("/ex01_process"));
    }
    let ann = suites.iter().find(|s| s.attribute("name") == Some("ann/ex01_process")).unwrap();
    assert_eq!(ann.attribute("failures"), Some("0"));
    let bob = suites.iter().find(|s| s.attribute("name") == Some("bob/ex01_process")).unwrap();
    assert!(bob.descendants().any(|n| n.has_tag_name("failure")), "{xml}");

    // Gradescope's results.json.
    for student in ["ann", "bob", "dora"] {
        let results = json(&out.path().join("gradescope").join(student).join("results.json"));
        assert!(results["score"].is_number(), "{results:#}");
        for test in results["tests"].as_array().unwrap() {
            assert!(test["name"].is_string() && test["score"].is_number() && test["max_score"].is_number());
            assert!(["passed", "failed"].contains(&test["status"].as_str().unwrap()), "{test:#}");
            let visibility = test["visibility"].as_str().unwrap();
            assert!(["hidden", "after_due_date", "after_published", "visible"].contains(&visibility), "{test:#}");
            assert!(test["output"].is_string());
        }
    }
    assert_eq!(json(&out.path().join("gradescope/ann/results.json"))["score"], full());

    // GitHub Classroom's runner result, and its base64 form.
    let ann = json(&out.path().join("classroom/ann.json"));
    assert_eq!(
        (ann["version"].as_u64(), ann["status"].as_str(), ann["max_score"].as_u64()),
        (Some(1), Some("pass"), Some(full()))
    );
    let total: u64 = ann["tests"].as_array().unwrap().iter().map(|t| t["score"].as_u64().unwrap()).sum();
    assert_eq!(total, full());
    for test in ann["tests"].as_array().unwrap() {
        assert!(["pass", "fail", "error"].contains(&test["status"].as_str().unwrap()));
        assert!(test["name"].is_string() && test["message"].is_string());
    }
    let encoded = std::fs::read_to_string(out.path().join("classroom/ann.b64")).unwrap();
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&decoded).unwrap(), ann);
    assert_eq!(json(&out.path().join("classroom/dora.json"))["tests"][0]["status"], "error");

    // The gradebook and the Markdown summary.
    let csv = std::fs::read_to_string(out.path().join("grades.csv")).unwrap();
    let mut lines = csv.lines();
    let header = format!(
        "submission,id,name,email,ex01_process (/{0}),total (/{0}),percentage,ex01_process sources_sha256,\
         ex01_process graded_at,note",
        full()
    );
    assert_eq!(lines.next(), Some(header.as_str()));
    let ann = format!(
        "\nann,s1,Ann Lee,ann@uni.edu,{0},{0},100.0,{1},",
        full(),
        record(out.path(), "ann")["sources_sha256"].as_str().unwrap()
    );
    assert!(csv.contains(&ann) && csv.contains("\nhugo,,,,0,0,0.0,,"), "{csv}");
    assert!(csv.contains("\n,s9,Zed Moe,zed@uni.edu,"), "{csv}");
    let markdown = std::fs::read_to_string(out.path().join("summary.md")).unwrap();
    // Two of the eight students passed.
    assert!(markdown.contains("| ex01_process | 2/8 |"), "{markdown}");
    assert!(markdown.contains(&format!("| ann | {0}/{0} | {0}/{0} |", full())), "{markdown}");
}

#[test]
fn a_killed_batch_resumes_and_regrades_only_what_changed() {
    let _serial = serial();
    let class = Class::new();
    for student in ["ann", "bob", "cleo", "dan"] {
        let from = if student == "bob" { skeleton() } else { solution() };
        class.student(student, &from);
    }
    let out = tempfile::tempdir().unwrap();
    let mut batch = std::process::Command::new(assert_cmd::cargo::cargo_bin("checker"))
        .env("CHECKER_TARGET_DIR", shared_target())
        .current_dir(repo())
        .args(["grade", "--exercises", "ex01", "--out"])
        .arg(out.path())
        .arg(class.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once the first result is on disk.
    let first = out.path().join("results/ann/ex01_process.json");
    let deadline = Instant::now() + Duration::from_secs(300);
    while !first.exists() {
        assert!(Instant::now() < deadline, "no result after 300 s");
        assert!(batch.try_wait().unwrap().is_none(), "the batch ended before it could be killed");
        std::thread::sleep(Duration::from_millis(20));
    }
    batch.kill().unwrap();
    batch.wait().unwrap();
    assert_no_leftovers();
    let kept = std::fs::read(&first).unwrap();
    let finished = std::fs::read_dir(out.path().join("results")).unwrap().count();
    assert!(finished < 4, "the batch finished before it was killed");

    let stdout = grade(class.path(), out.path(), &[]);
    assert!(stdout.contains("unchanged since an earlier run and kept"), "{stdout}");
    assert!(!stdout.contains(" 0 unchanged"), "nothing was kept:\n{stdout}");
    assert_eq!(std::fs::read(&first).unwrap(), kept, "a finished result was graded again");
    for student in ["ann", "bob", "cleo", "dan"] {
        assert_eq!(record(out.path(), student)["score"], if student == "bob" { 0 } else { full() });
    }

    // Bob fixes his code: only his result is graded again.
    copy_tree(&solution().join("src"), &class.path().join("bob/exercises/ex01_process/src"));
    let stdout = grade(class.path(), out.path(), &[]);
    assert!(stdout.contains("1 result graded now, 3 unchanged"), "{stdout}");
    assert_eq!(record(out.path(), "bob")["score"], full());
    assert_no_leftovers();
}

#[test]
fn shards_merge_into_what_one_run_gives() {
    let _serial = serial();
    let class = Class::new();
    for student in ["ann", "bob", "cleo"] {
        let from = if student == "bob" { skeleton() } else { solution() };
        class.student(student, &from);
    }
    let whole = tempfile::tempdir().unwrap();
    grade(class.path(), whole.path(), &["--format", "json,csv"]);
    let shards: Vec<tempfile::TempDir> = (1..=2).map(|_| tempfile::tempdir().unwrap()).collect();
    for (k, shard) in shards.iter().enumerate() {
        let stdout = grade(class.path(), shard.path(), &["--shard", &format!("{}/2", k + 1), "--format", "csv"]);
        assert!(stdout.contains(&format!("grading shard {}/2", k + 1)), "{stdout}");
    }
    let merged = tempfile::tempdir().unwrap();
    checker()
        .arg("merge")
        .args(shards.iter().map(|s| s.path()))
        .arg("--out")
        .arg(merged.path())
        .args(["--format", "json,csv"])
        .assert()
        .success();
    let scores = |out: &Path| -> BTreeMap<String, u64> {
        json(&out.join("class.json"))["students"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["student"].as_str().unwrap().to_owned(), s["score"].as_u64().unwrap()))
            .collect()
    };
    assert_eq!(scores(merged.path()), scores(whole.path()));
    // The same gradebook, but for when each result was graded: the shards graded theirs apart.
    let gradebook = |out: &Path| -> Vec<Vec<String>> {
        let text = std::fs::read_to_string(out.join("grades.csv")).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let kept = |i: usize| !header[i].ends_with("graded_at");
        std::iter::once(header.clone())
            .chain(reader.records().map(|r| r.unwrap().iter().map(String::from).collect()))
            .map(|row: Vec<String>| row.into_iter().enumerate().filter(|(i, _)| kept(*i)).map(|(_, c)| c).collect())
            .collect()
    };
    assert_eq!(gradebook(merged.path()), gradebook(whole.path()));
    assert!(gradebook(whole.path())[1].iter().any(|cell| cell.len() == 64), "a sources' hash is in the gradebook");
    checker().args(["grade", "--shard", "3/2"]).arg(class.path()).assert().code(2);
    assert_no_leftovers();
}

/// A grade record as a batch stores it, written by hand: `checker merge` renders any.
fn hand_written_record(out: &Path, student: &str, score: u32, observed: &str) {
    let record = serde_json::json!({
        "schema": "checker-grade", "schema_version": 2, "student": student, "exercise": "ex01_process",
        "sources_sha256": "0", "grader": "hand", "status": "graded", "score": score, "max_score": 2,
        "passed": score == 2, "reason": null, "duration_ms": 0,
        "checks": [{
            "name": "public_tests", "kind": "public", "points": score, "max_points": 2,
            "outcome": if score == 2 { "pass" } else { "fail" }, "duration_ms": 0,
            "explanation": { "headline": "h", "lines": [{ "kind": "field", "label": "observed", "text": observed }] },
        }],
    });
    let folder = out.join("results").join(student);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("ex01_process.json"), record.to_string()).unwrap();
}

/// `merge` (like `grade`) writes the HTML report by default, the instructor's alone, with what
/// the records say; the browser's view of it is tested in checker/src/formats/html.rs.
#[test]
fn merge_writes_the_html_class_report() {
    let shard = tempfile::tempdir().unwrap();
    hand_written_record(shard.path(), "ann", 2, "");
    hand_written_record(shard.path(), "bob", 0, "a <b>bold</b> claim");
    let out = tempfile::tempdir().unwrap();
    checker().arg("merge").arg(shard.path()).arg("--out").arg(out.path()).assert().success();
    let index = out.path().join("index.html");
    let page = std::fs::read_to_string(&index).unwrap();
    assert!(page.contains(">ann</a>") && page.contains(">bob</a>"), "{page}");
    assert!(page.contains("a &lt;b&gt;bold&lt;/b&gt; claim") && !page.contains("<b>"), "{page}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&index).unwrap().permissions().mode() & 0o777, 0o600);
}

/// `text` with every identifier that is not a keyword renamed and its comments left out: what
/// a student who copied it and covered their tracks hands in.
fn renamed(text: &str) -> String {
    const KEEP: [&str; 16] = [
        "fn", "let", "mut", "pub", "use", "impl", "struct", "for", "in", "if", "else", "match", "self", "move",
        "return", "while",
    ];
    let mut out = String::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
        let mut word = String::new();
        for c in line.chars().chain(std::iter::once('\n')) {
            if c.is_ascii_alphanumeric() || c == '_' {
                word.push(c);
                continue;
            }
            let starts_lower = word.starts_with(|c: char| c.is_ascii_lowercase());
            if starts_lower && !KEEP.contains(&word.as_str()) {
                out.push_str("renamed_");
            }
            out.push_str(&word);
            word.clear();
            out.push(c);
        }
    }
    out
}

/// `checker similarity`: in a class where one student copied another's ex04 and renamed
/// everything, that pair ranks first; independent correct solutions (the reference and an
/// alternative design of tests/alternatives/) share less; two untouched skeletons share nothing
/// (the skeleton's code does not count). The page says it flags and does not accuse, shows the
/// pair side by side, and escapes the code; the class report written afterwards links it.
#[test]
fn similarity_ranks_a_renamed_copy_first_and_not_independent_solutions() {
    let class = Class::new();
    let put = |student: &str, exercise: &str, text: &str| {
        let src = class.path().join(student).join("exercises").join(exercise).join("src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("lib.rs"), text).unwrap();
    };
    let read = |path: &str| std::fs::read_to_string(repo().join(path)).unwrap();
    let reference = read("solutions/ex04_pool/src/lib.rs");
    put("ann", "ex04_pool", &format!("{reference}\n// <script>alert(1)</script>\n"));
    put("bob", "ex04_pool", &renamed(&reference));
    put("carl", "ex04_pool", &read("tests/alternatives/ex04_pool/condvar_queue/lib.rs"));
    put("dora", "ex04_pool", &read("exercises/ex04_pool/src/lib.rs"));
    put("eve", "ex04_pool", &read("exercises/ex04_pool/src/lib.rs"));
    let out = tempfile::tempdir().unwrap();
    let output = checker()
        .args(["similarity", "--exercises", "ex04", "--out"])
        .arg(out.path())
        .arg(class.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("It flags; it does not accuse."), "{stdout}");

    let report = json(&out.path().join("similarity.json"));
    let pairs = report["exercises"][0]["pairs"].as_array().unwrap();
    let pair = |p: &Value| (p["a"].as_str().unwrap().to_owned(), p["b"].as_str().unwrap().to_owned());
    assert_eq!(pair(&pairs[0]), ("ann".to_owned(), "bob".to_owned()), "{pairs:?}");
    let copied = pairs[0]["similarity"].as_f64().unwrap();
    let independent =
        pairs.iter().find(|p| pair(p) == ("ann".into(), "carl".into())).map(|p| p["similarity"].as_f64().unwrap());
    assert!(copied > 0.9 && independent.unwrap_or(0.0) < copied / 2.0, "{pairs:?}");
    assert!(!pairs.iter().any(|p| pair(p) == ("dora".into(), "eve".into())), "the skeleton counted: {pairs:?}");

    let page = std::fs::read_to_string(out.path().join("similarity.html")).unwrap();
    assert!(page.contains("It flags; it does not accuse.") && page.contains("<mark>"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(1)") && !page.contains("<script>"), "the code is escaped");
    // The class report written afterwards into the same folder links the page.
    let shard = tempfile::tempdir().unwrap();
    hand_written_record(shard.path(), "ann", 2, "");
    checker().arg("merge").arg(shard.path()).arg("--out").arg(out.path()).args(["--format", "html"]).assert().success();
    let index = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(index.contains("href=\"similarity.html\""), "{index}");
}

#[test]
fn the_handout_has_no_solutions_and_still_checks() {
    let _serial = serial();
    let parent = tempfile::tempdir().unwrap();
    let handout = parent.path().join("handout");
    checker().arg("handout").arg(&handout).assert().success();
    for gone in ["solutions", "pack", "tests", ".ci"] {
        assert!(!handout.join(gone).exists(), "{gone} is in the handout");
    }
    for kept in [
        "exercises/ex04_pool/tests/public.rs",
        "exercises/course_sync/src/lib.rs",
        "checker/src/main.rs",
        "lessons/ru/ex04_pool.md",
        "lessons/examples/ex04_threads.rs",
    ] {
        assert!(handout.join(kept).is_file(), "{kept} is missing");
    }
    // The map of promises to checks stays with the instructor: its gaps name wrong solutions
    // that pass.
    let course = std::fs::read_to_string(handout.join("course.toml")).unwrap();
    assert!(!course.contains("[[exercise.promise]]"), "the handout's course.toml lists promises");
    let readme = std::fs::read_to_string(handout.join("README.md")).unwrap();
    assert!(!readme.contains("What the hidden checks observe"), "the handout's README shows the promises");
    // Written for students: how grading happens, the exercises, their commands; not the
    // developers' quick start nor the instructors' sections.
    for kept in ["> **Student handout.**", "| `ex17_metrics_server` |", "## For students", "checker check"] {
        assert!(readme.contains(kept), "{kept} is not in the handout's README");
    }
    for gone in ["cargo test --workspace", ".ci/run", "## For instructors", "## Trust model"] {
        assert!(!readme.contains(gone), "{gone} is in the handout's README");
    }
    // `submit` there says at once that the hidden checks stay with the instructor.
    checker().current_dir(&handout).args(["submit", "ex04"]).assert().code(2).stderr(
        predicates::str::contains("has no grading pack").and(predicates::str::contains("checker check ex04_pool")),
    );
    // It is a course the checker can run: list, hints, and the public tests of a skeleton.
    checker().arg("--root").arg(&handout).arg("list").assert().success();
    checker().arg("--root").arg(&handout).args(["hint", "ex04"]).assert().success();
    checker().arg("--root").arg(&handout).args(["lesson", "ex04", "--lang", "ru"]).assert().success();
    // GitHub Classroom's workflow: a step per exercise, each running the checker on the public
    // tests. Its commands, run here in the handout as the runner runs them (with this checker
    // instead of `cargo run --release`, whose build the `cargo check` below stands for): ex01's
    // skeleton fails, so a fresh repository has no points.
    let workflow = std::fs::read_to_string(handout.join(".github/workflows/classroom.yml")).unwrap();
    assert!(workflow.contains("uses: classroom-resources/autograding-grading-reporter@v1"), "{workflow}");
    assert!(workflow.contains("run: cargo build --release -q -p checker"), "{workflow}");
    let commands: Vec<&str> = workflow.lines().filter_map(|l| l.trim().strip_prefix("command: ")).collect();
    let ids: Vec<String> = checker::manifest::Course::load(&repo().join("course.toml"))
        .unwrap()
        .exercises
        .iter()
        .map(|e| format!("check {}", e.id))
        .collect();
    let args: Vec<&str> =
        commands.iter().map(|c| c.strip_prefix("cargo run --release -q -p checker -- ").unwrap()).collect();
    assert_eq!(args, ids, "one step per exercise, running its public tests");
    let output = checker().current_dir(&handout).args(args[0].split(' ')).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("public tests"), "{stdout}");
    // And it builds on its own (its checker has no test targets pointing at missing files).
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args(["check", "--quiet", "--offline", "--manifest-path"])
        .arg(handout.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", repo().join("target/handout-check"))
        .status()
        .unwrap();
    assert!(status.success(), "the handout does not build");
    // A second handout into the same folder is refused rather than mixed in.
    checker().arg("handout").arg(&handout).assert().code(2);
    assert_no_leftovers();
}

/// Every file name under `dir` (sorted), as text.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

/// "ann lee" and "ann_lee" once shared `results/ann_lee/`, and any two Cyrillic names of one
/// length shared a folder of underscores: one overwrote the other's grade in every format.
#[test]
fn students_whose_names_once_shared_a_file_each_get_their_own_results_in_every_format() {
    let _serial = serial();
    let class = Class::new();
    let students: BTreeMap<&str, u64> =
        [("ann lee", full()), ("ann_lee", 0), ("иван-петров", full()), ("Анна Ильина", 0)].into();
    for (student, score) in &students {
        class.student(student, &if *score > 0 { solution() } else { skeleton() });
    }
    let out = tempfile::tempdir().unwrap();
    let stdout = grade(class.path(), out.path(), &["-j", "2"]);
    assert!(stdout.contains("graded 4 students"), "{stdout}");
    assert_no_leftovers();

    // results/: one folder per student, each with the student's own record; safe names kept.
    let mut file_of: BTreeMap<String, String> = BTreeMap::new();
    let folders = names_in(&out.path().join("results"));
    assert_eq!(folders.len(), 4, "{folders:?}");
    for folder in &folders {
        let r = record(out.path(), folder);
        let student = r["student"].as_str().unwrap().to_owned();
        assert_eq!(r["score"].as_u64(), Some(students[student.as_str()]), "{folder}: {r:#}");
        file_of.insert(student, folder.clone());
    }
    assert_eq!(file_of.keys().map(String::as_str).collect::<Vec<_>>(), students.keys().copied().collect::<Vec<_>>());
    assert_eq!(file_of["ann_lee"], "ann_lee");
    assert_eq!(file_of["иван-петров"], "иван-петров");
    assert!(file_of["ann lee"].starts_with("ann_lee-"), "{file_of:?}");
    assert!(file_of["Анна Ильина"].starts_with("Анна_Ильина-"), "{file_of:?}");
    let folded: std::collections::BTreeSet<String> = folders.iter().map(|f| f.to_lowercase()).collect();
    assert_eq!(folded.len(), 4, "two folders differ only in case: {folders:?}");

    // Gradescope: the same folder names, each results.json the student's own.
    assert_eq!(names_in(&out.path().join("gradescope")), folders);
    for (student, folder) in &file_of {
        let results = json(&out.path().join("gradescope").join(folder).join("results.json"));
        assert_eq!(results["score"].as_u64(), Some(students[student.as_str()]), "{student}: {results:#}");
        assert_eq!(results["output"], format!("{student}: {}/{} points", students[student.as_str()], full()));
    }

    // GitHub Classroom: <file>.json and .b64 per student, with the student's own score.
    let mut classroom: Vec<String> = folders.iter().flat_map(|f| [format!("{f}.b64"), format!("{f}.json")]).collect();
    classroom.sort();
    assert_eq!(names_in(&out.path().join("classroom")), classroom);
    for (student, folder) in &file_of {
        let result = json(&out.path().join("classroom").join(format!("{folder}.json")));
        let score: u64 = result["tests"].as_array().unwrap().iter().map(|t| t["score"].as_u64().unwrap()).sum();
        assert_eq!(score, students[student.as_str()], "{student}: {result:#}");
        let status = if score == full() { "pass" } else { "fail" };
        assert_eq!(result["status"], status, "{student}: {result:#}");
        let encoded = std::fs::read_to_string(out.path().join("classroom").join(format!("{folder}.b64"))).unwrap();
        let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).unwrap();
        assert_eq!(serde_json::from_slice::<Value>(&decoded).unwrap(), result);
    }

    // The reports that hold the whole class name each student once, with the right score.
    let report = json(&out.path().join("class.json"));
    let scores: BTreeMap<String, u64> = report["students"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["student"].as_str().unwrap().to_owned(), s["score"].as_u64().unwrap()))
        .collect();
    assert_eq!(scores, students.iter().map(|(s, n)| (s.to_string(), *n)).collect());
    let csv = std::fs::read_to_string(out.path().join("grades.csv")).unwrap();
    let markdown = std::fs::read_to_string(out.path().join("summary.md")).unwrap();
    let xml = std::fs::read_to_string(out.path().join("junit.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("junit.xml is XML");
    for (student, score) in &students {
        // submission, then the roster's id, name and email (none without a roster), score, total.
        assert!(csv.contains(&format!("\n{student},,,,{score},{score},")), "{student}:\n{csv}");
        assert!(
            markdown.contains(&format!("| {student} | {score}/{0} | {score}/{0} |", full())),
            "{student}:\n{markdown}"
        );
        let suite = doc
            .descendants()
            .find(|n| n.has_tag_name("testsuite") && n.attribute("name") == Some(&format!("{student}/ex01_process")))
            .unwrap_or_else(|| panic!("no test suite for {student}"));
        let failures: u64 = suite.attribute("failures").unwrap().parse().unwrap();
        assert_eq!(failures == 0, *score == full(), "{student}: {xml}");
    }

    // Everything the batch wrote is the instructor's alone.
    use std::os::unix::fs::MetadataExt;
    for path in [
        out.path().join("class.json"),
        out.path().join("results").join(&file_of["ann lee"]).join("ex01_process.json"),
        out.path().join("classroom").join(format!("{}.json", file_of["ann_lee"])),
    ] {
        assert_eq!(std::fs::metadata(&path).unwrap().mode() & 0o077, 0, "{} is readable by others", path.display());
    }
    for dir in ["results", "gradescope", "classroom"] {
        let mode = std::fs::metadata(out.path().join(dir)).unwrap().mode();
        assert_eq!(mode & 0o077, 0, "{dir}/ is open to others");
    }
}

/// A class holding one name twice (a folder and an archive) is refused before anything is
/// graded, naming both.
#[test]
fn a_name_given_twice_is_refused_before_grading() {
    let class = Class::new();
    class.student("ann", &solution());
    std::fs::write(class.path().join("ann.zip"), b"PK").unwrap();
    let out = tempfile::tempdir().unwrap();
    checker()
        .args(["grade", "--exercises", "ex01", "--out"])
        .arg(out.path())
        .arg(class.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot both be graded"))
        .stderr(predicates::str::contains("ann.zip"));
    assert!(!out.path().join("results").exists(), "something was graded");
}

/// A folder that cannot be a class is refused before anything is graded or written: an empty
/// one, and one course (whose `checker`, `exercises` and `target` would be graded as students).
#[test]
fn a_folder_that_is_not_a_class_is_refused() {
    let empty = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let refused = |class: &Path, why: &str| {
        checker()
            .args(["grade", "--out"])
            .arg(out.path().join("grades"))
            .arg(class)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(why));
        assert!(!out.path().join("grades").exists(), "something was written");
    };
    refused(empty.path(), "holds no submissions");
    refused(&repo(), "is one copy of the course, not a class: it holds course.toml");
}

/// Results written into the course itself could not be hidden from the students' code: such a
/// folder is refused before anything is graded or written.
#[test]
fn results_that_would_hold_the_course_are_refused() {
    let course = Course::new();
    let class = Class::new();
    class.student("ann", &solution());
    course
        .checker()
        .args(["grade", "--exercises", "ex01", "--out"])
        .arg(course.path())
        .arg(class.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("could not be hidden"));
    assert!(!course.path().join("results").exists(), "something was written");
}

/// When cargo last built each unit of the shared build folder (its fingerprint files' newest time).
fn fingerprints() -> BTreeMap<String, std::time::SystemTime> {
    let dir = shared_target().join("debug/.fingerprint");
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|unit| {
            let newest = std::fs::read_dir(unit.path())
                .unwrap()
                .flatten()
                .filter_map(|f| f.metadata().ok()?.modified().ok())
                .max()
                .unwrap_or(std::time::UNIX_EPOCH);
            (unit.file_name().to_string_lossy().to_string(), newest)
        })
        .collect()
}

/// Each student's working copy is removed once graded, but the workspace around it and the
/// shared build folder stay: the next student's submission compiles its own crate only.
#[test]
fn a_second_submission_compiles_only_its_own_crate() {
    let _serial = serial();
    let class = Class::new();
    class.student("ann", &solution());
    let out = tempfile::tempdir().unwrap();
    grade(class.path(), out.path(), &["-j", "1"]);
    let worker = repo().join(".checker/grade/worker-0/build/ex01_process/exercises-worker-0");
    assert!(!worker.join("ex01_process").exists(), "ann's working copy outlived her grading");
    let before = fingerprints();

    let bob = class.student("bob", &solution());
    let main = std::fs::read_to_string(bob.join("src/main.rs")).unwrap();
    std::fs::write(bob.join("src/main.rs"), format!("{main}\n// bob's own\n")).unwrap();
    let started = Instant::now();
    let stdout = grade(class.path(), out.path(), &["-j", "1"]);
    let took = started.elapsed();
    assert!(stdout.contains("1 result graded now, 1 unchanged"), "{stdout}");
    assert_eq!(record(out.path(), "bob")["score"], full());
    let rebuilt: Vec<String> =
        fingerprints().into_iter().filter(|(unit, at)| before.get(unit) != Some(at)).map(|(unit, _)| unit).collect();
    assert!(!rebuilt.is_empty(), "bob's crate was not built");
    assert!(
        rebuilt.iter().all(|unit| unit.starts_with("ex01_process-")),
        "more than the student's crate was built for the second submission: {rebuilt:?}"
    );
    assert!(!worker.join("ex01_process").exists(), "bob's working copy outlived his grading");
    eprintln!("the second submission took {took:?}; cargo built {rebuilt:?}");
}

/// What a thief in a batch looks for: every file under the checker's batch folders (the other
/// workers' working copies, unpacked archives), the class and the results, by listing and by
/// guessing the paths; it fails its own tests with what it found, so that whatever it read
/// would land in its own grade record.
fn thief(grade_state: &Path, class: &Path, out: &Path) -> String {
    format!(
        r#"fn walk(dir: &std::path::Path, depth: usize, found: &mut Vec<std::path::PathBuf>) {{
            if depth > 12 || found.len() > 50000 {{ return; }}
            let Ok(entries) = std::fs::read_dir(dir) else {{ return }};
            for entry in entries.flatten() {{
                match entry.file_type() {{
                    Ok(kind) if kind.is_dir() => walk(&entry.path(), depth + 1, found),
                    Ok(kind) if kind.is_file() => found.push(entry.path()),
                    _ => {{}}
                }}
            }}
        }}
        // Built at run time, so that the thief's own program does not hold it (format! of
        // literals is folded into one literal by the compiler; a join is not).
        let needle = [std::hint::black_box("VICTIM"), "SECRET"].join("-");
        let holds = |path: &std::path::Path| {{
            std::fs::read(path).is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes()))
        }};
        let mut files = Vec::new();
        walk(std::path::Path::new({grade:?}), 0, &mut files);
        walk(std::path::Path::new({class:?}), 0, &mut files);
        // The shared build folder: the other students' compiled crates and test programs.
        let mut compiled = Vec::new();
        walk(std::path::Path::new({target:?}), 0, &mut compiled);
        files.extend(compiled.into_iter().filter(|f| f.to_string_lossy().contains("ex04_pool")));
        for worker in 0..4 {{
            files.push(format!("{grade}/worker-{{worker}}/build/ex04_pool/exercises-worker-{{worker}}/ex04_pool/src/lib.rs").into());
        }}
        let stolen: Vec<String> = files.iter().filter(|f| holds(f)).map(|f| f.display().to_string()).collect();
        let mut results = Vec::new();
        walk(std::path::Path::new({out:?}), 0, &mut results);
        for victim in ["a-victim-1", "a-victim-2"] {{
            results.push(format!("{out}/results/{{victim}}/ex04_pool.json").into());
        }}
        let read: Vec<String> =
            results.iter().filter(|f| std::fs::read(f).is_ok()).map(|f| f.display().to_string()).collect();
        // The sandbox user the job runs as (as root: never root itself).
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let uid = status.lines().find(|l| l.starts_with("Uid:")).and_then(|l| l.split_whitespace().nth(1)).unwrap_or("?");
        panic!("STOLEN {{stolen:?}} RESULTS {{read:?}} AS UID {{uid}}.");"#,
        grade = grade_state.display(),
        class = class.display(),
        out = out.display(),
        target = crate::util::shared_target().display(),
    )
}

/// Two workers: while (and after) one grades a victim, a thief graded by the other tries to
/// read the victim's working copy and the results, from its public tests and its hidden
/// checks. It gets nothing, and its grade record says so.
#[test]
fn a_submission_cannot_read_another_students_working_copy_or_the_results() {
    let _serial = serial();
    let class = Class::new();
    let pool = repo().join("solutions/ex04_pool/src/lib.rs");
    let victim = |name: &str, extra: &str| {
        let src = class.path().join(name).join("exercises/ex04_pool/src");
        std::fs::create_dir_all(&src).unwrap();
        let code = std::fs::read_to_string(&pool).unwrap();
        // In a comment (the sources) and in a string the compiled code holds (the build folder).
        let mark = format!("VICTIM-SECRET of {name}{extra}");
        std::fs::write(
            src.join("lib.rs"),
            format!("{code}\n// {mark}\npub fn victim_mark() -> &'static str {{ {mark:?} }}\n"),
        )
        .unwrap();
    };
    victim("a-victim-1", "");
    victim("a-victim-2", "");
    let out = tempfile::tempdir().unwrap();
    let grade_ex04 = |jobs: &str| {
        let output = checker()
            .args(["grade", "--exercises", "ex04", "-j", jobs, "--format", "json", "--out"])
            .arg(out.path())
            .arg(class.path())
            .output()
            .unwrap();
        let seen = format!("{}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert_eq!(output.status.code(), Some(0), "{seen}");
        seen
    };
    // Each worker grades a victim: its working copy would stay in the worker's folder.
    grade_ex04("2");
    // The thief comes; one victim changed, so it is graded again beside the thief.
    crate::hostile::plant(
        &class.path().join("b-thief/exercises/ex04_pool"),
        &thief(&repo().join(".checker/grade"), class.path(), out.path()),
    );
    victim("a-victim-2", " (second version)");
    let seen = grade_ex04("2");
    assert!(seen.contains("1 unchanged"), "{seen}");
    assert_no_leftovers();

    for name in ["a-victim-1", "a-victim-2"] {
        assert_eq!(
            record_of(out.path(), name, "ex04_pool")["score"],
            27,
            "{name} was not graded as the reference solution"
        );
    }
    let thief = record_of(out.path(), "b-thief", "ex04_pool");
    let told: Vec<&str> = thief["checks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["explanation"]["lines"].as_array().unwrap())
        .map(|line| line["text"].as_str().unwrap())
        .collect();
    let told = told.join("\n");
    assert!(told.contains("STOLEN [] RESULTS []"), "the thief's code did not run its search:\n{told}");
    assert!(!told.contains("VICTIM") && !told.contains("STOLEN [\"") && !told.contains("RESULTS [\""), "{told}");
    assert_eq!(thief["score"], 0);
    if is_root() {
        assert!(!told.contains("AS UID 0."), "as root, student code must run as a sandbox user:\n{told}");
    }
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .map(|s| s.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0")))
        .unwrap_or(false)
}
