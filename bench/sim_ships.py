#!/usr/bin/env python3
"""How well the sea detectors recover what a simulated fleet did.

usage: sim_ships.py SIM_DIR ANALYSIS.json [TRACKS.csv]

SIM_DIR is `borderwatch simulate --scenario sea --out` (ships.csv holds each vessel's truth:
its behaviour and the detector that should name it, or `none`; sea_events.csv the dark
periods, encounters and loitering runs the fleet planted, and its near misses, as recorded);
ANALYSIS.json is `borderwatch analyze --format json` over a store that ingested the run's
tracks.nmea; TRACKS.csv, if given, is `borderwatch query tracks --format csv` over that store.

Prints one JSON line per sea detector (findings), then, with TRACKS.csv, one per sea event
kind (the track reader's rules: dark periods, encounters, loitering).

Findings are scored by vessel (MMSI): a finding names the vessels in its title ("… (MMSI
412100015)"). A named vessel is a true positive when ships.csv expects that detector for it;
precision = true positives / vessels named, recall = true positives / vessels expected.

Events are scored one by one: a detected event matches a planted one of the same kind, the
same vessels (both of an encounter) and times in common for at least half of each (to the
minute the store writes), each planted event matched once;
precision = detected events matching a planted event / detected events, recall = planted
events matched / planted events. A detected event matching only a near miss (sea_events.csv
`is_event` false: under a threshold) counts against precision and is listed.
"""
import csv
import json
import os
import re
import sys
from datetime import datetime, timezone

DETECTORS = ["ship-to-ship", "dark-voyage", "designated-vessel"]
EVENTS = ["dark", "encounter", "loitering"]


def when(s):
    """Unix seconds of `2023-01-02T03:04:05Z` (sea_events.csv) or `2023-01-02 03:04 UTC`."""
    for fmt in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M UTC"):
        try:
            return int(datetime.strptime(s, fmt).replace(tzinfo=timezone.utc).timestamp())
        except ValueError:
            pass
    raise ValueError(f"not a time: {s!r}")


def score_findings(ships, a):
    for d in DETECTORS:
        truth = {s["mmsi"] for s in ships if s["expected"] == d}
        findings = [f for f in a["findings"] if f["kind"] == d]
        named = set()
        for f in findings:
            named.update(re.findall(r"MMSI (\d{9})", f["title"]))
        tp = named & truth
        print(
            json.dumps(
                {
                    "detector": d,
                    "findings": len(findings),
                    "vessels_named": len(named),
                    "true_positives": len(tp),
                    "precision": round(len(tp) / len(named), 3) if named else None,
                    "truth_vessels": len(truth),
                    "recall": round(len(tp) / len(truth), 3) if truth else None,
                    "missed": sorted(truth - named),
                    "false": sorted(named - truth),
                }
            )
        )


def score_events(planted, tracks):
    def overlaps(a, b):
        # The same event: their common time is at least half of each (a run of days that
        # spans a three-hour meeting is not that meeting). The store writes times to the
        # minute: a minute's slack either side.
        common = min(a["end"], b["end"]) - max(a["start"], b["start"]) + 120
        return common >= 0.5 * (a["end"] - a["start"]) and common >= 0.5 * (b["end"] - b["start"])

    for k in EVENTS:
        truth = [e for e in planted if e["kind"] == k and e["is_event"]]
        near = [e for e in planted if e["kind"] == k and not e["is_event"]]
        found = sorted((t for t in tracks if t["kind"] == k), key=lambda t: t["start"])
        # One to one: a detected event takes the first planted event of its vessels it overlaps
        # that no other took (one run spanning two meetings finds one of them; a meeting split
        # in two finds it once, the other part is false).
        matched_truth = set()
        tp, near_named, false = 0, [], []
        for f in found:
            hits = [
                i
                for i, e in enumerate(truth)
                if i not in matched_truth and e["vessels"] == f["vessels"] and overlaps(e, f)
            ]
            if hits:
                tp += 1
                matched_truth.add(hits[0])
                continue
            if any(e["vessels"] == f["vessels"] and overlaps(e, f) for e in near):
                near_named.append(f["label"])
            else:
                false.append(f["label"])
        missed = [truth[i]["label"] for i in range(len(truth)) if i not in matched_truth]
        print(
            json.dumps(
                {
                    "events": k,
                    "detected": len(found),
                    "true_positives": tp,
                    "precision": round(tp / len(found), 3) if found else None,
                    "planted": len(truth),
                    "recall": round(len(matched_truth) / len(truth), 3) if truth else None,
                    "near_misses_planted": len(near),
                    "missed": missed,
                    "near_misses_named": near_named,
                    "false": false,
                }
            )
        )


def main():
    sim, analysis = sys.argv[1], sys.argv[2]
    with open(f"{sim}/ships.csv", newline="", encoding="utf-8") as f:
        ships = list(csv.DictReader(f))
    with open(analysis, encoding="utf-8") as f:
        a = json.load(f)
    score_findings(ships, a)
    if len(sys.argv) < 4:
        return
    path = f"{sim}/sea_events.csv"
    if not os.path.exists(path):
        sys.exit(f"{path}: no planted sea events to score the tracks against")
    planted = []
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            vessels = sorted(v for v in (r["mmsi"], r["partner"]) if v)
            planted.append(
                {
                    "kind": r["kind"],
                    "vessels": vessels,
                    "start": when(r["start"]),
                    "end": when(r["end"]),
                    "is_event": r["is_event"] == "true",
                    "label": f"{'+'.join(vessels)} {r['start']} {r['hours']} h",
                }
            )
    tracks = []
    with open(sys.argv[3], newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["kind"] not in EVENTS:
                continue
            vessels = sorted(r["mmsi"].split(";"))
            tracks.append(
                {
                    "kind": r["kind"],
                    "vessels": vessels,
                    "start": when(r["start"]),
                    "end": when(r["end"]),
                    "label": f"{'+'.join(vessels)} {r['start']}",
                }
            )
    score_events(planted, tracks)


if __name__ == "__main__":
    main()
