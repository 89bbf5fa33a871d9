#!/usr/bin/env python3
"""How well the sea detectors recover what a simulated fleet did.

usage: sim_ships.py SIM_DIR ANALYSIS.json

SIM_DIR is `borderwatch simulate --scenario sea --out` (ships.csv holds each vessel's truth:
its behaviour and the detector that should name it, or `none`); ANALYSIS.json is
`borderwatch analyze --format json` over a store that ingested the run's tracks.nmea. Prints
one JSON line per sea detector: findings, vessels named, true positives, precision, truth
vessels, recall.

Units are vessels (MMSI): a finding names the vessels in its title ("… (MMSI 412100015)"). A
named vessel is a true positive when ships.csv expects that detector for it; precision =
true positives / vessels named, recall = true positives / vessels expected.
"""
import csv
import json
import re
import sys

DETECTORS = ["ship-to-ship", "dark-voyage", "designated-vessel"]


def main():
    sim, analysis = sys.argv[1], sys.argv[2]
    with open(f"{sim}/ships.csv", newline="", encoding="utf-8") as f:
        ships = list(csv.DictReader(f))
    with open(analysis, encoding="utf-8") as f:
        a = json.load(f)
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


if __name__ == "__main__":
    main()
