#!/usr/bin/env python3
"""Writes crates/ais/tests/fixtures/voyage.csv: invented tracks for the sea-event tests.

A cargo ship (412000021) calls at Longkou, sails east, drifts for three hours beside a
DPRK-flagged ship (445000022) far from any port, sails on to Nampo and calls there, then
leaves and goes dark for 30 hours at sea. A third ship (412000023) passes the meeting point at
speed, and a fourth (412000024) loiters alone at sea. Positions every 10 minutes, in time order.

Usage: python3 scripts/ais-events-fixture.py > crates/ais/tests/fixtures/voyage.csv
"""
import datetime
import math

T0 = 1714521600  # 2024-05-01T00:00:00Z
STEP = 600
LONGKOU = (37.6435, 120.3304)
NAMPO = (38.7333, 125.4167)
MEET = (38.30, 122.80)


def km(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


class Ship:
    def __init__(self, mmsi, at, t):
        self.mmsi, self.at, self.t, self.rows = mmsi, at, t, []

    def emit(self, speed):
        self.rows.append((self.t, self.mmsi, self.at[0], self.at[1], speed))

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


a = Ship(412000021, LONGKOU, T0)
a.stay(3)
a.sail(MEET, 10)
meet_t = a.t
a.stay(3, 0.5, (0.0001, 0.0))
a.sail(NAMPO, 10)
a.stay(2)
a.sail((38.5, 124.6), 10)
a.dark(30, (38.0, 122.0))
a.stay(1, 9.0, (0.0, -0.02))

b = Ship(445000022, (39.6, 123.4), T0)
d = km(b.at, MEET)
b.t = meet_t - round(d / (8 * 1.852) * 3600 / STEP) * STEP
b.sail((MEET[0] + 0.001, MEET[1] + 0.001), 8)
b.stay(3, 0.6, (0.0001, 0.0))
b.sail((39.6, 123.4), 8)

c = Ship(412000023, (38.30, 122.0), meet_t)
c.sail((38.30, 123.6), 12)

e = Ship(412000024, (37.9, 123.5), T0)
e.stay(3, 0.8, (0.0002, 0.0002))
e.sail((37.5, 124.0), 11)

rows = sorted(a.rows + b.rows + c.rows + e.rows)
print("mmsi,time,lat,lon,sog")
for t, mmsi, lat, lon, sog in rows:
    ts = datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    print(f"{mmsi},{ts},{lat:.5f},{lon:.5f},{sog:.1f}")
