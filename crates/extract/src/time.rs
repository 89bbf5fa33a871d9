//! Time expressions: dates, months, parts of months, years, weekdays, relative words
//! ("this month", "last year") and durations ("for over a year", "16 or so months"), resolved
//! against the publication date when one is given and kept as unresolved text otherwise.

use std::borrow::Cow;

use borderwatch_model::{Date, Precision, When};
use chrono::{Datelike, Duration, NaiveDate, Weekday};

use crate::numbers::{numbers, words};

const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
];

/// Words before a month or year that make it a date ("in May", "since 2020"), not "may".
const DATE_WORDS_BEFORE: &[&str] = &[
    "in", "since", "until", "by", "of", "from", "through", "during", "early", "late", "mid", "on",
    "till", "before", "after",
];

const WEEKDAYS: &[(&str, Weekday)] = &[
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
];

fn month_of(w: &str) -> Option<u32> {
    // The tables are lower-case ASCII: ignoring ASCII case is comparing the lower-cased word.
    let l = w.trim_end_matches('.');
    MONTHS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(l))
        .map(|(_, m)| *m)
}

fn weekday_of(w: &str) -> Option<Weekday> {
    WEEKDAYS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(w))
        .map(|(_, d)| *d)
}

fn year_of(w: &str) -> Option<i32> {
    let w = w.trim_end_matches(['.', ',']);
    (w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
        .then(|| w.parse().ok())
        .flatten()
        .filter(|y| (1950..=2100).contains(y))
}

/// What was written, before resolution.
#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Date {
        year: Option<i32>,
        month: u32,
        day: u32,
    },
    /// `part`: 0 whole month, 1 early, 2 mid, 3 late.
    Month {
        year: Option<i32>,
        month: u32,
        part: u8,
        year_offset: Option<i32>,
    },
    Year(i32),
    Weekday(Weekday),
    /// Offsets from the publication date's month or year.
    RelMonth(i32),
    RelYear(i32),
    RelDay(i64),
    /// A span ending at publication: days.
    Duration(i64),
}

/// A time expression with its clean-text span.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeExpr {
    pub start: usize,
    pub end: usize,
    since: bool,
    expr: Expr,
}

impl TimeExpr {
    /// Resolves against the publication date (when known) into a [`When`].
    pub fn resolve(&self, text: &str, published: Option<Date>, span: [usize; 2]) -> When {
        let (start, end, precision) = resolve(&self.expr, published);
        When {
            start,
            end,
            precision,
            since: self.since,
            text: text[self.start..self.end].to_string(),
            span,
        }
    }
}

fn month_bounds(y: i32, m: u32, part: u8) -> Option<(Date, Date)> {
    let first = NaiveDate::from_ymd_opt(y, m, 1)?;
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y.checked_add(1)?, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)?
    };
    let last = next.pred_opt()?;
    Some(match part {
        1 => (first, NaiveDate::from_ymd_opt(y, m, 10)?),
        2 => (
            NaiveDate::from_ymd_opt(y, m, 11)?,
            NaiveDate::from_ymd_opt(y, m, 20)?,
        ),
        3 => (NaiveDate::from_ymd_opt(y, m, 21)?, last),
        _ => (first, last),
    })
}

/// The year a month without a year most likely falls in: the latest not after publication.
fn year_for(month: u32, published: Date) -> i32 {
    if month <= published.month() {
        published.year()
    } else {
        published.year() - 1
    }
}

/// Resolves, then keeps the result only when both ends have four-digit years: a time the
/// calendar cannot hold (or a sum that would overflow it) is unresolved, never a panic.
fn resolve(e: &Expr, p: Option<Date>) -> (Option<Date>, Option<Date>, Precision) {
    let r = resolve_raw(e, p);
    let fits = |d: Option<Date>| d.is_some_and(borderwatch_model::in_calendar);
    if r.2 != Precision::Unresolved && !(fits(r.0) && fits(r.1)) {
        return (None, None, Precision::Unresolved);
    }
    r
}

/// `p` plus `days`, or `None` past the calendar's end.
fn add_days(p: Date, days: i64) -> Option<Date> {
    p.checked_add_signed(Duration::try_days(days)?)
}

fn resolve_raw(e: &Expr, p: Option<Date>) -> (Option<Date>, Option<Date>, Precision) {
    let unresolved = (None, None, Precision::Unresolved);
    match *e {
        Expr::Date { year, month, day } => {
            let y = match (year, p) {
                (Some(y), _) => y,
                (None, Some(p)) => year_for(month, p),
                (None, None) => return unresolved,
            };
            match NaiveDate::from_ymd_opt(y, month, day) {
                Some(d) => (Some(d), Some(d), Precision::Day),
                None => unresolved,
            }
        }
        Expr::Month {
            year,
            month,
            part,
            year_offset,
        } => {
            let y = match (year, year_offset, p) {
                (Some(y), _, _) => y,
                (None, Some(o), Some(p)) => match p.year().checked_add(o) {
                    Some(y) => y,
                    None => return unresolved,
                },
                (None, None, Some(p)) => year_for(month, p),
                _ => return unresolved,
            };
            match month_bounds(y, month, part) {
                Some((a, b)) => (
                    Some(a),
                    Some(b),
                    if part == 0 {
                        Precision::Month
                    } else {
                        Precision::Period
                    },
                ),
                None => unresolved,
            }
        }
        Expr::Year(y) => (
            NaiveDate::from_ymd_opt(y, 1, 1),
            NaiveDate::from_ymd_opt(y, 12, 31),
            Precision::Year,
        ),
        Expr::Weekday(wd) => match p {
            Some(p) => {
                let back = (7 + p.weekday().num_days_from_monday() as i64
                    - wd.num_days_from_monday() as i64)
                    % 7;
                let d = add_days(p, -back);
                (d, d, Precision::Day)
            }
            None => unresolved,
        },
        Expr::RelMonth(o) => match p {
            Some(p) => {
                let idx = i64::from(p.year()) * 12 + i64::from(p.month0()) + i64::from(o);
                let Ok(idx) = i32::try_from(idx) else {
                    return unresolved;
                };
                let (y, m) = (idx.div_euclid(12), idx.rem_euclid(12) as u32 + 1);
                match month_bounds(y, m, 0) {
                    Some((a, b)) => (Some(a), Some(b), Precision::Month),
                    None => unresolved,
                }
            }
            None => unresolved,
        },
        Expr::RelYear(o) => match p {
            Some(p) => match p.year().checked_add(o) {
                Some(y) => (
                    NaiveDate::from_ymd_opt(y, 1, 1),
                    NaiveDate::from_ymd_opt(y, 12, 31),
                    Precision::Year,
                ),
                None => unresolved,
            },
            None => unresolved,
        },
        Expr::RelDay(o) => match p {
            Some(p) => {
                let d = add_days(p, o);
                (d, d, Precision::Day)
            }
            None => unresolved,
        },
        Expr::Duration(days) => match p {
            Some(p) => (
                days.checked_neg().and_then(|d| add_days(p, d)),
                Some(p),
                Precision::Duration,
            ),
            None => unresolved,
        },
    }
}

/// Every time expression in `text[from..to]`, in order.
pub fn times(text: &str, from: usize, to: usize) -> Vec<TimeExpr> {
    let ws = words(text, from, to);
    // Lower-cased words, copied only when they have a capital.
    let lw: Vec<Cow<str>> = ws
        .iter()
        .map(|&(s, e)| {
            let w = &text[s..e];
            if w.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(w.to_ascii_lowercase())
            } else {
                Cow::Borrowed(w)
            }
        })
        .collect();
    let word = |k: usize| lw.get(k).map(|w| &**w).unwrap_or("");
    let mut out: Vec<TimeExpr> = Vec::new();
    let mut k = 0;
    while k < ws.len() {
        let (s, _) = ws[k];
        let since = matches!(word(k.wrapping_sub(1)), "since");
        let mut push = |start: usize, end: usize, expr: Expr| {
            out.push(TimeExpr {
                start,
                end,
                since,
                expr,
            })
        };
        let w = word(k);
        // Parts of months: "early May", "mid-August", "late June", "the end of March".
        let (part, mk) = match w {
            "early" | "beginning" => (1, k + 1),
            "mid" => (2, k + 1),
            "late" | "end" => (3, k + 1),
            _ if w.starts_with("mid-") => (2, k),
            _ => (0, k),
        };
        let mk = if word(mk) == "of" { mk + 1 } else { mk };
        let mword = if part == 2 && mk == k {
            w.trim_start_matches("mid-")
        } else {
            word(mk)
        };
        if let Some(m) = month_of(mword) {
            let raw = &text[ws[mk].0..ws[mk].1];
            // "May" is also a verb: only a month when capitalised and placed like a date.
            let prev = word(k.wrapping_sub(1));
            let datey = part > 0
                || DATE_WORDS_BEFORE.contains(&prev)
                || word(mk + 1)
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_digit())
                || (word(mk + 1) == "of"
                    && (word(mk + 3) == "year" || year_of(word(mk + 2)).is_some()))
                || year_of(word(mk + 1)).is_some()
                || (part == 0
                    && word(k.wrapping_sub(1))
                        .trim_end_matches(|c: char| c.is_ascii_alphabetic())
                        .parse::<u32>()
                        .is_ok_and(|d| (1..=31).contains(&d)));
            let is_may = mword == "may";
            if datey && (!is_may || raw.starts_with('M')) {
                let mut end = ws[mk].1;
                let mut next = mk + 1;
                let day = word(next)
                    .trim_end_matches(['.', ','])
                    .trim_end_matches(|c: char| c.is_ascii_alphabetic())
                    .parse::<u32>()
                    .ok()
                    .filter(|d| (1..=31).contains(d) && year_of(word(next)).is_none());
                if day.is_some() {
                    end = ws[next].1;
                    next += 1;
                }
                // Day before month: "12 January 2023", "3rd of April".
                let mut start_at = ws[k].0;
                let day_before = if part == 0 && day.is_none() {
                    let (d, back) = if word(k.wrapping_sub(1)) == "of" {
                        (word(k.wrapping_sub(2)), 2)
                    } else {
                        (word(k.wrapping_sub(1)), 1)
                    };
                    d.trim_end_matches(|c: char| c.is_ascii_alphabetic())
                        .parse::<u32>()
                        .ok()
                        .filter(|d| (1..=31).contains(d) && k >= back)
                        .map(|d| (d, back))
                } else {
                    None
                };
                if let Some((_, back)) = day_before {
                    start_at = ws[k - back].0;
                }
                let day = day.or(day_before.map(|d| d.0));
                let mut year = year_of(word(next));
                if year.is_some() {
                    end = ws[next].1;
                    next += 1;
                }
                // "January of last year"
                let mut year_offset = None;
                if year.is_none() && word(next) == "of" {
                    let rel = match (word(next + 1), word(next + 2)) {
                        ("last", "year") => Some(-1),
                        ("this", "year") => Some(0),
                        ("next", "year") => Some(1),
                        _ => None,
                    };
                    if rel.is_some() {
                        year_offset = rel;
                        end = ws[next + 2].1;
                        next += 3;
                    } else if let Some(y) = year_of(word(next + 1)) {
                        year = Some(y);
                        end = ws[next + 1].1;
                        next += 2;
                    }
                }
                let expr = match day {
                    Some(d) if part == 0 => Expr::Date {
                        year,
                        month: m,
                        day: d,
                    },
                    _ => Expr::Month {
                        year,
                        month: m,
                        part,
                        year_offset,
                    },
                };
                let start = if part > 0 && mk > k { s } else { start_at };
                let start = if part > 0 && k > 0 && word(k - 1) == "the" && w != "mid" {
                    ws[k - 1].0
                } else {
                    start
                };
                push(start, end, expr);
                k = next;
                continue;
            }
        }
        if let Some(y) = year_of(w) {
            let prev = word(k.wrapping_sub(1));
            if DATE_WORDS_BEFORE.contains(&prev) || matches!(prev, "and" | "to") || k == 0 {
                push(s, ws[k].1, Expr::Year(y));
                k += 1;
                continue;
            }
        }
        if let Some(wd) = weekday_of(w) {
            push(s, ws[k].1, Expr::Weekday(wd));
            k += 1;
            continue;
        }
        let rel = match (w, word(k + 1)) {
            ("this", "month") => Some(Expr::RelMonth(0)),
            ("last", "month") => Some(Expr::RelMonth(-1)),
            ("next", "month") => Some(Expr::RelMonth(1)),
            ("this", "year") => Some(Expr::RelYear(0)),
            ("last", "year") => Some(Expr::RelYear(-1)),
            ("next", "year") => Some(Expr::RelYear(1)),
            ("this", "week") => Some(Expr::RelDay(0)),
            ("last", "week") => Some(Expr::RelDay(-7)),
            _ => None,
        };
        if let Some(e) = rel {
            push(s, ws[k + 1].1, e);
            k += 2;
            continue;
        }
        match w {
            "yesterday" => {
                push(s, ws[k].1, Expr::RelDay(-1));
                k += 1;
                continue;
            }
            "today" => {
                push(s, ws[k].1, Expr::RelDay(0));
                k += 1;
                continue;
            }
            _ => {}
        }
        // Durations: "for over a year", "for five months", "16 or so months".
        if let Some((end, days, next)) = duration_at(text, &ws, &lw, k) {
            push(s, end, Expr::Duration(days));
            k = next;
            continue;
        }
        k += 1;
    }
    out
}

/// A duration starting at word `k`: `[for] [over|about|nearly] (a|N) [or so] unit(s)`.
fn duration_at(
    text: &str,
    ws: &[(usize, usize)],
    lw: &[Cow<str>],
    k: usize,
) -> Option<(usize, i64, usize)> {
    let word = |i: usize| lw.get(i).map(|w| &**w).unwrap_or("");
    let mut i = k;
    let led = word(i) == "for";
    if led {
        i += 1;
    }
    while matches!(
        word(i),
        "over" | "about" | "nearly" | "almost" | "around" | "more" | "than" | "some" | "roughly"
    ) {
        i += 1;
    }
    let n = if matches!(word(i), "a" | "an") {
        1.0
    } else {
        let (s, e) = *ws.get(i)?;
        let nums = numbers(text, s, e);
        nums.first().filter(|n| n.start == s && n.end == e)?.value
    };
    i += 1;
    if word(i) == "or" && word(i + 1) == "so" {
        i += 2;
    }
    let unit = match word(i).trim_end_matches('s') {
        "day" => 1.0,
        "week" => 7.0,
        "month" => 30.44,
        "year" => 365.25,
        _ => return None,
    };
    // A bare "three days" is a quantity, not a time, unless led by "for" or it says "or so".
    if !(led || lw.get(k + 1).is_some_and(|w| w == "or") || lw[k] == "over") {
        return None;
    }
    Some((ws[i].1, (n * unit).round() as i64, i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, published: Option<&str>, expect: &[&str]) {
        let p = published.map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap());
        let got: Vec<String> = times(text, 0, text.len())
            .iter()
            .map(|t| {
                let w = t.resolve(text, p, [t.start, t.end]);
                format!(
                    "{}={}..{}:{:?}{}",
                    w.text,
                    w.start.map(|d| d.to_string()).unwrap_or_default(),
                    w.end.map(|d| d.to_string()).unwrap_or_default(),
                    w.precision,
                    if w.since { " since" } else { "" }
                )
            })
            .collect();
        assert_eq!(got, expect, "{text}");
    }

    /// Relative words and durations near the ends of the four-digit calendar (and counts no
    /// calendar holds) stay unresolved rather than panic or leave it.
    #[test]
    fn calendar_limits_leave_times_unresolved() {
        check(
            "Last week, trucks",
            Some("0000-01-03"),
            &["Last week=..:Unresolved"],
        );
        check(
            "Next year, trucks",
            Some("9999-06-01"),
            &["Next year=..:Unresolved"],
        );
        check(
            "Yesterday trucks",
            Some("0000-01-01"),
            &["Yesterday=..:Unresolved"],
        );
        check(
            "for 90000000000000000000 years, trucks",
            Some("2020-01-01"),
            &["for 90000000000000000000 years=..:Unresolved"],
        );
        check(
            "for 3000 years, trucks",
            Some("2020-01-01"),
            &["for 3000 years=..:Unresolved"],
        );
        check(
            "Last week, trucks",
            Some("9999-12-31"),
            &["Last week=9999-12-24..9999-12-24:Day"],
        );
        // The extremes chrono itself holds (a published date from a caller that did not check it).
        let max = NaiveDate::MAX;
        let min = NaiveDate::MIN;
        for text in [
            "last week",
            "next year",
            "next month",
            "last month",
            "for 3 days",
            "yesterday",
        ] {
            for p in [max, min] {
                for t in times(text, 0, text.len()) {
                    let w = t.resolve(text, Some(p), [t.start, t.end]);
                    assert_eq!(w.precision, Precision::Unresolved, "{text} at {p}");
                }
            }
        }
    }

    #[test]
    fn resolves_against_publication() {
        let p = Some("2022-09-27");
        check(
            "In early May, trucks",
            p,
            &["early May=2022-05-01..2022-05-10:Period"],
        );
        check(
            "since mid-August",
            p,
            &["mid-August=2022-08-11..2022-08-20:Period since"],
        );
        check(
            "on Monday morning",
            p,
            &["Monday=2022-09-26..2022-09-26:Day"],
        );
        check(
            "this month",
            p,
            &["this month=2022-09-01..2022-09-30:Month"],
        );
        check(
            "January of last year",
            p,
            &["January of last year=2021-01-01..2021-01-31:Month"],
        );
        check("on Aug. 10 the", p, &["Aug. 10=2022-08-10..2022-08-10:Day"]);
        check(
            "for over a year",
            p,
            &["for over a year=2021-09-27..2022-09-27:Duration"],
        );
        check(
            "for 16 or so months",
            p,
            &["for 16 or so months=2021-05-28..2022-09-27:Duration"],
        );
        check("in December", p, &["December=2021-12-01..2021-12-31:Month"]);
    }

    #[test]
    fn absolute_dates_resolve_without_publication() {
        check(
            "in November 2021 it",
            None,
            &["November 2021=2021-11-01..2021-11-30:Month"],
        );
        check("In 2022, rail", None, &["2022=2022-01-01..2022-12-31:Year"]);
        check(
            "in January 2020, when",
            None,
            &["January 2020=2020-01-01..2020-01-31:Month"],
        );
        check("on Monday", None, &["Monday=..:Unresolved"]);
        check("it may be that three days", None, &[]);
        check(
            "on 12 January 2023, two",
            None,
            &["12 January 2023=2023-01-12..2023-01-12:Day"],
        );
        check(
            "since 3rd of April 2023 the",
            None,
            &["3rd of April 2023=2023-04-03..2023-04-03:Day"],
        );
        check(
            "on 25 September, after",
            Some("2023-10-02"),
            &["25 September=2023-09-25..2023-09-25:Day"],
        );
        check(
            "80 trucks in May 2023",
            None,
            &["May 2023=2023-05-01..2023-05-31:Month"],
        );
    }
}
