//! `grades.csv` (with the csv crate): a gradebook with one row per student and one column per
//! exercise, then the total; an LMS imports it as it is.

use super::Class;

pub fn render(class: &Class) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["student".to_owned()];
    header.extend(class.exercises.iter().map(|(id, _, max)| format!("{id} (/{max})")));
    header.push(format!("total (/{})", class.max_score()));
    writer.write_record(&header).expect("writes to memory");
    for student in &class.students {
        let mut row = vec![student.name.clone()];
        row.extend(student.grades.iter().map(|g| g.map(|g| g.score.to_string()).unwrap_or_default()));
        row.push(student.score().to_string());
        writer.write_record(&row).expect("writes to memory");
    }
    String::from_utf8(writer.into_inner().expect("flushes to memory")).expect("CSV of UTF-8 is UTF-8")
}
