//! The checker in Russian (`--lang ru`, `CHECKER_LANG`, a Russian locale): the student's
//! commands, the errors a student meets, the help, and a failing check; and English when
//! `CHECKER_LANG=en` overrides a Russian locale.

use crate::util::{checker, serial, Course};
use assert_cmd::Command;
use predicates::prelude::*;

/// The checker with the language left to the environment given (util's checker says English).
fn in_environment(mut command: Command, vars: &[(&str, &str)]) -> Command {
    command.env_remove("CHECKER_LANG").env_remove("LC_ALL").env_remove("LC_MESSAGES").env("LANG", "C.UTF-8");
    command.envs(vars.iter().copied());
    command
}

fn stdout(command: &mut Command) -> String {
    String::from_utf8(command.assert().get_output().stdout.clone()).unwrap()
}

#[test]
fn list_hint_and_reset_speak_russian() {
    let course = Course::new();
    let list = stdout(course.checker().args(["--lang", "ru", "list"]));
    let header = list.lines().next().unwrap_or_default();
    assert!(header.starts_with("упражнение") && header.contains("статус") && header.ends_with("баллы"), "{list}");
    assert!(list.contains("Потоки и пул потоков") && list.contains("не начато"), "{list}");
    assert!(list.ends_with("\nвыполнено 0 из 17\n"), "{list}");

    let hint = |course: &Course| stdout(course.checker().args(["--lang", "ru", "hint", "ex04"]));
    let first = hint(&course);
    assert!(first.starts_with("подсказка 1/3: "), "{first}");
    assert!(first.contains("Запустите `checker hint ex04_pool` ещё раз"), "{first}");
    hint(&course);
    let last = hint(&course);
    assert!(
        last.starts_with("подсказка 3/3: ") && last.contains("Это была последняя подсказка к ex04_pool."),
        "{last}"
    );

    // Without a terminal, reset asks for --yes, in Russian.
    course
        .checker()
        .args(["--lang", "ru", "reset", "ex04"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("ошибка: эта команда заменит ваши файлы"))
        .stderr(predicate::str::contains("`checker reset ex04_pool --yes`"));
}

#[test]
fn the_errors_a_student_meets_speak_russian() {
    checker()
        .args(["--lang", "ru", "hint", "ex99"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("ошибка: упражнения \"ex99\" нет; есть такие упражнения: ex01_process"));
    let nowhere = tempfile::tempdir().unwrap();
    in_environment(checker(), &[("LANG", "ru_RU.UTF-8")])
        .current_dir(nowhere.path())
        .arg("list")
        .assert()
        .code(3)
        .stderr(predicate::str::starts_with("ошибка: курс не найден"));
}

#[test]
fn the_help_speaks_the_language_of_lang_or_the_locale() {
    checker()
        .args(["--lang", "ru", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Использование: checker [OPTIONS] <COMMAND>"))
        .stdout(predicate::str::contains("Показать следующую подсказку к упражнению"));
    in_environment(checker(), &[("LANG", "ru_RU.UTF-8")])
        .args(["check", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("Собрать упражнение и запустить его публичные тесты"))
        .stdout(predicate::str::contains("Упражнение: ex04, ex04_pool или 4"));
    // CHECKER_LANG comes before the locale.
    in_environment(checker(), &[("LANG", "ru_RU.UTF-8"), ("CHECKER_LANG", "en")])
        .args(["check", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("Build an exercise and run its public tests"))
        .stdout(predicate::str::contains("Usage: checker check"));
}

/// One build of the ex04 skeleton (its public tests and one hidden check), read in Russian and
/// then, with `CHECKER_LANG=en` over a
/// Russian locale, in English (the second run reuses the build).
#[test]
fn a_failing_check_speaks_russian_and_english_overrides_a_russian_locale() {
    let _serial = serial();
    let course = Course::new();
    let russian = String::from_utf8(
        course.checker().args(["--lang", "ru", "check", "ex04"]).assert().code(1).get_output().stdout.clone(),
    )
    .unwrap();
    for expected in [
        "ex04_pool: Потоки и пул потоков (лекция 1.3) — публичные тесты",
        "сборка... ok (",
        "  FAIL sleeping_jobs_overlap\n         наблюдалось: тест не прошёл (код выхода 101)\n         ожидалось:   тест проходит\n",
        "FAIL     public_tests",
        "         проверяет, что публичные тесты из папки tests/ упражнения проходят\n",
        "         наблюдалось: не прошли публичные тесты (6 из 6): ",
        "\nпубличные тесты: пока не пройдено\n",
    ] {
        assert!(russian.contains(expected), "{expected:?} in:\n{russian}");
    }
    let english = stdout(
        in_environment(course.checker(), &[("LANG", "ru_RU.UTF-8"), ("CHECKER_LANG", "en")]).args(["check", "ex04"]),
    );
    for expected in [
        "ex04_pool: Threads and a thread pool (lecture 1.3) - public tests",
        "         checks that the public tests in the exercise's tests/ folder pass\n",
        "         observed: 6 of 6 public tests failed: ",
        "\npublic tests: not passed yet\n",
    ] {
        assert!(english.contains(expected), "{expected:?} in:\n{english}");
    }
    // The hidden checks speak the student's language too (the pack's catalogs), and English
    // where CHECKER_LANG says so.
    let hidden = |language: &str| {
        let mut command = in_environment(course.checker(), &[("CHECKER_LANG", language)]);
        String::from_utf8(
            command
                .args(["submit", "ex04", "--only", "as_completed_order"])
                .assert()
                .code(1)
                .get_output()
                .stdout
                .clone(),
        )
        .unwrap()
    };
    let russian = hidden("ru");
    assert!(russian.contains("         ожидалось:   никакой паники\n"), "{russian}");
    assert!(
        russian.contains("наблюдалось: код пула запаниковал") && russian.contains("not yet implemented"),
        "{russian}"
    );
    let english = hidden("en");
    assert!(english.contains("         expected: no panic\n"), "{english}");
    let list = stdout(in_environment(course.checker(), &[("LANG", "ru_RU.UTF-8")]).arg("list"));
    assert!(list.contains("не проходит") && list.ends_with("выполнено 0 из 17\n"), "{list}");
}
