#!/usr/bin/env python3
"""Sends N reviews to a borderwatch server, one after another, on claims spread over the store
(confirm, reject, correct in turn), and prints the latency percentiles of the review requests;
after every thousandth review it asks for the corridor picture, which must count the reviews.

usage: review_load.py BASE_URL N
"""
import json, sys, time, urllib.request

base, n = sys.argv[1], int(sys.argv[2])

def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"content-type": "application/json"})
    t = time.perf_counter()
    with urllib.request.urlopen(req, timeout=600) as r:
        out = json.loads(r.read())
    return out, time.perf_counter() - t

health, _ = call("GET", "/api/health")
claims = health["claims"]
step = max(1, claims // n)
bodies = [
    {"action": "confirm", "reviewer": "bench"},
    {"action": "reject", "reason": "other", "reviewer": "bench"},
    {"action": "correct", "reviewer": "bench", "correction": {"mode": "road"}},
]
lat, pictures, done = [], [], 0
_, first = call("GET", "/api/corridors")
print(f"first corridor picture: {first:.1f} s")
for k in range(n):
    cid = 1 + (k * step) % claims
    try:
        _, t = call("POST", f"/api/claims/{cid}/reviews", bodies[k % 3])
    except urllib.error.HTTPError as e:
        if e.code == 404:  # an id left unused by the store
            continue
        raise
    lat.append(t)
    done += 1
    if done % 1000 == 0:
        pic, t = call("GET", "/api/corridors")
        pictures.append(t)
        reviewed = sum(c["reviewed"] for c in pic["corridors"])
        print(f"{done} reviews: corridor picture in {t:.2f} s, {reviewed} reviewed claims on corridors")

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))] * 1000

print(f"reviews: {done}; latency p50 {pct(lat, .5):.1f} ms, p99 {pct(lat, .99):.1f} ms, max {max(lat) * 1000:.1f} ms")
print(f"corridor picture after a review: p50 {pct(pictures, .5):.0f} ms, p99 {pct(pictures, .99):.0f} ms")
