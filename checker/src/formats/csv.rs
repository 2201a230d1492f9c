//! `grades.csv` (with the csv crate): the gradebook, one row per student — the submission's
//! name and the roster's id, name and email; per exercise the score; the total and its
//! percentage; per exercise the sources' hash and when the result was graded; with a late
//! policy, when the work was last changed, the days late and the penalty, beside the scores
//! (never taken off them); and a note for a submission with no roster entry, or a roster entry
//! with no submission (a row of its own, without scores).

use super::Class;

pub fn render(class: &Class) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = ["submission", "id", "name", "email"].map(String::from).to_vec();
    header.extend(class.exercises.iter().map(|(id, _, max)| format!("{id} (/{max})")));
    header.push(format!("total (/{})", class.max_score()));
    header.push("percentage".into());
    header.extend(class.exercises.iter().map(|(id, _, _)| format!("{id} sources_sha256")));
    header.extend(class.exercises.iter().map(|(id, _, _)| format!("{id} graded_at")));
    if class.late.is_some() {
        header.extend(["submitted_at", "days_late", "late_penalty (%)"].map(String::from));
    }
    header.push("note".into());
    writer.write_record(&header).expect("writes to memory");
    for student in &class.students {
        let entry = student.entry;
        let mut row = vec![student.name.clone()];
        row.extend(
            [entry.map(|e| e.id.clone()), entry.map(|e| e.name.clone()), entry.map(|e| e.email.clone())]
                .map(Option::unwrap_or_default),
        );
        row.extend(student.grades.iter().map(|g| g.map(|g| g.score.to_string()).unwrap_or_default()));
        row.push(student.score().to_string());
        let max = class.max_score();
        row.push(if max == 0 {
            String::new()
        } else {
            format!("{:.1}", f64::from(student.score()) * 100.0 / f64::from(max))
        });
        row.extend(student.grades.iter().map(|g| g.and_then(|g| g.sources_sha256.clone()).unwrap_or_default()));
        row.extend(student.grades.iter().map(|g| g.and_then(|g| g.graded_at.clone()).unwrap_or_default()));
        if let Some(late) = class.late {
            match student.submitted_at() {
                Some(time) => {
                    let days = late.days_late(time);
                    row.push(humantime::format_rfc3339_seconds(time).to_string());
                    row.push(days.to_string());
                    row.push(late.penalty_percent(days).to_string());
                }
                None => row.extend([String::new(), String::new(), String::new()]),
            }
        }
        row.push(if class.rostered && entry.is_none() { "not in the roster".into() } else { String::new() });
        writer.write_record(&row).expect("writes to memory");
    }
    for entry in &class.without_submission {
        let mut row = vec![String::new(), entry.id.clone(), entry.name.clone(), entry.email.clone()];
        row.resize(header.len() - 1, String::new());
        row.push(format!("no submission (the roster names it {:?})", entry.submission));
        writer.write_record(&row).expect("writes to memory");
    }
    String::from_utf8(writer.into_inner().expect("flushes to memory")).expect("CSV of UTF-8 is UTF-8")
}
