//! Name folding shared by every alias comparison: one definition of "the same name".
//!
//! Folding lowercases, strips Latin diacritics (Sinŭiju → sinuiju), drops apostrophes and
//! breve-like marks (Manp'o, Ch’ŏngjin → manpo, chongjin), turns hyphens, dashes and underscores
//! into spaces and collapses whitespace. Hangul, Chinese and Cyrillic pass through unchanged
//! (only lowercased), so 신의주 and 新义州 stay matchable.

use unicode_normalization::char::decompose_canonical;

/// Folds a name for comparison. See the module doc for the rules.
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_space = false;
    for c in name.chars() {
        match c {
            '\'' | '’' | 'ʼ' | '‘' | '`' | '´' | 'ʻ' => continue,
            '-' | '–' | '—' | '_' | '/' => {
                pending_space = true;
                continue;
            }
            c if c.is_whitespace() => {
                pending_space = true;
                continue;
            }
            _ => {}
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        if is_latin(c) {
            decompose_canonical(c, |d| {
                if !is_combining(d) {
                    out.extend(d.to_lowercase());
                }
            });
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

fn is_latin(c: char) -> bool {
    matches!(c as u32, 0x00C0..=0x024F | 0x1E00..=0x1EFF)
}

fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F)
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_romanizations_to_one_form() {
        assert_eq!(fold("Sinŭiju"), "sinuiju");
        assert_eq!(fold("Ch’ŏngjin"), "chongjin");
        assert_eq!(fold("Manp'o"), "manpo");
        assert_eq!(fold("Wonjong-ri"), "wonjong ri");
        assert_eq!(fold("  Dandong–Sinuiju "), "dandong sinuiju");
        assert_eq!(fold("신의주"), "신의주");
        assert_eq!(fold("Хасан"), "хасан");
    }
}
