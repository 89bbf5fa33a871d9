#!/usr/bin/env python3
"""Writes a realistic shipments CSV for the batch-screening benchmark.

usage: gen_shipments.py ROWS OUT [--seed S] [--broken PER_MILLION]

Columns match what `borderwatch screen --input` finds by name: shipment_id, date, hs_code,
description, direction, quantity, unit, value_usd. HS codes are drawn from the trade that crosses
the China-DPRK border (food, medicine, building materials, appliances, machinery, vehicles, metals,
fuel, seafood, textiles, wigs), at 4, 6 and 8 digits; directions both ways; dates 2015-2025.
`--broken` salts that many malformed rows per million (bad codes, dates, directions, short rows).
"""
import random
import sys

CODES = {
    # code: (description, weight, typical direction bias toward inbound)
    "1006": ("rice", 6, 0.95), "1701": ("sugar", 5, 0.95), "1517": ("cooking oil", 5, 0.95),
    "1101": ("wheat flour", 4, 0.95), "1902": ("instant noodles", 2, 0.9), "1905": ("biscuits", 2, 0.9),
    "0207": ("frozen chicken", 2, 0.95), "3004": ("medicines", 4, 0.95), "3002": ("vaccines", 1, 0.99),
    "2523": ("cement", 3, 0.95), "2522": ("lime", 1, 0.9), "6907": ("ceramic tiles", 2, 0.9),
    "6910": ("toilets", 1, 0.95), "3917": ("plastic pipes", 2, 0.95), "4011": ("car tyres", 2, 0.95),
    "841810": ("refrigerators", 3, 0.97), "8516": ("rice cookers", 2, 0.97), "8528": ("televisions", 2, 0.97),
    "8471": ("laptops", 1, 0.97), "8429": ("excavators", 1, 0.97), "870899": ("auto parts", 3, 0.97),
    "8704": ("trucks", 1, 0.97), "7214": ("steel bars", 2, 0.97), "7606": ("aluminium sheets", 1, 0.97),
    "27101943": ("diesel", 3, 0.99), "271012": ("gasoline", 1, 0.99), "2709": ("crude oil", 1, 0.99),
    "2701": ("anthracite", 3, 0.05), "2601": ("iron ore", 1, 0.05), "0307": ("squid", 2, 0.05),
    "030389": ("frozen fish", 1, 0.05), "1212": ("seaweed", 2, 0.05), "6704": ("wigs", 4, 0.05),
    "670490": ("false eyelashes", 3, 0.05), "6203": ("men's suits", 2, 0.1), "6110": ("sweaters", 1, 0.1),
    "2608": ("zinc concentrate", 1, 0.05), "7108": ("gold", 1, 0.05), "9703": ("statues", 1, 0.05),
    "2515": ("marble blocks", 1, 0.05), "4403": ("logs", 1, 0.1), "8901": ("cargo ship", 1, 0.5),
    "0802": ("pine nuts", 1, 0.1), "1211": ("ginseng", 1, 0.1), "2716": ("electricity", 1, 0.2),
    "9102": ("wristwatches", 1, 0.8), "2208": ("spirits", 1, 0.9), "5608": ("fishing nets", 1, 0.7),
    "84": ("machinery", 1, 0.9), "27": ("mineral fuels", 1, 0.8),
}
UNITS = ["t", "kg", "unit", "bbl", "m3"]


def main():
    args = sys.argv[1:]
    rows, out = int(args[0]), args[1]
    seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 7
    broken = int(args[args.index("--broken") + 1]) if "--broken" in args else 0
    rnd = random.Random(seed)
    codes = list(CODES)
    weights = [CODES[c][1] for c in codes]
    days = [f"{y}-{m:02d}-{d:02d}" for y in range(2015, 2026) for m in range(1, 13) for d in range(1, 29)]
    with open(out, "w", buffering=1 << 20) as f:
        f.write("shipment_id,date,hs_code,description,direction,quantity,unit,value_usd\n")
        batch = []
        picks = rnd.choices(codes, weights, k=rows)
        for i, code in enumerate(picks):
            desc, _, bias = CODES[code]
            direction = "inbound" if rnd.random() < bias else "outbound"
            date = days[rnd.randrange(len(days))]
            q = rnd.randrange(1, 5000)
            v = q * rnd.randrange(5, 900)
            line = f"S{i:09d},{date},{code},{desc},{direction},{q},{UNITS[i % 5]},{v}"
            if broken and rnd.randrange(1_000_000) < broken:
                kind = rnd.randrange(4)
                line = [
                    f"S{i:09d},{date},84x8,{desc},{direction},{q},t,{v}",
                    f"S{i:09d},2019-02-30,{code},{desc},{direction},{q},t,{v}",
                    f"S{i:09d},{date},{code},{desc},sideways,{q},t,{v}",
                    f"S{i:09d},{date},{code}",
                ][kind]
            batch.append(line)
            if len(batch) >= 100_000:
                f.write("\n".join(batch) + "\n")
                batch.clear()
        if batch:
            f.write("\n".join(batch) + "\n")


if __name__ == "__main__":
    main()
