#!/usr/bin/env python3
"""Generate the AIS flag pack: data/ais/generated/mid.toml (MID → flag state).

usage: scripts/gen-ais-mid.py --source mid.csv [--iso iso_3166-1.json] [--date YYYY-MM-DD]
                              [--out FILE] [--check]

Reads the ITU Maritime Identification Digits table as shipped in libais 0.17 (docs/mid.csv:
prefix, country; Apache-2.0), finds each country in ISO 3166-1 (Debian's iso-codes JSON) by its
name without the ITU's parenthesised form ("Korea (Republic of)" → Korea, Republic of); a
territory written "Azores - Portugal" takes its own code if ISO has one, else its state's; the
wordings ISO does not know are in data/ais/mid-rules.toml. Every MID gets a flag or the script
fails. With --check nothing is written and the exit is 1 when the output would differ.
Python 3.11+, standard library only.
"""

import argparse
import csv
import datetime
import hashlib
import json
import os
import re
import sys
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RULES = "data/ais/mid-rules.toml"
OUT = "data/ais/generated/mid.toml"


def norm(s):
    return re.sub(r"[^a-z ]", "", s.lower().replace("&", "and")).strip()


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--iso", default="/usr/share/iso-codes/json/iso_3166-1.json")
    ap.add_argument("--date", default=datetime.date.today().isoformat())
    ap.add_argument("--out", default=os.path.join(ROOT, OUT))
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    with open(os.path.join(ROOT, RULES), "rb") as f:
        rules = tomllib.load(f)["iso"]
    with open(a.iso) as f:
        iso = json.load(f)["3166-1"]
    by_name = {}
    for c in iso:
        for k in ("name", "common_name", "official_name"):
            if k in c:
                by_name[norm(c[k])] = c["alpha_2"]
    raw = open(a.source, "rb").read()
    rows = list(csv.DictReader(raw.decode("utf-8").splitlines()))
    out, missing, seen = [], [], set()
    for r in rows:
        mid, country = r["prefix"].strip(), r["country"].strip()
        if not re.fullmatch(r"[2-7]\d\d", mid) or mid in seen:
            sys.exit(f"{a.source}: MID {mid!r} is not three digits 200-799, or is repeated")
        seen.add(mid)
        flag = rules.get(country)
        for part in country.split(" - "):
            if flag:
                break
            for key in (norm(re.sub(r"\(.*?\)", "", part)), norm(part)):
                if key in by_name:
                    flag = by_name[key]
                    break
        if not flag:
            missing.append(country)
        out.append((mid, flag, country))
    if missing:
        sys.exit("no ISO 3166-1 code for: " + "; ".join(missing) + f" (add them to {RULES})")
    sha = hashlib.sha256(raw).hexdigest()
    lines = [
        "# borderwatch AIS pack: the flag state of each Maritime Identification Digits (MID) prefix,",
        "# generated — do not edit by hand.",
        "#",
        f"# Made by: python3 scripts/gen-ais-mid.py --source mid.csv --date {a.date}",
        f"# Generated: {a.date}",
        "# Source: the ITU's table of Maritime Identification Digits as shipped in the PyPI package",
        "#   libais 0.17 (libais-0.17/docs/mid.csv, by Kurt Schwehr; Apache-2.0),",
        f"#   sha256 {sha}.",
        "# Flags: ISO 3166-1 alpha-2, found by country name in Debian's iso-codes, with the ITU",
        f"#   wordings it lacks in {RULES}. `country` keeps the ITU's wording.",
        f"# Counts: {len(out)} MIDs, {len(set(f for _, f, _ in out))} flags.",
        "",
        "mids = [",
    ]
    for mid, flag, country in out:
        lines.append(f"  {{ mid = {mid}, flag = {toml_str(flag)}, country = {toml_str(country)} }},")
    lines.append("]")
    text = "\n".join(lines) + "\n"
    if a.check:
        old = open(a.out).read() if os.path.exists(a.out) else ""
        # The date line is not content.
        strip = lambda t: "\n".join(l for l in t.splitlines() if not l.startswith(("# Made by", "# Generated")))
        sys.exit(0 if strip(old) == strip(text) else 1)
    with open(a.out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
