//! `--report DIR`: one self-contained HTML page (inline SVG drawn with
//! plotters, no scripts, nothing fetched) with each case's latency
//! distribution and, when comparing, the baseline's beside it.

use super::measure::Measured;
use mlpy_harness::perf::{Change, Comparison};
use plotters::prelude::*;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One case as the report shows it.
pub struct Row<'a> {
    pub name: &'a str,
    pub new: &'a Measured,
    pub old: Option<&'a Measured>,
    pub comparison: Option<Comparison>,
}

const BINS: usize = 40;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Share of all samples per bin over `[lo, hi]`; slower ones are not
/// drawn (the chart's note counts them).
fn histogram(samples: &[f64], lo: f64, hi: f64) -> Vec<f64> {
    let mut bins = vec![0.0; BINS];
    let width = (hi - lo) / BINS as f64;
    for &s in samples.iter().filter(|&&s| s <= hi) {
        let i = (((s - lo) / width).floor().max(0.0) as usize).min(BINS - 1);
        bins[i] += 1.0;
    }
    let n = samples.len().max(1) as f64;
    bins.iter().map(|c| c / n).collect()
}

fn quantile(samples: &[f64], q: f64) -> f64 {
    let mut v = samples.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return 0.0;
    }
    v[((q * (v.len() - 1) as f64).round() as usize).min(v.len() - 1)]
}

/// The x range drawn: from the fastest sample to Tukey's far-out fence
/// (q3 + 3 IQR), kept between the p95 and the p99, so a few preempted
/// iterations do not squeeze the body of the distribution into one bin.
fn range(all: &[f64]) -> (f64, f64) {
    let (min, max) = (quantile(all, 0.0), quantile(all, 1.0));
    let (q1, q3) = (quantile(all, 0.25), quantile(all, 0.75));
    let fence = q3 + 3.0 * (q3 - q1);
    let hi = fence
        .max(quantile(all, 0.95))
        .min(quantile(all, 0.99))
        .min(max);
    let pad = ((hi - min) * 0.02).max(1e-3);
    ((min - pad).max(0.0), hi + pad)
}

/// Tick labels with as many decimals as the range needs.
fn tick(v: f64, span: f64) -> String {
    match span {
        s if s >= 50.0 => format!("{v:.0}"),
        s if s >= 5.0 => format!("{v:.1}"),
        _ => format!("{v:.2}"),
    }
}

/// "3 slower iterations (1.5%, up to 5090.0 µs)" beyond `hi`, if any.
fn beyond(samples: &[f64], hi: f64) -> Option<String> {
    let slow: Vec<f64> = samples.iter().copied().filter(|&s| s > hi).collect();
    let max = slow.iter().copied().fold(f64::MIN, f64::max);
    let share = slow.len() as f64 * 100.0 / samples.len().max(1) as f64;
    match slow.len() {
        0 => None,
        1 => Some(format!("1 slower iteration ({share:.1}%, {max:.1} µs)")),
        n => Some(format!(
            "{n} slower iterations ({share:.1}%, up to {max:.1} µs)"
        )),
    }
}

const NEW: RGBColor = RGBColor(31, 119, 180);
const OLD: RGBColor = RGBColor(170, 170, 170);
const FONT: &str = "sans-serif";

/// The distribution chart of one case as SVG, and a note on what lies
/// beyond it.
fn chart(row: &Row<'_>, baseline: &str) -> Result<String, String> {
    let mut all: Vec<f64> = row.new.samples_us.clone();
    if let Some(old) = row.old {
        all.extend(&old.samples_us);
    }
    if all.is_empty() {
        return Ok("<p>no successful iterations</p>".into());
    }
    let (lo, hi) = range(&all);
    let new_bins = histogram(&row.new.samples_us, lo, hi);
    let old_bins = row.old.map(|o| histogram(&o.samples_us, lo, hi));
    let top = new_bins
        .iter()
        .chain(old_bins.iter().flatten())
        .copied()
        .fold(0.0, f64::max)
        * 1.3;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (960, 340)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut c = ChartBuilder::on(&root)
            .margin(16)
            .x_label_area_size(52)
            .y_label_area_size(72)
            .build_cartesian_2d(lo..hi, 0.0..top.max(0.01))
            .map_err(|e| e.to_string())?;
        let span = hi - lo;
        c.configure_mesh()
            .x_desc("execution time of one iteration (µs)")
            .y_desc("share of iterations")
            .x_labels(8)
            .y_labels(6)
            .x_label_formatter(&|v| tick(*v, span))
            .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 16))
            .bold_line_style(RGBColor(225, 225, 225))
            .light_line_style(WHITE)
            .draw()
            .map_err(|e| e.to_string())?;
        // Compared, each bin shows the baseline's bar and this run's side
        // by side (left and right half).
        let width = (hi - lo) / BINS as f64;
        let halves = old_bins.is_some();
        let bars = |bins: &[f64], colour: RGBColor, right: bool| {
            bins.iter()
                .enumerate()
                .filter(|(_, &h)| h > 0.0)
                .map(|(i, &h)| {
                    let mut x = lo + i as f64 * width;
                    let mut w = width;
                    if halves {
                        w = width / 2.0;
                        if right {
                            x += w;
                        }
                    }
                    Rectangle::new([(x, 0.0), (x + w, h)], colour.filled())
                })
                .collect::<Vec<_>>()
        };
        let key = |colour: RGBColor| {
            move |(x, y): (i32, i32)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], colour.filled())
        };
        if let (Some(bins), Some(old)) = (&old_bins, row.old) {
            c.draw_series(bars(bins, OLD, false))
                .map_err(|e| e.to_string())?
                .label(format!(
                    "baseline {baseline}: median {:.1} µs",
                    old.median_us.point
                ))
                .legend(key(OLD));
        }
        c.draw_series(bars(&new_bins, NEW, true))
            .map_err(|e| e.to_string())?
            .label(format!(
                "this run: median {:.1} µs [{:.1}, {:.1}]",
                row.new.median_us.point, row.new.median_us.lo, row.new.median_us.hi
            ))
            .legend(key(NEW));
        let medians = std::iter::once((row.new.median_us.point, NEW))
            .chain(row.old.map(|o| (o.median_us.point, RGBColor(70, 70, 70))));
        for (m, colour) in medians.filter(|(m, _)| *m <= hi) {
            c.draw_series(std::iter::once(PathElement::new(
                vec![(m, 0.0), (m, top)],
                colour.stroke_width(2),
            )))
            .map_err(|e| e.to_string())?;
        }
        c.configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font((FONT, 15))
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(180, 180, 180))
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    let mut notes: Vec<String> = Vec::new();
    if let Some(n) = beyond(&row.new.samples_us, hi) {
        notes.push(format!("this run: {n}"));
    }
    if let Some(n) = row.old.and_then(|o| beyond(&o.samples_us, hi)) {
        notes.push(format!("baseline: {n}"));
    }
    if !notes.is_empty() {
        let _ = write!(
            svg,
            "\n<p class=\"note\">Beyond the chart's right edge ({:.1} µs): {}.</p>",
            hi,
            notes.join("; ")
        );
    }
    Ok(svg)
}

fn change_cell(c: &Option<Comparison>) -> String {
    match c {
        None => "<td>-</td>".into(),
        Some(c) => {
            let pct = |r: f64| (r - 1.0) * 100.0;
            let (class, word) = match c.change {
                Change::Regression => ("bad", "regression"),
                Change::Improvement => ("good", "improvement"),
                Change::NoChange => ("", "no change"),
            };
            format!(
                "<td class=\"{class}\">{:+.1}% {word}<br><span class=\"ci\">[{:+.1}%, {:+.1}%]</span></td>",
                pct(c.ratio.point),
                pct(c.ratio.lo),
                pct(c.ratio.hi)
            )
        }
    }
}

/// Writes `dir/index.html`; its path.
pub fn write(
    dir: &Path,
    rows: &[Row<'_>],
    baseline: Option<&str>,
    threshold: f64,
) -> Result<PathBuf, String> {
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>mlpy-test bench</title>\n<style>\
body{{font-family:sans-serif;font-size:16px;margin:2em auto;max-width:1150px;padding:0 1em;color:#222}}\
.wide{{overflow-x:auto}}\
table{{border-collapse:collapse;font-variant-numeric:tabular-nums}}\
td,th{{padding:.35em .6em;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}}\
td:first-child,th:first-child{{text-align:left;white-space:normal}}th{{background:#f4f4f4}}\
.bad{{color:#b00;font-weight:bold}}.good{{color:#070}}section{{margin-top:2.5em}}\
svg{{max-width:100%;height:auto;display:block}}.ci{{color:#666;font-size:13px}}.note{{color:#555;font-size:14px}}</style></head><body>\n\
<h1>mlpy-test bench</h1>\n<p>Medians with 95% bootstrap intervals; a change is a regression only when its whole interval lies beyond {threshold}%{}.</p>\n",
        baseline
            .map(|b| format!(", against baseline <b>{}</b>", escape(b)))
            .unwrap_or_default()
    );
    html.push_str("<div class=\"wide\"><table><tr><th>case</th><th>median µs<br><span class=\"ci\">95% interval</span></th><th>mean</th><th>p95</th><th>p99</th><th>min</th><th>max</th><th>exec/s</th><th>failed</th>");
    if baseline.is_some() {
        html.push_str("<th>change<br><span class=\"ci\">95% interval</span></th>");
    }
    html.push_str("</tr>\n");
    for r in rows {
        let l = &r.new.latency;
        let _ = writeln!(
            html,
            "<tr><td><a href=\"#case-{i}\">{}</a></td><td>{:.1}<br><span class=\"ci\">[{:.1}, {:.1}]</span></td><td>{:.1}</td><td>{:.1}</td><td>{:.1}</td><td>{:.1}</td><td>{:.1}</td><td>{}</td><td>{}</td>{}</tr>",
            escape(r.name),
            r.new.median_us.point,
            r.new.median_us.lo,
            r.new.median_us.hi,
            l.mean_us,
            l.p95_us,
            l.p99_us,
            l.min_us,
            l.max_us,
            r.new
                .throughput
                .as_ref()
                .map_or("-".into(), |t| format!("{:.0}", t.per_second)),
            r.new.failures(),
            if baseline.is_some() {
                change_cell(&r.comparison)
            } else {
                String::new()
            },
            i = rows.iter().position(|x| x.name == r.name).unwrap_or(0),
        );
    }
    html.push_str("</table></div>\n");
    for (i, r) in rows.iter().enumerate() {
        let _ = writeln!(
            html,
            "<section id=\"case-{i}\"><h2>{}</h2><p>{} successful iterations{}</p>",
            escape(r.name),
            r.new.samples_us.len(),
            r.new
                .first_failure
                .as_ref()
                .map(|f| format!("; first failure: {}", escape(f)))
                .unwrap_or_default()
        );
        html.push_str(&chart(r, baseline.unwrap_or(""))?);
        html.push_str("</section>\n");
    }
    html.push_str("</body></html>\n");
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join("index.html");
    std::fs::write(&path, html).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_slow_iterations_do_not_squeeze_the_chart() {
        let mut samples: Vec<f64> = (0..97).map(|i| 100.0 + (i % 10) as f64).collect();
        samples.extend([5_000.0, 6_000.0, 9_000.0]);
        let (lo, hi) = range(&samples);
        assert!(lo <= 100.0 && (109.0..200.0).contains(&hi), "{lo}..{hi}");
        let bins = histogram(&samples, lo, hi);
        let drawn: f64 = bins.iter().sum();
        assert!(
            (drawn - 0.97).abs() < 1e-9,
            "shares of all samples: {drawn}"
        );
        assert_eq!(
            beyond(&samples, hi).as_deref(),
            Some("3 slower iterations (3.0%, up to 9000.0 µs)")
        );
        assert_eq!(beyond(&samples[..97], hi), None);
    }
}
