#!/usr/bin/env python3
"""Writes crates/ais/tests/fixtures/sea.nmea: borderwatch's own AIS test file.

Invented vessels in the Bohai and the Yellow Sea, encoded with pyais (from PyPI; run through
scripts/ais-expected.sh, which makes the venv), with tag blocks, $PGHP times and lines broken
on purpose (checksums, fragments, payloads, times). The vessels, MMSIs and IMO numbers are made
up (the IMO numbers have valid check digits), except where a test needs a designated IMO.

Usage: python ais-fixture.py > crates/ais/tests/fixtures/sea.nmea
"""
from functools import reduce

from pyais.encode import encode_dict

T0 = 1714521600  # 2024-05-01T00:00:00Z


def xor(s):
    return reduce(lambda a, c: a ^ ord(c), s, 0)


def tag(body):
    return "\\%s*%02X\\" % (body, xor(body))


def sentence(body):
    return "%s*%02X" % (body, xor(body[1:]))


def enc(data, seq=None, talker="AI", kind="VDM", channel="A"):
    return encode_dict(data, talker_id=talker, sentence_type=kind, radio_channel=channel, seq_id=seq)


def imo(first6):
    digits = [int(c) for c in str(first6)]
    check = sum(d * (7 - i) for i, d in enumerate(digits)) % 10
    return int(str(first6) + str(check))


out = ["# borderwatch's own AIS sample: invented vessels; some lines broken on purpose"]


def stamped(t, lines, source="rBW0001"):
    for i, line in enumerate(lines):
        body = "s:%s,c:%d" % (source, t) if i == 0 else "s:%s" % source
        out.append(tag(body) + line)


# A cargo ship moored at Longkou, then its static report (two fragments).
stamped(T0, enc({"type": 1, "mmsi": 412000001, "status": 5, "speed": 0.1, "lon": 120.3312,
                 "lat": 37.6441, "course": 87.5, "heading": 90, "second": 0}))
stamped(T0 + 10, enc({"type": 5, "mmsi": 412000001, "imo": imo(912345), "callsign": "BXYZ7",
                      "shipname": "LONG HAI 7", "ship_type": 70, "to_bow": 90, "to_stern": 20,
                      "to_port": 8, "to_starboard": 10, "epfd": 1, "month": 5, "day": 3,
                      "hour": 6, "minute": 0, "draught": 6.5, "destination": "NAMPO"}, seq=1))
# Class B: a position, an extended report, and static data parts A and B.
stamped(T0 + 20, enc({"type": 18, "mmsi": 413000002, "speed": 4.2, "lon": 121.1, "lat": 38.2,
                      "course": 120.0, "heading": 118, "second": 20}, channel="B"))
stamped(T0 + 30, enc({"type": 19, "mmsi": 413000002, "speed": 4.0, "lon": 121.11, "lat": 38.19,
                      "course": 121.0, "heading": 119, "second": 30, "shipname": "HAI XING 2",
                      "ship_type": 30, "to_bow": 10, "to_stern": 5, "to_port": 2,
                      "to_starboard": 3, "epfd": 1}, channel="B"))
stamped(T0 + 40, enc({"type": 24, "mmsi": 413000003, "partno": 0, "shipname": "YU FENG"}))
stamped(T0 + 41, enc({"type": 24, "mmsi": 413000003, "partno": 1, "ship_type": 52,
                      "vendorid": "BWX", "callsign": "BYF3", "to_bow": 12, "to_stern": 8,
                      "to_port": 3, "to_starboard": 3}))
# Long range position of a DPRK-flagged ship off Nampo; a base station; positions of type 2 and 3.
stamped(T0 + 50, enc({"type": 27, "mmsi": 445000004, "status": 0, "lon": 125.1, "lat": 38.6,
                      "speed": 9, "course": 95}))
stamped(T0 + 60, enc({"type": 4, "mmsi": 4121234, "year": 2024, "month": 5, "day": 1, "hour": 0,
                      "minute": 1, "second": 0, "lon": 120.3, "lat": 37.6, "epfd": 1}))
stamped(T0 + 70, enc({"type": 2, "mmsi": 445000004, "status": 0, "speed": 9.5, "lon": 125.12,
                      "lat": 38.61, "course": 96.0, "heading": 97, "second": 10}))
stamped(T0 + 80, enc({"type": 3, "mmsi": 412000001, "status": 0, "speed": 11.0, "lon": -0.5,
                      "lat": -0.25, "course": 359.9, "heading": 359, "second": 59}))
# Position not available (lat 91, lon 181): decoded, but no fix.
stamped(T0 + 90, enc({"type": 1, "mmsi": 412000005, "lon": 181, "lat": 91, "speed": 102.3,
                      "course": 360, "heading": 511, "second": 60}))
# A $PGHP time for the next sentence, and an own-ship (VDO) sentence.
out.append(sentence("$PGHP,1,2024,5,1,0,2,0,0,412,1,,1,00"))
out.extend(enc({"type": 1, "mmsi": 412000006, "speed": 7.0, "lon": 120.9, "lat": 37.9,
                "course": 45.0, "heading": 44, "second": 0}, kind="VDO"))
# A tag block group whose second line takes the first line's time; a milliseconds c: time.
s = enc({"type": 5, "mmsi": 445000004, "imo": imo(862305), "callsign": "HMZZ",
         "shipname": "SEA STAR", "ship_type": 80, "to_bow": 100, "to_stern": 20, "to_port": 10,
         "to_starboard": 10, "draught": 8.1, "destination": "LONGKOU"}, seq=2, channel="B")
out.append(tag("g:1-2-77,c:%d" % (T0 + 100)) + s[0])
out.append(tag("g:2-2-77") + s[1])
out.append(tag("c:%d" % ((T0 + 110) * 1000)) + enc({"type": 1, "mmsi": 413000002, "speed": 3.9,
                                                       "lon": 121.2, "lat": 38.15, "course": 119.0,
                                                       "heading": 118, "second": 50}, channel="B")[0])

# Broken on purpose, each for one reason:
good = enc({"type": 1, "mmsi": 412000007, "speed": 5.0, "lon": 120.5, "lat": 37.7, "course": 10.0,
            "heading": 10, "second": 0})[0]
out.append(tag("c:%d" % (T0 + 200)) + good[:-2] + "00")  # sentence checksum wrong
out.append("\\c:%d*00\\" % (T0 + 201) + good)  # tag block checksum wrong
out.append(tag("c:12415440354") + good)  # a c: time of the 24th century
out.append(good)  # no time of its own (taken from the file when one is stated)
frags = enc({"type": 5, "mmsi": 412000008, "imo": imo(923456), "shipname": "LOST HALF"}, seq=3)
out.append(tag("c:%d" % (T0 + 210)) + frags[1])  # fragment 2 with no fragment 1
out.append(tag("c:%d" % (T0 + 211)) + frags[0])  # fragment 1 ...
out.append(tag("c:%d" % (T0 + 212)) + enc({"type": 5, "mmsi": 412000009, "shipname": "NEXT"},
                                             seq=3)[0])  # ... superseded by another fragment 1
out.append(tag("c:%d" % (T0 + 213)) + sentence("!AIVDM,1,1,,A,,0"))  # empty payload
out.append(tag("c:%d" % (T0 + 214)) + sentence("!AIVDM,1,1,,A,13HOI:0P0000VOHL,0"))  # too short
out.append(tag("c:%d" % (T0 + 215)) + sentence("!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,7"))
out.append(tag("c:%d" % (T0 + 216)) + enc({"type": 15, "mmsi": 412000001, "mmsi1": 412000002,
                                             "msg1_1": 5})[0])  # a type not read
out.append(sentence("$GPGGA,000000.00,3738.000,N,12020.000,E,1,04,2.6,10.0,M,,M,,"))
out.append("LONG HAI 7 ARRIVED")
out.append(sentence("$PGHP,1,2024,5,1,0,3,0,0,412,1,,1,00"))  # followed by another $PGHP
out.append(sentence("$PGHP,1,2024,5,1,0,4,0,0,412,1,,1,00"))
out.extend(enc({"type": 1, "mmsi": 412000006, "speed": 7.1, "lon": 120.95, "lat": 37.95,
                "course": 46.0, "heading": 45, "second": 0}))
out.append(tag("c:%d" % (T0 + 300)) + frags[0])  # the file ends before fragment 2

print("\n".join(out))
