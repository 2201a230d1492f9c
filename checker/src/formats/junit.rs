//! `junit.xml` (with the quick-junit crate): one test suite per student and exercise, one test
//! case per graded item, for CI systems and dashboards that read JUnit.

use super::{headline, told, Class};
use crate::events::OutcomeKind;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::time::Duration;

pub fn render(class: &Class) -> String {
    let mut report = Report::new("checker");
    for student in &class.students {
        for grade in student.grades.iter().flatten() {
            let mut suite = TestSuite::new(format!("{}/{}", student.name, grade.exercise));
            if grade.checks.is_empty() {
                // Nothing could be graded: one errored case says why.
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
                if let Some(reason) = &grade.reason {
                    status.set_message(headline(reason)).set_description(reason.as_str());
                }
                let mut case = TestCase::new("submission", status);
                case.set_classname(format!("{}.{}", student.name, grade.exercise));
                suite.add_test_case(case);
            }
            for check in &grade.checks {
                let status = match check.outcome {
                    OutcomeKind::Pass => TestCaseStatus::success(),
                    outcome => {
                        // A failure is a wrong answer; anything else (a hang, a crash, not run) an
                        // error, as JUnit readers tell them apart.
                        let kind =
                            if outcome == OutcomeKind::Fail { NonSuccessKind::Failure } else { NonSuccessKind::Error };
                        let mut status = TestCaseStatus::non_success(kind);
                        status
                            .set_type(outcome.name())
                            .set_message(check.explanation.headline.as_str())
                            .set_description(told(grade, check));
                        status
                    }
                };
                let mut case = TestCase::new(check.name.as_str(), status);
                case.set_classname(format!("{}.{}", student.name, grade.exercise))
                    .set_time(Duration::from_millis(check.duration_ms));
                case.properties.push(quick_junit::Property::new("points", check.points.to_string()));
                case.properties.push(quick_junit::Property::new("max_points", check.max_points.to_string()));
                suite.add_test_case(case);
            }
            report.add_test_suite(suite);
        }
    }
    report.to_string().expect("a JUnit report serialises")
}
