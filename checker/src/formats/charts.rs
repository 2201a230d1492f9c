//! The HTML report's charts, drawn as SVG by plotters (its SVG backend, into a string): how an
//! exercise's scores are spread over the class, and how often each of its checks passed.
//! Plotters escapes the text it writes into the SVG; the charts hold numbers and the course's
//! own check names only. The bars are drawn as plotters rectangles in the charts' segmented
//! coordinates rather than with its `Histogram` series, whose bars come out in a hash map's
//! order: the same class must give the same file.

use plotters::prelude::*;

const WIDTH: u32 = 560;
const BAR: RGBColor = RGBColor(0x3b, 0x6e, 0xa5);
const FONT: (&str, u32) = ("sans-serif", 14);

/// A histogram of `scores` (one per student, each in `0..=max`): how many students got each score.
pub fn score_distribution(scores: &[u32], max: u32) -> String {
    let highest = (0..=max).map(|s| scores.iter().filter(|x| **x == s).count()).max().unwrap_or(0);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 260)).into_drawing_area();
        draw(&root, |root| {
            root.fill(&WHITE)?;
            let mut chart = ChartBuilder::on(root)
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(44)
                .build_cartesian_2d((0..max).into_segmented(), 0..highest as u32 + 1)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_desc("score")
                .y_desc("students")
                .label_style(FONT)
                .axis_desc_style(FONT)
                .x_labels((max as usize + 1).min(21))
                .y_labels((highest + 2).min(11))
                .draw()?;
            let segments = chart.as_coord_spec().x_spec().clone();
            let bars = (0..=max).filter_map(|score| {
                let students = scores.iter().filter(|s| **s == score).count() as u32;
                let (from, to) = (segments.from_index(score as usize)?, segments.from_index(score as usize + 1)?);
                let mut bar = Rectangle::new([(from, students), (to, 0)], BAR.filled());
                bar.set_margin(0, 0, 2, 2);
                (students > 0).then_some(bar)
            });
            chart.draw_series(bars)?;
            Ok(())
        });
    }
    svg
}

/// A horizontal bar per check: the percentage of the graded submissions it passed for, in the
/// order of `checks` (the order the exercise runs them).
pub fn pass_rates(checks: &[(String, f64)]) -> String {
    let longest = checks.iter().map(|(name, _)| name.chars().count()).max().unwrap_or(0) as u32;
    let height = 70 + 28 * checks.len().max(1) as u32;
    let names: Vec<&str> = checks.iter().map(|(name, _)| name.as_str()).collect();
    // Plotters counts rows from the bottom; the first check is drawn on top.
    let row = |check: usize| checks.len().saturating_sub(1 + check);
    let label = |value: &SegmentValue<u32>| match value {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
            names.get(row(*i as usize)).copied().unwrap_or("").to_owned()
        }
        SegmentValue::Last => String::new(),
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH + 8 * longest, height)).into_drawing_area();
        draw(&root, |root| {
            root.fill(&WHITE)?;
            let mut chart = ChartBuilder::on(root)
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(20 + 8 * longest)
                .build_cartesian_2d(0u32..100, (0..checks.len().max(1) as u32 - 1).into_segmented())?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .x_desc("passed (% of the graded submissions)")
                .label_style(FONT)
                .axis_desc_style(FONT)
                .y_labels(checks.len().max(1))
                .y_label_formatter(&label)
                .draw()?;
            let segments = chart.as_coord_spec().y_spec().clone();
            let bars = checks.iter().enumerate().filter_map(|(i, (_, rate))| {
                let (from, to) = (segments.from_index(row(i))?, segments.from_index(row(i) + 1)?);
                let mut bar = Rectangle::new([(0, from), (rate.round() as u32, to)], BAR.filled());
                bar.set_margin(4, 4, 0, 0);
                Some(bar)
            });
            chart.draw_series(bars)?;
            Ok(())
        });
    }
    svg
}

/// Runs a drawing and presents it. Drawing into a string cannot fail: the SVG backend's errors
/// are those of writing a file, and without a font feature plotters estimates text sizes
/// itself, with no font to load.
fn draw<'a, F>(root: &DrawingArea<SVGBackend<'a>, plotters::coord::Shift>, body: F)
where
    F: FnOnce(
        &DrawingArea<SVGBackend<'a>, plotters::coord::Shift>,
    ) -> Result<(), DrawingAreaErrorKind<<SVGBackend<'a> as DrawingBackend>::ErrorType>>,
{
    body(root).and_then(|()| root.present()).expect("drawing an SVG chart into a string");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One bar per score that someone got, as tall as the number of students with it.
    #[test]
    fn the_distribution_has_a_bar_per_score_reached() {
        let svg = score_distribution(&[0, 5, 5, 10], 10);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{svg}");
        let bars: Vec<&str> = svg.lines().filter(|l| l.starts_with("<rect") && l.contains("#3B6EA5")).collect();
        assert_eq!(bars.len(), 3, "bars for 0, 5 and 10 points: {svg}");
        let height = |bar: &str| bar.split("height=\"").nth(1).and_then(|h| h.split('"').next()).unwrap().to_owned();
        let heights: Vec<u32> = bars.iter().map(|b| height(b).parse().unwrap()).collect();
        assert_eq!(heights[1], 2 * heights[0], "two students scored 5, one 0: {heights:?}");
        assert_eq!(svg, score_distribution(&[5, 10, 0, 5], 10), "the same scores give the same chart");
        assert!(svg.contains(">\nscore\n</text>"), "the axis is named: {svg}");
    }

    #[test]
    fn pass_rates_name_every_check() {
        let svg = pass_rates(&[("public_tests".into(), 100.0), ("a<b".into(), 0.0), ("order".into(), 50.0)]);
        assert!(svg.contains("public_tests") && svg.contains("order"), "{svg}");
        assert!(svg.contains("a&lt;b") && !svg.contains("a<b"), "names are escaped: {svg}");
        // Top down (SVG's y grows downwards): the checks in their order, and their bars 100 %,
        // 0 % (no width) and 50 %.
        let attribute = |line: &str, name: &str| -> u32 {
            line.split(&format!(" {name}=\"")).nth(1).and_then(|v| v.split('"').next()).unwrap().parse().unwrap()
        };
        let lines: Vec<&str> = svg.lines().collect();
        let label_y = |name: &str| attribute(lines[lines.iter().position(|l| *l == name).unwrap() - 1], "y");
        assert!(label_y("public_tests") < label_y("a&lt;b") && label_y("a&lt;b") < label_y("order"), "{svg}");
        let mut bars: Vec<(u32, u32)> = lines
            .iter()
            .filter(|l| l.starts_with("<rect") && l.contains("#3B6EA5"))
            .map(|l| (attribute(l, "y"), attribute(l, "width")))
            .collect();
        bars.sort();
        let widths: Vec<u32> = bars.iter().map(|(_, width)| *width).collect();
        assert!(widths[0] > 0 && widths[1] == 0 && widths[0].abs_diff(2 * widths[2]) <= 1, "{widths:?}");
    }
}
