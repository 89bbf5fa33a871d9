//! One line of an NMEA 0183 file: an AIS sentence (`!AIVDM`/`!AIVDO`, any talker) with its
//! optional tag block (`\g:…,c:…*hh\`), a Gatehouse receiver time (`$PGHP,1,…`), or another
//! sentence.
//!
//! Owns: the sentence fields, checksums (of the sentence and of the tag block), tag block
//! receiver times (`c:`, Unix seconds, or milliseconds when the value is that large) and
//! groups (`g:part-total-id`), a Unix time written after the checksum (`…*hh,1714521600`; a
//! tag block's time wins), and `$PGHP` times.
//!
//! Refuses: joining fragments or decoding payloads (`reader.rs`, `message.rs`), and accepting
//! a line whose checksum does not match — the line is reported, never decoded "anyway".

use borderwatch_model::IssueCode;

/// A tag block's group: this line is `part` of `total` lines of group `id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    pub part: u8,
    pub total: u8,
    pub id: u32,
}

/// What a tag block says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TagBlock {
    /// Receiver time, Unix seconds.
    pub time: Option<i64>,
    pub group: Option<Group>,
    /// The receiving station (`s:`).
    pub source: Option<String>,
}

/// One AIS sentence (a fragment of a message).
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence<'a> {
    /// The talker (`AI`, `AB`, `SA`, …).
    pub talker: [u8; 2],
    /// `VDO` (own ship) rather than `VDM`.
    pub own: bool,
    pub total: u8,
    pub number: u8,
    /// The sequential message id joining a multi-part message's fragments.
    pub seq: Option<u8>,
    pub channel: Option<u8>,
    pub payload: &'a [u8],
    pub fill: u8,
}

/// A line, read.
#[derive(Debug, Clone, PartialEq)]
pub enum Line<'a> {
    Ais(TagBlock, Sentence<'a>),
    /// A receiver time for the next AIS sentence (`$PGHP,1`), Unix seconds.
    Time(i64),
}

/// Why a line is not read: the code and a message naming the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Bad(pub IssueCode, pub String);

fn bad(code: IssueCode, msg: impl Into<String>) -> Bad {
    Bad(code, msg.into())
}

/// The NMEA checksum: the bytes xor-ed.
#[inline]
fn xor(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0, |a, b| a ^ b)
}

/// The bytes xor-ed and the commas counted, eight bytes at a time (for at most 2,040 bytes:
/// a count per byte lane, summed once).
#[inline]
fn xor_commas(bytes: &[u8]) -> (u8, u32) {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let mut words = bytes.chunks_exact(8);
    let (mut x, mut lanes) = (0u64, 0u64);
    let mut add = |w: [u8; 8]| {
        let w = u64::from_le_bytes(w);
        x ^= w;
        // 1 in each byte lane equal to ',' (exact: no carry crosses lanes).
        let d = w ^ 0x2c2c_2c2c_2c2c_2c2c;
        lanes += (!(((d & LOW7) + LOW7) | d | LOW7)) >> 7;
    };
    for w in &mut words {
        add([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
    }
    add(tail_word(bytes, words.remainder().len()));
    let x = x ^ (x >> 32);
    let x = x ^ (x >> 16);
    // The lanes (each under 256) summed in pairs, then the four pairs by one multiply.
    const PAIRS: u64 = 0x00ff_00ff_00ff_00ff;
    let pairs = (lanes & PAIRS) + ((lanes >> 8) & PAIRS);
    let commas = (pairs.wrapping_mul(0x0001_0001_0001_0001) >> 48) as u32;
    ((x ^ (x >> 8)) as u8, commas)
}

/// The last `rest` (< 8) bytes as a word's first bytes, zeros after them (no change to a sum,
/// no comma): read as the last eight bytes when there are so many, without a copy loop.
#[inline]
fn tail_word(bytes: &[u8], rest: usize) -> [u8; 8] {
    match bytes.last_chunk::<8>() {
        Some(w) => (u64::from_le_bytes(*w).checked_shr(8 * (8 - rest) as u32))
            .unwrap_or(0)
            .to_le_bytes(),
        None => {
            let mut last = [0u8; 8];
            last[..rest].copy_from_slice(&bytes[bytes.len() - rest..]);
            last
        }
    }
}

fn hex(s: &[u8]) -> Option<u8> {
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    match s {
        [a] => digit(*a),
        [a, b] => Some(digit(*a)? * 16 + digit(*b)?),
        _ => None,
    }
}

/// Splits `body*hh` and checks the checksum over `body`.
fn checked<'a>(text: &'a [u8], what: &str) -> Result<&'a [u8], Bad> {
    let star = text.iter().rposition(|&b| b == b'*').ok_or_else(|| {
        bad(
            IssueCode::BadSentence,
            format!("the {what} has no *checksum"),
        )
    })?;
    let (body, sum) = (&text[..star], &text[star + 1..]);
    let want = hex(sum).ok_or_else(|| {
        bad(
            IssueCode::BadSentence,
            format!(
                "the {what}'s checksum {:?} is not hexadecimal",
                String::from_utf8_lossy(sum)
            ),
        )
    })?;
    let got = xor(body);
    if got != want {
        return Err(bad(
            IssueCode::BadChecksum,
            format!("the {what}'s checksum is {want:02X} but its text gives {got:02X}"),
        ));
    }
    Ok(body)
}

/// The earliest and latest receiver times believed (a wider value is a misread field).
const FIRST_TIME: i64 = 315_532_800; // 1980-01-01
const LAST_TIME: i64 = 4_102_444_800; // 2100-01-01

/// A tag block's `c:` value: Unix seconds, or milliseconds when larger than any second count
/// of the years believed.
pub fn unix_time(raw: &str) -> Result<i64, Bad> {
    let v: i64 = raw
        .parse()
        .ok()
        .filter(|_| raw.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            bad(
                IssueCode::BadTimestamp,
                format!("receiver time {raw:?} is not a number of seconds"),
            )
        })?;
    let secs = if v >= 100_000_000_000 { v / 1000 } else { v };
    if !(FIRST_TIME..LAST_TIME).contains(&secs) {
        return Err(bad(
            IssueCode::BadTimestamp,
            format!("receiver time {raw:?} is not between 1980 and 2100"),
        ));
    }
    Ok(secs)
}

fn tag_block(text: &[u8]) -> Result<TagBlock, Bad> {
    let body = checked(text, "tag block")?;
    let body = std::str::from_utf8(body)
        .map_err(|_| bad(IssueCode::BadSentence, "the tag block is not ASCII"))?;
    let mut tag = TagBlock::default();
    for item in body.split(',') {
        let Some((k, v)) = item.split_once(':') else {
            return Err(bad(
                IssueCode::BadSentence,
                format!("tag block item {item:?} is not key:value"),
            ));
        };
        match k {
            "c" => tag.time = Some(unix_time(v)?),
            "s" => tag.source = Some(v.to_string()),
            "g" => {
                let parts: Vec<&str> = v.split('-').collect();
                let num = |s: &str| s.parse::<u32>().ok();
                let g = match parts[..] {
                    [a, b, c] => match (num(a), num(b), num(c)) {
                        (Some(p), Some(t), Some(id)) if p >= 1 && p <= t && t <= 99 => {
                            Some(Group {
                                part: p as u8,
                                total: t as u8,
                                id,
                            })
                        }
                        _ => None,
                    },
                    _ => None,
                };
                tag.group = Some(g.ok_or_else(|| {
                    bad(
                        IssueCode::BadSentence,
                        format!("tag block group {v:?} is not part-total-id"),
                    )
                })?);
            }
            // Destination, line count, relative time and text say nothing a track needs.
            "d" | "n" | "r" | "t" | "i" => {}
            _ => {
                return Err(bad(
                    IssueCode::BadSentence,
                    format!("tag block key {k:?} is unknown"),
                ))
            }
        }
    }
    Ok(tag)
}

fn small(field: &[u8], what: &str, range: std::ops::RangeInclusive<u8>) -> Result<u8, Bad> {
    // One or two digits, read by hand: this runs four times a sentence.
    let v = match field {
        [a] if a.is_ascii_digit() => Some(a - b'0'),
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => Some((a - b'0') * 10 + (b - b'0')),
        _ => None,
    };
    v.filter(|v| range.contains(v)).ok_or_else(|| {
        bad(
            IssueCode::BadSentence,
            format!(
                "{what} {:?} is not {}-{}",
                String::from_utf8_lossy(field),
                range.start(),
                range.end()
            ),
        )
    })
}

/// The seven fields of an AIS sentence, or how many it has when not seven. The short fields
/// are scanned byte by byte, the payload with `memchr`.
fn fields(body: &[u8]) -> Result<[&[u8]; 7], usize> {
    let count = || memchr::memchr_iter(b',', body).count() + 1;
    let mut f: [&[u8]; 7] = [&[]; 7];
    let mut rest = body;
    for (k, field) in f.iter_mut().enumerate().take(6) {
        let end = if k == 5 {
            memchr::memchr(b',', rest)
        } else {
            rest.iter().position(|&b| b == b',')
        };
        let Some(end) = end else {
            return Err(count());
        };
        *field = &rest[..end];
        rest = &rest[end + 1..];
    }
    if rest.contains(&b',') {
        return Err(count());
    }
    f[6] = rest;
    Ok(f)
}

fn sentence(body: &[u8]) -> Result<Sentence<'_>, Bad> {
    let f = fields(body).map_err(|n| {
        bad(
            IssueCode::BadSentence,
            format!("an AIS sentence has 7 fields, this one {n}"),
        )
    })?;
    let head = f[0];
    let talker = [head[0], head[1]];
    let total = small(f[1], "the fragment count", 1..=9)?;
    let number = small(f[2], "the fragment number", 1..=total)?;
    let seq = match f[3] {
        [] => None,
        s => Some(small(s, "the sequential message id", 0..=9)?),
    };
    let channel = match f[4] {
        [] => None,
        [c @ (b'A' | b'B' | b'1' | b'2')] => Some(*c),
        c => {
            return Err(bad(
                IssueCode::BadSentence,
                format!(
                    "channel {:?} is not A, B, 1 or 2",
                    String::from_utf8_lossy(c)
                ),
            ))
        }
    };
    let fill = small(f[6], "the fill-bit count", 0..=5)?;
    Ok(Sentence {
        talker,
        own: &head[2..] == b"VDO",
        total,
        number,
        seq,
        channel,
        payload: f[5],
        fill,
    })
}

/// `$PGHP,1,year,month,day,hour,minute,second,millisecond,country,region,pss,online`.
fn gatehouse(body: &[u8]) -> Result<i64, Bad> {
    let text = std::str::from_utf8(body)
        .map_err(|_| bad(IssueCode::BadSentence, "the $PGHP sentence is not ASCII"))?;
    let f: Vec<&str> = text.split(',').collect();
    if f.get(1) != Some(&"1") || f.len() < 9 {
        return Err(bad(
            IssueCode::NotAis,
            "a $PGHP sentence other than a type 1 time: not read",
        ));
    }
    let n = |i: usize| f[i].parse::<u32>().ok();
    let t = match (n(2), n(3), n(4), n(5), n(6), n(7)) {
        (Some(y), Some(mo), Some(d), Some(h), Some(mi), Some(s)) => {
            chrono::NaiveDate::from_ymd_opt(y as i32, mo, d).and_then(|d| d.and_hms_opt(h, mi, s))
        }
        _ => None,
    };
    let t = t.ok_or_else(|| {
        bad(
            IssueCode::BadTimestamp,
            format!("$PGHP time {:?} is not a date and time", f[2..8].join(",")),
        )
    })?;
    let secs = t.and_utc().timestamp();
    if !(FIRST_TIME..LAST_TIME).contains(&secs) {
        return Err(bad(
            IssueCode::BadTimestamp,
            format!("$PGHP time {} is not between 1980 and 2100", t),
        ));
    }
    Ok(secs)
}

#[inline]
fn is_ais_head(body: &[u8]) -> bool {
    body.len() >= 5
        && body[..2].iter().all(u8::is_ascii_uppercase)
        && (&body[2..5] == b"VDM" || &body[2..5] == b"VDO")
        && body.get(5) == Some(&b',')
}

/// A receiver time some feeds write after the checksum (`…*5C,1714521600`): the sentence
/// without it, and the time.
fn trailing_time(text: &[u8]) -> Result<(&[u8], Option<i64>), Bad> {
    let Some(star) = text.iter().rposition(|&b| b == b'*') else {
        return Ok((text, None));
    };
    match text[star + 1..].iter().position(|&b| b == b',') {
        Some(comma) if comma == 2 => {
            let end = star + 1 + comma;
            let raw = std::str::from_utf8(&text[end + 1..]).unwrap_or("?");
            Ok((&text[..end], Some(unix_time(raw)?)))
        }
        _ => Ok((text, None)),
    }
}

/// A one-sentence message in the shape most lines have, read in one pass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Single<'a> {
    pub payload: &'a [u8],
    pub fill: u8,
}

/// The common line — `!ccVDM,1,1,s,c,payload,f*hh` (`s` and `c` may be empty), its checksum
/// right, no tag block and nothing after the checksum — read without the general path.
/// `None` for any other line: [`parse_line`] reads it, and gives the same as this when this
/// gives anything (a line `Some` here has no tag block, no time of its own, one fragment).
pub fn single(line: &[u8]) -> Option<Single<'_>> {
    let n = line.len();
    // Longer lines (none in practice) go the general way: the comma count is for 2,040 bytes.
    if !(18..=2000).contains(&n) || line[0] != b'!' || line[n - 3] != b'*' {
        return None;
    }
    let body = &line[1..n - 3];
    let (sum, commas) = xor_commas(body);
    // Six commas: the five of the shape matched below and the one before the fill, so none
    // in the payload.
    if !is_ais_head(body) || hex(&line[n - 2..]) != Some(sum) || commas != 6 {
        return None;
    }
    let rest = body[6..].strip_prefix(b"1,1,")?;
    let rest = match rest {
        [b'0'..=b'9', b',', r @ ..] | [b',', r @ ..] => r,
        _ => return None,
    };
    let rest = match rest {
        [b'A' | b'B' | b'1' | b'2', b',', r @ ..] | [b',', r @ ..] => r,
        _ => return None,
    };
    let [payload @ .., b',', f @ b'0'..=b'5'] = rest else {
        return None;
    };
    Some(Single {
        payload,
        fill: f - b'0',
    })
}

/// Reads one line (without its line break; surrounding whitespace is ignored).
pub fn parse_line(line: &[u8]) -> Result<Line<'_>, Bad> {
    let line = line.trim_ascii();
    let (tag, rest) = match line.strip_prefix(b"\\") {
        Some(after) => {
            let end = after.iter().position(|&b| b == b'\\').ok_or_else(|| {
                bad(
                    IssueCode::BadSentence,
                    "the tag block has no closing backslash",
                )
            })?;
            (tag_block(&after[..end])?, &after[end + 1..])
        }
        None => (TagBlock::default(), line),
    };
    match rest.first() {
        Some(b'!') if is_ais_head(&rest[1..]) => {
            let (text, trailing) = trailing_time(&rest[1..])?;
            let body = checked(text, "sentence")?;
            let mut tag = tag;
            if tag.time.is_none() {
                tag.time = trailing;
            }
            Ok(Line::Ais(tag, sentence(body)?))
        }
        Some(b'$') if rest[1..].starts_with(b"PGHP,") => {
            let body = checked(&rest[1..], "sentence")?;
            Ok(Line::Time(gatehouse(body)?))
        }
        Some(b'!' | b'$')
            if rest.len() >= 6 && rest[1..6].iter().all(u8::is_ascii_alphanumeric) =>
        {
            Err(bad(
                IssueCode::NotAis,
                format!(
                    "a {} sentence is not AIS: not a track",
                    String::from_utf8_lossy(&rest[..6])
                ),
            ))
        }
        _ => Err(bad(
            IssueCode::BadSentence,
            "the line is not an NMEA sentence (no !AIVDM, !AIVDO or $PGHP)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        let Line::Ais(tag, s) = parse_line(
            b"\\s:2573535,c:1671533231*08\\!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23\r",
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(tag.time, Some(1671533231));
        assert_eq!(tag.source.as_deref(), Some("2573535"));
        assert_eq!(
            (s.total, s.number, s.seq, s.channel),
            (1, 1, None, Some(b'A'))
        );
        let e = |l: &str| parse_line(l.as_bytes()).unwrap_err();
        assert_eq!(
            e("!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*24").0,
            IssueCode::BadChecksum
        );
        assert_eq!(
            e("!AIVDM,1,1,,B,15N4cJ005Jrek0H@9nDW5608EP,013").0,
            IssueCode::BadSentence
        );
        assert_eq!(
            e("$GPGGA,184353.07,1929.045,S,02410.506,E,1,04,2.6,100.00,M,-33.9,M,,0000*6D").0,
            IssueCode::NotAis
        );
        assert_eq!(e("IamNotAnAisMessage1111").0, IssueCode::BadSentence);
        assert_eq!(
            parse_line(b"$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17").unwrap(),
            Line::Time(1210291200)
        );
        assert_eq!(unix_time("1671533231000").unwrap(), 1671533231);
        let Line::Ais(tag, _) =
            parse_line(b"!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23,1714521600").unwrap()
        else {
            panic!()
        };
        assert_eq!(tag.time, Some(1714521600));
        assert_eq!(
            e("!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23,noon").0,
            IssueCode::BadTimestamp
        );
        assert_eq!(
            unix_time("12415440354").unwrap_err().0,
            IssueCode::BadTimestamp
        );
    }

    /// The one-pass reading of the common line gives what the general one gives, on lines
    /// of that shape with each byte in turn changed: or leaves the line to it.
    #[test]
    fn single_agrees_with_the_general_reading() {
        let base = b"!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23".to_vec();
        let mut taken = 0;
        for i in 0..base.len() {
            for b in [b',', b'*', b'0', b'5', b'9', b'B', b'x', b'\\', 0xc3] {
                let mut line = base.clone();
                line[i] = b;
                // Keep the checksum right where the change is before it, so the field
                // checks, not the sum, decide.
                if let Some(star) = line.iter().rposition(|&c| c == b'*') {
                    if i < star {
                        let sum = xor(&line[1..star]);
                        line.truncate(star + 1);
                        line.extend_from_slice(format!("{sum:02X}").as_bytes());
                    }
                }
                let Some(one) = single(&line) else {
                    continue;
                };
                taken += 1;
                let Ok(Line::Ais(tag, s)) = parse_line(&line) else {
                    panic!("{:?}", String::from_utf8_lossy(&line));
                };
                assert_eq!(tag, TagBlock::default());
                assert_eq!((s.total, s.number), (1, 1));
                assert_eq!((s.payload, s.fill), (one.payload, one.fill));
            }
        }
        assert!(taken > 100, "{taken}");
    }
}
