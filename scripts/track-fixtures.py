#!/usr/bin/env python3
"""Writes crates/analyze/tests/fixtures/tracks/: invented vessel tracks for the sea detectors.

Each file is one scenario, with a twin that lacks the pattern (the detector stays silent):

  sts-flagged.nmea   a Chinese ship (412000031) drifts three hours beside a DPRK-flagged one
                     (445000032) in Korea Bay, far from any port            -> ship-to-ship
  sts-plain.csv      the same meeting between two Chinese ships              -> (silent)
  dark-near.csv      a ship sailing off the DPRK's west coast goes dark 30 h -> dark-voyage
  dark-far.csv       a ship off Shanghai goes dark 14 h: no DPRK port within reach
  longkou-nampo.csv  a ship calls at Longkou, sails to Nampo and calls there  -> dark-voyage,
                     and with a report of goods trucked to Longkou          -> transshipment
  longkou-dalian.csv a ship sails Longkou -> Dalian (domestic)              -> (silent)
  designated.csv     a ship reporting IMO 7937317 (on the OFAC SDN list) calls at Longkou
                                                                            -> designated-vessel
  undesignated.csv   the same call by a ship whose IMO number is on no list  -> (silent)

The NMEA file is type 1 position reports with a tag block receiver time (`c:`), checksums
computed here. Positions every 10 minutes, in time order. All vessels are invented.

Usage: python3 scripts/track-fixtures.py crates/analyze/tests/fixtures/tracks
"""
import datetime
import math
import os
import sys

T0 = 1714521600  # 2024-05-01T00:00:00Z
STEP = 600
LONGKOU = (37.6435, 120.3304)
NAMPO = (38.7333, 125.4167)
DALIAN = (38.93, 121.65)
MEET = (38.30, 122.80)


def km(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


class Ship:
    def __init__(self, mmsi, at, t, **static):
        self.mmsi, self.at, self.t, self.rows, self.static = mmsi, at, t, [], static

    def emit(self, speed):
        self.rows.append((self.t, self.mmsi, self.at[0], self.at[1], speed, self.static))

    def stay(self, hours, speed=0.0, drift=(0.0, 0.0)):
        for _ in range(int(hours * 3600 / STEP)):
            self.emit(speed)
            self.at = (self.at[0] + drift[0], self.at[1] + drift[1])
            self.t += STEP

    def sail(self, to, knots):
        d = km(self.at, to)
        n = max(1, round(d / (knots * 1.852) * 3600 / STEP))
        start = self.at
        for i in range(n):
            self.emit(knots)
            f = (i + 1) / n
            self.at = (start[0] + (to[0] - start[0]) * f, start[1] + (to[1] - start[1]) * f)
            self.t += STEP

    def dark(self, hours, to):
        self.t += int(hours * 3600)
        self.at = to


def meeting(a_mmsi, b_mmsi):
    a = Ship(a_mmsi, (37.9, 121.6), T0)
    a.sail(MEET, 10)
    meet_t = a.t
    a.stay(3, 0.5, (0.0001, 0.0))
    a.sail((38.0, 121.9), 10)
    b = Ship(b_mmsi, (39.6, 123.4), T0)
    d = km(b.at, MEET)
    b.t = meet_t - round(d / (8 * 1.852) * 3600 / STEP) * STEP
    b.sail((MEET[0] + 0.001, MEET[1] + 0.001), 8)
    b.stay(3, 0.6, (0.0001, 0.0))
    b.sail((39.6, 123.4), 8)
    return a.rows + b.rows


def dark_near():
    a = Ship(412000051, (38.2, 123.0), T0)
    a.sail((38.4, 124.2), 10)
    a.dark(30, (38.1, 123.2))
    a.sail((37.9, 122.4), 10)
    return a.rows


def dark_far():
    a = Ship(412000061, (31.0, 123.3), T0)
    a.sail((31.4, 123.9), 10)
    a.dark(14, (31.9, 124.2))
    a.sail((32.3, 124.4), 10)
    return a.rows


def voyage(mmsi, to):
    a = Ship(mmsi, LONGKOU, T0 + 3 * 86400)
    a.stay(3)
    a.sail(to, 10)
    a.stay(3)
    return a.rows


def port_call(mmsi, imo, name):
    a = Ship(mmsi, (37.9, 120.9), T0 + 6 * 86400, imo=imo, name=name)
    a.sail(LONGKOU, 10)
    a.stay(4)
    a.sail((37.9, 120.9), 10)
    return a.rows


def utc(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_csv(path, rows):
    named = any(r[5] for r in rows)
    with open(path, "w") as f:
        f.write("mmsi,time,lat,lon,sog" + (",imo,name" if named else "") + "\n")
        for t, mmsi, lat, lon, sog, st in sorted(rows, key=lambda r: (r[0], r[1])):
            line = f"{mmsi},{utc(t)},{lat:.5f},{lon:.5f},{sog:.1f}"
            if named:
                line += f",{st.get('imo', '')},{st.get('name', '')}"
            f.write(line + "\n")


def bits(value, width):
    if value < 0:
        value += 1 << width
    return format(value, f"0{width}b")


def armour(b):
    b += "0" * (-len(b) % 6)
    out = []
    for i in range(0, len(b), 6):
        v = int(b[i : i + 6], 2)
        out.append(chr(v + 48 if v < 40 else v + 56))
    return "".join(out)


def checksum(s):
    x = 0
    for c in s:
        x ^= ord(c)
    return f"{x:02X}"


def type1(mmsi, lat, lon, sog, t):
    b = (
        bits(1, 6)
        + bits(0, 2)
        + bits(mmsi, 30)
        + bits(0 if sog >= 1 else 5, 4)  # under way using engine, or moored
        + bits(-128, 8)  # no turn information
        + bits(round(sog * 10), 10)
        + bits(0, 1)
        + bits(round(lon * 600000), 28)
        + bits(round(lat * 600000), 27)
        + bits(3600, 12)  # course not available
        + bits(511, 9)  # heading not available
        + bits(t % 60, 6)
        + bits(0, 2)
        + bits(0, 3)
        + bits(0, 1)
        + bits(0, 19)
    )
    body = f"AIVDM,1,1,,A,{armour(b)},0"
    tag = f"c:{t}"
    return f"\\{tag}*{checksum(tag)}\\!{body}*{checksum(body)}"


def write_nmea(path, rows):
    with open(path, "w") as f:
        f.write("# invented tracks for the ship-to-ship detector (scripts/track-fixtures.py)\n")
        for t, mmsi, lat, lon, sog, _ in sorted(rows, key=lambda r: (r[0], r[1])):
            f.write(type1(mmsi, lat, lon, sog, t) + "\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "crates/analyze/tests/fixtures/tracks"
    os.makedirs(out, exist_ok=True)
    write_nmea(os.path.join(out, "sts-flagged.nmea"), meeting(412000031, 445000032))
    write_csv(os.path.join(out, "sts-plain.csv"), meeting(412000041, 413000042))
    write_csv(os.path.join(out, "dark-near.csv"), dark_near())
    write_csv(os.path.join(out, "dark-far.csv"), dark_far())
    write_csv(os.path.join(out, "longkou-nampo.csv"), voyage(412000071, NAMPO))
    write_csv(os.path.join(out, "longkou-dalian.csv"), voyage(412000081, DALIAN))
    write_csv(os.path.join(out, "designated.csv"), port_call(667000091, 7937317, "CHONG CHON GANG"))
    write_csv(os.path.join(out, "undesignated.csv"), port_call(667000092, 9074729, "SEA BREEZE"))


if __name__ == "__main__":
    main()
