#!/usr/bin/env python3
"""Batch screening by the tools an analyst would otherwise reach for, on the same file.

usage: peers.py duckdb|pandas|rules RULES_JSON SHIPMENTS_CSV OUT_CSV

The rulebook (`borderwatch rules --format json`) is flattened into an HS-prefix rule table
(prefix, direction, first day, first day no longer in force, status rank, measure id, summary);
contract wind-downs become a `review` row before the ban. Each peer joins shipments to rules on
(HS prefix at 2, 4 and 6 digits, direction, date range), keeps the most severe status per row, and
writes the input row plus verdict, measures and reason — the same columns borderwatch writes.
The peers do not model product types, value thresholds, coarse-code overlap or HS drift: they are
the simple prefix join a user would write, which is what the benchmark compares against.
"""
import datetime as dt
import json
import sys

RANK = {"permitted": 0, "review": 1, "capped": 2, "prohibited": 3}
NAME = {v: k for k, v in RANK.items()}


def expand(code):
    if "-" not in code:
        return [code]
    a, b = code.split("-")
    return [str(n).zfill(len(a)) for n in range(int(a), int(b) + 1)]


def rule_rows(rules_json):
    rb = json.load(open(rules_json))
    rows = []
    for m in rb["measures"]:
        if m["kind"] == "exemption":
            continue
        dirs = ["inbound", "outbound"] if m["direction"] == "both" else [m["direction"]]
        start = m.get("effective") or m["adopted"]
        end = m.get("until") or "9999-12-31"
        wd = m.get("wind_down")
        for e in m.get("hs", []):
            if e.get("product") or e.get("value_over_usd") or e.get("exclude"):
                continue
            status = e.get("status") or m["status"]
            for code in expand(e["code"]):
                if len(code) not in (2, 4, 6):
                    continue
                for d in dirs:
                    periods = [(start, end, status)]
                    if wd and status == "prohibited":
                        after = (dt.date.fromisoformat(wd["until"]) + dt.timedelta(days=1)).isoformat()
                        periods = [(start, after, "review"), (after, end, status)]
                    for s, t, st in periods:
                        rows.append((code, len(code), d, s, t, RANK[st], m["id"], m["summary"]))
    return rows


def write_rules_csv(rules_json, path):
    import csv
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["prefix", "plen", "direction", "start", "end", "rank", "measure_id", "summary"])
        w.writerows(rule_rows(rules_json))


def run_duckdb(rules_json, ships, out):
    import duckdb
    rules_csv = out + ".rules.csv"
    write_rules_csv(rules_json, rules_csv)
    con = duckdb.connect()
    con.execute(f"CREATE TABLE rules AS SELECT * FROM read_csv('{rules_csv}', all_varchar=true)")
    con.execute("CREATE TABLE r2 AS SELECT prefix, direction, start, \"end\", CAST(rank AS INT) AS rank, measure_id, summary, CAST(plen AS INT) AS plen FROM rules")
    joins = " UNION ALL ".join(
        f"SELECT s.rid, r.rank, r.measure_id, r.summary FROM s JOIN r2 r ON r.plen = {n} "
        f"AND substr(s.hs_code, 1, {n}) = r.prefix AND r.direction = s.direction "
        f"AND s.date >= r.start AND s.date < r.\"end\""
        for n in (2, 4, 6)
    )
    con.execute(f"""
        COPY (
          WITH s AS (SELECT *, row_number() OVER () AS rid
                     FROM read_csv('{ships}', all_varchar=true, null_padding=true, header=true)),
               m AS ({joins}),
               a AS (SELECT rid, max(rank) AS rank, string_agg(measure_id, ';') AS measures,
                            arg_max(summary, rank) AS reason FROM m GROUP BY rid)
          SELECT s.* EXCLUDE (rid),
                 CASE coalesce(a.rank, 0) WHEN 3 THEN 'prohibited' WHEN 2 THEN 'capped'
                      WHEN 1 THEN 'review' ELSE 'permitted' END AS verdict,
                 coalesce(a.measures, '') AS measures, coalesce(a.reason, '') AS reason
          FROM s LEFT JOIN a USING (rid) ORDER BY s.rid
        ) TO '{out}' (HEADER, DELIMITER ',')
    """)


def run_pandas(rules_json, ships, out):
    import pandas as pd
    rules = pd.DataFrame(rule_rows(rules_json),
                         columns=["prefix", "plen", "direction", "start", "end", "rank", "measure_id", "summary"])
    df = pd.read_csv(ships, dtype=str, keep_default_na=False, on_bad_lines="skip")
    df["rid"] = range(len(df))
    hits = []
    for n in (2, 4, 6):
        left = pd.DataFrame({"rid": df["rid"], "prefix": df["hs_code"].str[:n],
                             "direction": df["direction"], "date": df["date"]})
        m = left.merge(rules[rules.plen == n], on=["prefix", "direction"])
        m = m[(m.date >= m.start) & (m.date < m.end)]
        hits.append(m[["rid", "rank", "measure_id", "summary"]])
    h = pd.concat(hits).sort_values(["rid", "rank"], ascending=[True, False])
    agg = h.groupby("rid").agg(rank=("rank", "max"), measures=("measure_id", ";".join), reason=("summary", "first"))
    df = df.join(agg, on="rid")
    df["verdict"] = df["rank"].fillna(0).astype(int).map(NAME)
    df["measures"] = df["measures"].fillna("")
    df["reason"] = df["reason"].fillna("")
    df.drop(columns=["rid", "rank"]).to_csv(out, index=False)


if __name__ == "__main__":
    mode, rules_json, ships, out = sys.argv[1:5]
    {"duckdb": run_duckdb, "pandas": run_pandas}[mode](rules_json, ships, out)
