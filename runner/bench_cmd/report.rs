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

/// Share of samples per bin over `[lo, hi)`; values beyond go in the last.
fn histogram(samples: &[f64], lo: f64, hi: f64) -> Vec<f64> {
    let mut bins = vec![0.0; BINS];
    let width = (hi - lo) / BINS as f64;
    for &s in samples {
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

/// The distribution chart of one case as SVG.
fn chart(row: &Row<'_>, baseline: &str) -> Result<String, String> {
    let mut all: Vec<f64> = row.new.samples_us.clone();
    if let Some(old) = row.old {
        all.extend(&old.samples_us);
    }
    if all.is_empty() {
        return Ok("<p>no successful iterations</p>".into());
    }
    // The slowest 1% would squeeze the rest into a few bins: clip there.
    let lo = quantile(&all, 0.0) * 0.98;
    let hi = (quantile(&all, 0.99) * 1.02).max(lo + 1e-3);
    let new_bins = histogram(&row.new.samples_us, lo, hi);
    let old_bins = row.old.map(|o| histogram(&o.samples_us, lo, hi));
    let top = new_bins
        .iter()
        .chain(old_bins.iter().flatten())
        .copied()
        .fold(0.0, f64::max)
        * 1.15;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (720, 260)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut c = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(52)
            .build_cartesian_2d(lo..hi, 0.0..top.max(0.01))
            .map_err(|e| e.to_string())?;
        c.configure_mesh()
            .x_desc("execution time (µs)")
            .y_desc("share of iterations")
            .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
            .light_line_style(WHITE)
            .draw()
            .map_err(|e| e.to_string())?;
        let width = (hi - lo) / BINS as f64;
        let bars = |bins: &[f64], colour: RGBAColor| {
            bins.iter()
                .enumerate()
                .map(|(i, &h)| {
                    let x = lo + i as f64 * width;
                    Rectangle::new([(x, 0.0), (x + width, h)], colour.filled())
                })
                .collect::<Vec<_>>()
        };
        if let (Some(bins), Some(old)) = (&old_bins, row.old) {
            c.draw_series(bars(bins, RGBColor(150, 150, 150).mix(0.55)))
                .map_err(|e| e.to_string())?
                .label(format!(
                    "baseline {baseline}: median {:.1} µs",
                    old.median_us.point
                ))
                .legend(|(x, y)| {
                    Rectangle::new(
                        [(x, y - 5), (x + 12, y + 5)],
                        RGBColor(150, 150, 150).filled(),
                    )
                });
        }
        c.draw_series(bars(&new_bins, RGBColor(31, 119, 180).mix(0.6)))
            .map_err(|e| e.to_string())?
            .label(format!(
                "this run: median {:.1} µs [{:.1}, {:.1}]",
                row.new.median_us.point, row.new.median_us.lo, row.new.median_us.hi
            ))
            .legend(|(x, y)| {
                Rectangle::new(
                    [(x, y - 5), (x + 12, y + 5)],
                    RGBColor(31, 119, 180).filled(),
                )
            });
        let m = row.new.median_us.point;
        c.draw_series(std::iter::once(PathElement::new(
            vec![(m, 0.0), (m, top)],
            RGBColor(31, 119, 180).stroke_width(2),
        )))
        .map_err(|e| e.to_string())?;
        if let Some(old) = row.old {
            let m = old.median_us.point;
            c.draw_series(std::iter::once(PathElement::new(
                vec![(m, 0.0), (m, top)],
                RGBColor(90, 90, 90).stroke_width(2),
            )))
            .map_err(|e| e.to_string())?;
        }
        c.configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
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
                "<td class=\"{class}\">{:+.1}% [{:+.1}%, {:+.1}%] {word}</td>",
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
body{{font-family:sans-serif;margin:2em;color:#222}}table{{border-collapse:collapse}}\
td,th{{padding:.3em .7em;border-bottom:1px solid #ddd;text-align:right}}td:first-child,th:first-child{{text-align:left}}\
.bad{{color:#b00;font-weight:bold}}.good{{color:#070}}section{{margin-top:2em}}</style></head><body>\n\
<h1>mlpy-test bench</h1>\n<p>Medians with 95% bootstrap intervals; a change is a regression only when its whole interval lies beyond {threshold}%{}.</p>\n",
        baseline
            .map(|b| format!(", against baseline <b>{}</b>", escape(b)))
            .unwrap_or_default()
    );
    html.push_str("<table><tr><th>case</th><th>median µs [95% CI]</th><th>mean</th><th>p95</th><th>p99</th><th>min</th><th>max</th><th>exec/s</th><th>failed</th><th>change</th></tr>\n");
    for r in rows {
        let l = &r.new.latency;
        let _ = writeln!(
            html,
            "<tr><td><a href=\"#case-{i}\">{}</a></td><td>{:.1} [{:.1}, {:.1}]</td><td>{:.1}</td><td>{:.1}</td><td>{:.1}</td><td>{:.1}</td><td>{:.1}</td><td>{}</td><td>{}</td>{}</tr>",
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
            change_cell(&r.comparison),
            i = rows.iter().position(|x| x.name == r.name).unwrap_or(0),
        );
    }
    html.push_str("</table>\n");
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
