#!/usr/bin/env python3
"""Builds a report corpus of at least TARGET_MB for the extraction benchmark by varying and
recombining the project's own test reports (tests/reports/): paragraphs are shuffled across
reports, and place names, goods phrases, numbers and dates are swapped for others from the
project's own gazetteer and lexicon. Deterministic (seeded).

usage: gen_reports.py OUT_DIR [TARGET_MB]
"""
import csv, html, os, random, re, sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

def paragraphs():
    out = []
    d = os.path.join(ROOT, "tests", "reports")
    for fn in sorted(os.listdir(d)):
        text = open(os.path.join(d, fn), encoding="utf-8").read()
        if fn.endswith(".html"):
            text = re.sub(r"(?s)<(script|style|nav|footer|head)\b.*?</\1>", " ", text)
            text = re.sub(r"</p>|<br\s*/?>|</h1>", "\n\n", text)
            text = html.unescape(re.sub(r"<[^>]+>", " ", text))
        for p in re.split(r"\n\s*\n", text):
            p = " ".join(p.split()).lstrip("#*> ")
            if len(p) > 40:
                out.append(p)
    return out

def names():
    import tomllib
    g = tomllib.load(open(os.path.join(ROOT, "data/gazetteer/places.toml"), "rb"))
    cn = [p["names"][0] for p in g["place"] if p["country"] == "CN" and p["kind"] in ("city", "town", "county")]
    kp = [p["names"][0] for p in g["place"] if p["country"] == "KP" and p["kind"] in ("city", "town", "county", "special-city")]
    return cn, kp

def goods():
    rows = csv.reader(l for l in open(os.path.join(ROOT, "data/hs/lexicon.csv"), encoding="utf-8") if not l.startswith("#"))
    next(rows)
    return [r[0].split("|")[0] for r in rows if r and r[0]]

def main():
    out_dir = sys.argv[1]
    target = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
    os.makedirs(out_dir, exist_ok=True)
    rnd = random.Random(20261122)
    paras = paragraphs()
    cn, kp = names()
    gw = goods()
    cn_re = re.compile(r"\b(Dandong|Tumen|Longkou|Khasan|Hunchun|Changbai)\b")
    kp_re = re.compile(r"\b(Sinuiju|Namyang|Nampo|Tumangang|Rason|Hyesan)\b")
    goods_re = re.compile(r"\b(rice|flour|steel|coal|sugar|fertilizer|diesel fuel|cooking oil|machine parts|car batteries)\b")
    total, n = 0, 0
    while total < target * 1024 * 1024:
        k = rnd.randint(20, 40)
        body = []
        for _ in range(k):
            p = rnd.choice(paras)
            p = cn_re.sub(lambda m: rnd.choice(cn), p)
            p = kp_re.sub(lambda m: rnd.choice(kp), p)
            p = goods_re.sub(lambda m: rnd.choice(gw), p)
            p = re.sub(r"\b\d+\b", lambda m: str(rnd.randint(2, 400)), p)
            body.append(p)
        text = "\n\n".join(body) + "\n"
        path = os.path.join(out_dir, f"r{n:05d}.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        total += len(text.encode("utf-8"))
        n += 1
    print(f"{n} reports, {total / 1024 / 1024:.1f} MB in {out_dir}")

if __name__ == "__main__":
    main()
