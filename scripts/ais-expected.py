#!/usr/bin/env python3
"""Decodes NMEA files with pyais and writes what it decoded, one JSON object per message.

Used by the tests of crates/ais to check that our decoder agrees with pyais field by field.
Each line: {"raw": [sentences], "valid": checksum ok, "fields": {...}} or {"raw", "error"}.
Only the fields borderwatch decodes are written, under pyais's names, enums as integers.

Usage: ais-expected.py FILE.nmea > FILE.pyais.jsonl   (pyais from PyPI; see ais-expected.sh)
"""
import json
import sys

from pyais.stream import FileReaderStream

FIELDS = {
    1: ["mmsi", "status", "speed", "accuracy", "lon", "lat", "course", "heading", "second"],
    4: ["mmsi", "year", "month", "day", "hour", "minute", "second", "accuracy", "lon", "lat", "epfd"],
    5: ["mmsi", "ais_version", "imo", "callsign", "shipname", "ship_type", "to_bow", "to_stern",
        "to_port", "to_starboard", "epfd", "month", "day", "hour", "minute", "draught",
        "destination"],
    18: ["mmsi", "speed", "accuracy", "lon", "lat", "course", "heading", "second"],
    19: ["mmsi", "speed", "accuracy", "lon", "lat", "course", "heading", "second", "shipname",
         "ship_type", "to_bow", "to_stern", "to_port", "to_starboard", "epfd"],
    24: ["mmsi", "partno", "shipname", "ship_type", "vendorid", "callsign", "to_bow", "to_stern",
         "to_port", "to_starboard", "mothership_mmsi"],
    27: ["mmsi", "accuracy", "status", "lon", "lat", "speed", "course"],
}
FIELDS[2] = FIELDS[3] = FIELDS[1]


def plain(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, int):  # IntEnum included
        return int(v)
    return v


def main(path):
    out = sys.stdout
    with FileReaderStream(path) as stream:
        for msg in stream:
            raw = [r.decode("ascii", "replace") for r in msg.raw.split(b"\n")]
            rec = {"raw": raw, "valid": bool(msg.is_valid)}
            try:
                d = msg.decode().asdict()
            except Exception as e:  # pyais raises several kinds; the kind is what we record
                rec["error"] = type(e).__name__
            else:
                t = d["msg_type"]
                rec["type"] = t
                if t in FIELDS:
                    rec["fields"] = {k: plain(d[k]) for k in FIELDS[t] if k in d}
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
