//! Numbers in prose: digits ("11", "1,200", "8.8") and English number words ("three",
//! "twenty-five", "a hundred").

/// A number found in text, with its clean-text byte span.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num {
    pub start: usize,
    pub end: usize,
    pub value: f64,
}

const UNITS: &[(&str, f64)] = &[
    ("zero", 0.0),
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("thirteen", 13.0),
    ("fourteen", 14.0),
    ("fifteen", 15.0),
    ("sixteen", 16.0),
    ("seventeen", 17.0),
    ("eighteen", 18.0),
    ("nineteen", 19.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fifty", 50.0),
    ("sixty", 60.0),
    ("seventy", 70.0),
    ("eighty", 80.0),
    ("ninety", 90.0),
    ("dozen", 12.0),
];

const SCALES: &[(&str, f64)] = &[
    ("hundred", 100.0),
    ("thousand", 1_000.0),
    ("million", 1_000_000.0),
    ("billion", 1_000_000_000.0),
];

// The tables are lower-case ASCII: comparing ignoring ASCII case is comparing the lower-cased word.
fn word_value(w: &str) -> Option<f64> {
    UNITS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(w))
        .map(|(_, v)| *v)
}

fn scale_value(w: &str) -> Option<f64> {
    let l = w
        .strip_suffix('s')
        .or_else(|| w.strip_suffix('S'))
        .unwrap_or(w);
    SCALES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(l))
        .map(|(_, v)| *v)
}

/// Every number in `text[from..to]`, in order.
pub fn numbers(text: &str, from: usize, to: usize) -> Vec<Num> {
    let mut out: Vec<Num> = Vec::new();
    let words = words(text, from, to);
    let mut k = 0;
    while k < words.len() {
        let (s, e) = words[k];
        let w = &text[s..e];
        if let Some(v) = parse_digits(w) {
            let mut num = Num {
                start: s,
                end: e,
                value: v,
            };
            // "10 million", "1.5 billion"
            if let Some(&(s2, e2)) = words.get(k + 1) {
                if let Some(sc) = scale_value(&text[s2..e2]) {
                    num.value *= sc;
                    num.end = e2;
                    k += 1;
                }
            }
            out.push(num);
            k += 1;
            continue;
        }
        // Word numbers, possibly hyphenated ("twenty-five") or scaled ("three hundred").
        // "twenty-five" sums; "four-kilogram" is four.
        let mut numeric = 0;
        let mut sum = 0.0;
        for v in w.split('-').map_while(word_value) {
            numeric += 1;
            sum += v;
        }
        let mut value = None;
        if numeric > 0 {
            value = Some(sum);
        } else if (w.eq_ignore_ascii_case("a") || w.eq_ignore_ascii_case("an"))
            && words
                .get(k + 1)
                .is_some_and(|&(s2, e2)| scale_value(&text[s2..e2]).is_some())
        {
            value = Some(1.0);
        }
        if let Some(mut v) = value {
            let mut end = e;
            while let Some(&(s2, e2)) = words.get(k + 1) {
                match scale_value(&text[s2..e2]) {
                    Some(sc) => {
                        v *= sc;
                        end = e2;
                        k += 1;
                    }
                    None => break,
                }
            }
            out.push(Num {
                start: s,
                end,
                value: v,
            });
        }
        k += 1;
    }
    out
}

fn parse_digits(w: &str) -> Option<f64> {
    let w = w.trim_end_matches(['.', ',']);
    if !w.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    // "8.8-lb", "four-kilogram": take the numeric head.
    let head: String = w
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.')
        .filter(|c| *c != ',')
        .collect();
    head.parse().ok()
}

/// Word spans, with digits keeping their inner commas and points ("1,200", "8.8").
pub fn words(text: &str, from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = from;
    // ASCII bytes are their own characters: only other bytes are decoded.
    let char_at = |i: usize| -> char {
        if b[i] < 0x80 {
            b[i] as char
        } else {
            text[i..].chars().next().unwrap_or(' ')
        }
    };
    while i < to {
        let c = char_at(i);
        if c.is_alphanumeric() {
            let s = i;
            while i < to {
                let ch = char_at(i);
                let inner = matches!(ch, ',' | '.' | '-' | '\'' | '’')
                    && i + 1 < to
                    && (b[i + 1] as char).is_alphanumeric()
                    && (ch == '-'
                        || ch == '\''
                        || ch == '’'
                        || (b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit()));
                if ch.is_alphanumeric() || inner {
                    i += ch.len_utf8();
                } else {
                    break;
                }
            }
            out.push((s, i));
        } else {
            i += c.len_utf8();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(t: &str) -> Vec<f64> {
        numbers(t, 0, t.len()).iter().map(|n| n.value).collect()
    }

    #[test]
    fn digits_and_words() {
        assert_eq!(vals("300 or more trucks, over 10 tons"), [300.0, 10.0]);
        assert_eq!(
            vals("from seven to 20 days to three or four days"),
            [7.0, 20.0, 3.0, 4.0]
        );
        assert_eq!(vals("1,200 tonnes and twenty-five wagons"), [1200.0, 25.0]);
        assert_eq!(
            vals("three hundred trucks, 1.5 million dollars"),
            [300.0, 1_500_000.0]
        );
        assert_eq!(vals("four-kilogram [8.8-lb] tanks"), [4.0, 8.8]);
        assert!(vals("someone said nothing").is_empty());
    }
}
