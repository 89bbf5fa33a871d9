#!/usr/bin/env python3
"""Generate the sea ports pack for vessel tracks: data/ais/generated/ports.toml.

usage: scripts/gen-ais-ports.py --source ports_neasia.geojson [--date YYYY-MM-DD] [--out FILE]
                                [--check]

Reads the North-East Asian ports of the searoute package (searoute 1.6.0, data/ports.geojson,
Apache-2.0; GeoJSON points with properties port = UN/LOCODE, name, cty) and writes one entry per
port: its UN/LOCODE, name, country (the LOCODE's first two letters) and coordinates. The
gazetteer's own ports (data/gazetteer/places.toml, kind "port") win where both give a LOCODE;
that merge is done when the packs are read, not here. With --check nothing is written and the
exit is 1 when the output would differ. Python 3.11+, standard library only.
"""

import argparse
import datetime
import hashlib
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = "data/ais/generated/ports.toml"


def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--date", default=datetime.date.today().isoformat())
    ap.add_argument("--out", default=os.path.join(ROOT, OUT))
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    raw = open(a.source, "rb").read()
    feats = json.loads(raw)["features"]
    seen, rows = set(), []
    for f in feats:
        p = f["properties"]
        code = (p.get("port") or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{2}[A-Z0-9]{3}", code):
            sys.exit(f"{a.source}: port code {code!r} is not a UN/LOCODE")
        if code in seen:
            continue  # searoute repeats a few ports; the first wins
        seen.add(code)
        lon, lat = f["geometry"]["coordinates"][:2]
        rows.append((code, p.get("name") or code, round(lat, 5), round(lon, 5)))
    rows.sort()
    sha = hashlib.sha256(raw).hexdigest()
    lines = [
        "# borderwatch AIS pack: sea ports of North-East Asia, generated — do not edit by hand.",
        "#",
        f"# Made by: python3 scripts/gen-ais-ports.py --source {os.path.basename(a.source)} --date {a.date}",
        f"# Generated: {a.date}",
        "# Source: the PyPI package searoute 1.6.0 (searoute/data/ports.geojson; Apache-2.0),",
        "#   ports with 115 <= lon <= 145 and 30 <= lat <= 50,",
        f"#   sha256 {sha}.",
        "# The gazetteer's ports win over these where both give a UN/LOCODE.",
        f"# Counts: {len(rows)} ports.",
        "",
        "ports = [",
    ]
    for code, name, lat, lon in rows:
        lines.append(f"  {{ locode = {q(code)}, name = {q(name)}, country = {q(code[:2])}, lat = {lat}, lon = {lon} }},")
    lines.append("]")
    text = "\n".join(lines) + "\n"
    if a.check:
        old = open(a.out).read() if os.path.exists(a.out) else ""
        strip = lambda t: "\n".join(l for l in t.splitlines() if not l.startswith(("# Made by", "# Generated")))
        sys.exit(0 if strip(old) == strip(text) else 1)
    with open(a.out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
