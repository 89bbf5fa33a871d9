#!/usr/bin/env python3
"""The extraction peer: spaCy's blank English tokenizer + PhraseMatcher (case-insensitive) loaded
with the same gazetteer names and goods lexicon phrases borderwatch uses, run over the same
report files. Prints MB/s on the median of RUNS runs (texts already in memory, the pipeline
already loaded). It only finds phrases; borderwatch does the full claim extraction.

usage: extract_peer.py BORDERWATCH_BIN REPORT_DIR [PROCESSES] [RUNS]
"""
import csv, json, os, statistics, subprocess, sys, time

import spacy
from spacy.matcher import PhraseMatcher

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

def phrases(bin_):
    g = json.loads(subprocess.run([bin_, "places", "--format", "json"], capture_output=True, text=True, check=True).stdout)
    names = {n for p in g["places"] for n in p["names"]} | {n for c in g["crossings"] for n in c["names"]}
    goods = set()
    # The hand lexicon and the terms generated from the HS nomenclature, as borderwatch loads them.
    for rel in ("data/hs/lexicon.csv", "data/hs/generated/terms.csv"):
        rows = csv.reader(l for l in open(os.path.join(ROOT, rel), encoding="utf-8") if not l.startswith("#"))
        next(rows)
        goods |= {p for r in rows if r for p in r[0].split("|") if p}
    return sorted(names), sorted(goods)

def main():
    bin_, report_dir = sys.argv[1], sys.argv[2]
    procs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    names, goods = phrases(bin_)
    nlp = spacy.blank("en")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    matcher.add("PLACE", [nlp.make_doc(n) for n in names])
    matcher.add("GOODS", [nlp.make_doc(g) for g in goods])
    files = sorted(os.path.join(report_dir, f) for f in os.listdir(report_dir))
    texts = [open(f, encoding="utf-8").read() for f in files]
    size = sum(len(t.encode("utf-8")) for t in texts)
    if procs > 1:
        # The matcher runs in each worker process as a pipeline component.
        @spacy.Language.component("phrase_hits")
        def phrase_hits(doc):
            doc.user_data["hits"] = len(matcher(doc))
            return doc
        nlp.add_pipe("phrase_hits")
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        hits = 0
        if procs == 1:
            for doc in nlp.pipe(texts, batch_size=256):
                hits += len(matcher(doc))
        else:
            for doc in nlp.pipe(texts, batch_size=256, n_process=procs):
                hits += doc.user_data.get("hits", 0)
        times.append(time.perf_counter() - t0)
    dt = statistics.median(times)
    print(json.dumps({"tool": "spacy-phrasematcher", "processes": procs, "files": len(files),
                      "mb": round(size / 1e6, 1), "runs": runs, "best_s": round(min(times), 2),
                      "median_s": round(dt, 2),
                      "mb_per_s": round(size / 1e6 / dt, 2), "phrases": len(names) + len(goods),
                      "hits": hits}))

if __name__ == "__main__":
    main()
