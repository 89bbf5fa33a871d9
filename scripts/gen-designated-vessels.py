#!/usr/bin/env python3
"""Generate a designated-vessel pack from OFAC's SDN list: data/ais/generated/ofac-sdn-dprk.toml.

usage: scripts/gen-designated-vessels.py --source sdn_dprk_2024-05-03.csv --published 2024-05-03
                                         [--date YYYY-MM-DD] [--out FILE] [--check]

Reads the SDN rows of the DPRK programmes (OFAC's sdn.csv layout with a header row: ent_num,
SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner,
Remarks; `-0-` means empty), keeps the rows of type "vessel", and takes from the free-text
Remarks the IMO number ("Vessel Registration Identification IMO 1234567", also written without
"IMO"; kept only when its check digit is right), the other names ("a.k.a. 'X'", "f.k.a. 'X'")
and the companies it is linked to ("Linked To: X."). The pack's format is the one every
designated-vessel list uses (a [list] header and [[vessel]] entries), so the UN 1718 Committee's
list can be written in it too. With --check nothing is written and the exit is 1 when the
output would differ. Python 3.11+, standard library only.
"""

import argparse
import csv
import datetime
import hashlib
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = "data/ais/generated/ofac-sdn-dprk.toml"


def empty(v):
    v = (v or "").strip()
    return "" if v == "-0-" else v


def imo_ok(s):
    d = [int(c) for c in s]
    return len(d) == 7 and sum(x * (7 - i) for i, x in enumerate(d[:6])) % 10 == d[6]


def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def arr(xs):
    return "[" + ", ".join(q(x) for x in xs) + "]"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--published", required=True, help="the date of the list as published")
    ap.add_argument("--date", default=datetime.date.today().isoformat())
    ap.add_argument("--out", default=os.path.join(ROOT, OUT))
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    raw = open(a.source, "rb").read()
    rows = [r for r in csv.DictReader(raw.decode("utf-8").splitlines())
            if empty(r["SDN_Type"]) == "vessel"]
    body, no_imo, bad_imo = [], 0, []
    for r in rows:
        remarks = r["Remarks"]
        imos = re.findall(r"Vessel Registration Identification (?:IMO )?(\d{7})\b", remarks)
        good = [i for i in imos if imo_ok(i)]
        bad_imo += [i for i in imos if not imo_ok(i)]
        aliases = re.findall(r"[af]\.k\.a\. '([^']+)'", remarks)
        linked = [x.strip().rstrip(".") for x in re.findall(r"Linked To: ([^;]+)", remarks)]
        programmes = [p.strip() for p in re.split(r"\]\s*\[", r["Program"]) if p.strip()]
        e = [
            "[[vessel]]",
            f"reference = {q(r['ent_num'].strip())}",
            f"name = {q(empty(r['SDN_Name']))}",
        ]
        if aliases:
            e.append(f"aliases = {arr(aliases)}")
        if len(set(good)) == 1:
            e.append(f"imo = {good[0]}")
        elif good:
            sys.exit(f"entry {r['ent_num']}: several IMO numbers {good}")
        else:
            no_imo += 1
        for key, col in (("flag", "Vess_flag"), ("vessel_type", "Vess_type"), ("call_sign", "Call_Sign")):
            if empty(r[col]):
                e.append(f"{key} = {q(empty(r[col]))}")
        e.append(f"programmes = {arr(programmes)}")
        if linked:
            e.append(f"linked_to = {arr(linked)}")
        body.append("\n".join(e))
    sha = hashlib.sha256(raw).hexdigest()
    head = [
        "# borderwatch designated-vessel pack: vessels of OFAC's DPRK sanctions programmes,",
        "# generated — do not edit by hand.",
        "#",
        f"# Made by: python3 scripts/gen-designated-vessels.py --source {os.path.basename(a.source)} --published {a.published} --date {a.date}",
        f"# Generated: {a.date}",
        "# Source: the U.S. Treasury's Specially Designated Nationals list (sdn.csv) as scraped on",
        f"#   {a.published} by github.com/jackdwyer/specially-designated-nationals-list (commit",
        "#   a5ec3c5e), rows of the DPRK programmes, sha256",
        f"#   {sha}.",
        "# Licence: a work of the U.S. federal government (public domain in the U.S.).",
        "# IMO numbers, other names and links are read from each entry's Remarks; an IMO number",
        "#   whose check digit is wrong is left out.",
        f"# Counts: {len(body)} vessels, {len(body) - no_imo} with an IMO number"
        + (f", {len(bad_imo)} IMO numbers left out ({', '.join(bad_imo)})" if bad_imo else "")
        + ".",
        "",
        "[list]",
        'id = "ofac-sdn-dprk"',
        'title = "OFAC Specially Designated Nationals: DPRK programmes (vessels)"',
        'authority = "United States Department of the Treasury, Office of Foreign Assets Control"',
        f"published = {q(a.published)}",
        'source = "sdn.csv via github.com/jackdwyer/specially-designated-nationals-list"',
        "",
    ]
    text = "\n".join(head) + "\n" + "\n\n".join(body) + "\n"
    if a.check:
        old = open(a.out).read() if os.path.exists(a.out) else ""
        strip = lambda t: "\n".join(l for l in t.splitlines() if not l.startswith(("# Made by", "# Generated")))
        sys.exit(0 if strip(old) == strip(text) else 1)
    with open(a.out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
