#!/usr/bin/env python3
"""How well the detectors recover what a simulation did.

usage: sim_recovery.py SIM_DIR ANALYSIS.json [--change DATE --tightened CROSSING]

SIM_DIR is `borderwatch simulate --out` (shipments.csv and flows.csv carry the truth);
ANALYSIS.json is `borderwatch analyze --format json` over a store that ingested the run's
shipments and observer reports. Prints one JSON line per detector: findings, true positives,
precision, truth units, units found, recall, and the definitions used.

Truth, per detector (units in brackets):
- empty-backhaul [crossing × loaded direction]: vehicles coming back empty the other way are at
  least half the loads going (30 loads or more).
- segregation [direction]: one crossing's prohibited share is 30% or more while another's is 10%
  or less (100 loads or more each). A finding is right when every crossing it calls the leaky
  side carries a larger prohibited share than every crossing it calls clean.
- warehousing [crossing]: loads waited at it (20 or more at the end of a day, or any load stored
  7 days or more before crossing).
- transshipment [origin city × port]: loads trucked 100 km or more to a port and shipped on.
- displacement [tightened crossing × receiving crossing × direction] (with --change): after the
  change the tightened crossing's prohibited loads a day fall by half or more and the receiving
  crossing's rise by 20% or more (30 loads or more after).
"""
import csv
import json
import re
import sys
from collections import defaultdict


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def crossing_of(gate):
    # "road:dandong-sinuiju" -> "dandong-sinuiju"; sea gates have no crossing.
    kind, _, rest = gate.partition(":")
    return None if kind == "sea" else rest


def names_in(text):
    return [n.strip() for n in re.split(r", | and ", text) if n.strip()]


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    sim, analysis = args[0], args[1]
    change = tightened = None
    if "--change" in args:
        change = args[args.index("--change") + 1]
        tightened = args[args.index("--tightened") + 1]
    shipments = read(f"{sim}/shipments.csv")
    flows = read(f"{sim}/flows.csv")
    findings = json.load(open(analysis, encoding="utf-8"))["findings"]
    corridors = json.load(open(analysis, encoding="utf-8"))["corridors"]
    name_of = {c["id"]: c["name"] for c in corridors}

    loads = defaultdict(int)
    prohibited = defaultdict(int)
    for s in shipments:
        if s["crossing"]:
            k = (s["crossing"], s["direction"])
            loads[k] += 1
            prohibited[k] += s["truth_class"] == "prohibited"
    share = {k: prohibited[k] / loads[k] for k in loads if loads[k]}

    out = []

    def report(kind, found, tp, truth, recovered, definition):
        out.append({
            "detector": kind,
            "findings": found,
            "true_positives": tp,
            "precision": round(tp / found, 3) if found else None,
            "truth_units": truth,
            "units_found": recovered,
            "recall": round(recovered / truth, 3) if truth else None,
            "truth": definition,
        })

    # empty-backhaul
    going = defaultdict(int)
    empty_back = defaultdict(int)
    for f in flows:
        c = crossing_of(f["corridor"])
        if not c:
            continue
        going[(c, f["direction"])] += int(f["loads"])
        empty_back[(c, f["direction"])] += int(f["empty_vehicles"])
    other = {"inbound": "outbound", "outbound": "inbound"}
    truth = {k for k, n in going.items() if n >= 30 and empty_back[(k[0], other[k[1]])] >= 0.5 * n}
    found = [f for f in findings if f["kind"] == "empty-backhaul"]
    hits = set()
    tp = 0
    for f in found:
        d = "inbound" if "loaded into the DPRK" in f["title"] else "outbound"
        k = (f["corridors"][0], d)
        if k in truth:
            tp += 1
            hits.add(k)
    report("empty-backhaul", len(found), tp, len(truth), len(hits),
           "crossing x direction with empty vehicles back >= half the loads going (>= 30 loads)")

    # segregation
    truth = set()
    for d in ("inbound", "outbound"):
        ks = [k for k in share if k[1] == d and loads[k] >= 100]
        if any(share[k] >= 0.3 for k in ks) and any(share[k] <= 0.1 for k in ks):
            truth.add(d)
    found = [f for f in findings if f["kind"] == "segregation"]
    tp = 0
    hits = set()
    by_name = {v: k for k, v in name_of.items()}
    for f in found:
        d = "inbound" if " into the DPRK " in f["title"] else "outbound"
        m = re.match(r"Prohibited goods .*? go through (.*), while (.*) (?:is|are) reported", f["title"])
        if not m:
            continue
        leaky = [by_name.get(n) for n in names_in(m.group(1))]
        clean = [by_name.get(n) for n in names_in(m.group(2))]
        ls = [share.get((c, d), 0.0) for c in leaky if c]
        cs = [share.get((c, d), 0.0) for c in clean if c]
        if ls and cs and min(ls) > max(cs):
            tp += 1
            if d in truth:
                hits.add(d)
    report("segregation", len(found), tp, len(truth), len(hits),
           "direction with a crossing >= 30% prohibited and another <= 10% (>= 100 loads each); "
           "a finding is right when its leaky side carries more than its clean side")

    # warehousing
    truth = set()
    for f in flows:
        c = crossing_of(f["corridor"])
        if c and int(f["waiting"]) >= 20:
            truth.add(c)
    for s in shipments:
        if s["crossing"] and int(s["truth_stored_days"]) >= 7:
            truth.add(s["crossing"])
    found = [f for f in findings if f["kind"] == "warehousing"]
    tp = sum(1 for f in found if set(f["corridors"]) & truth)
    hits = {c for f in found for c in f["corridors"] if c in truth}
    report("warehousing", len(found), tp, len(truth), len(hits),
           "crossing where 20+ loads waited at a day's end or a load was stored 7+ days")

    # transshipment
    truth = set()
    for s in shipments:
        if s["truth_transshipped"] == "true" and s["leg"] == "1":
            truth.add((s["origin"], s["destination"]))
    found = [f for f in findings if f["kind"] == "transshipment"]
    tp = 0
    hits = set()
    for f in found:
        # A finding names every leg through its transfer place: its first legs end at the port.
        legs = {(a, port) for a, _, port in (c.partition(">") for c in f["corridors"])}
        if legs & truth:
            tp += 1
            hits |= legs & truth
    report("transshipment", len(found), tp, len(truth), len(hits),
           "origin x port pairs with loads trucked 100+ km to the port and shipped on")

    # displacement
    found = [f for f in findings if f["kind"] == "displacement"]
    truth = set()
    if change:
        before = defaultdict(int)
        after = defaultdict(int)
        for s in shipments:
            if not s["crossing"] or s["truth_class"] != "prohibited":
                continue
            (before if s["date"] < change else after)[(s["crossing"], s["direction"])] += 1
        dates = sorted({s["date"] for s in shipments})
        nb = sum(1 for d in dates if d < change) or 1
        na = sum(1 for d in dates if d >= change) or 1
        for d in ("inbound", "outbound"):
            t = (tightened, d)
            if after[t] / na > 0.5 * before[t] / nb:
                continue
            for (c, d2) in set(before) | set(after):
                k = (c, d2)
                if d2 == d and c != tightened and after[k] >= 30 and after[k] / na >= 1.2 * before[k] / nb:
                    truth.add((tightened, c, d))
    tp = 0
    hits = set()
    for f in found:
        d = "inbound" if " into the DPRK " in f["title"] else "outbound"
        if len(f["corridors"]) >= 2 and (f["corridors"][0], f["corridors"][1], d) in truth:
            tp += 1
            hits.add((f["corridors"][0], f["corridors"][1], d))
    report("displacement", len(found), tp, len(truth), len(hits),
           "tightened crossing x crossing x direction: prohibited loads a day rose 20%+ (30+ "
           "after the change) while the tightened one's fell by half (only with --change)")

    for r in out:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
