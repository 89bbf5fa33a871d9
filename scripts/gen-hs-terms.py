#!/usr/bin/env python3
"""Generate data/hs/generated/terms.csv: goods terms read off the HS 2022 nomenclature.

Each heading and subheading of the Harmonized System names its goods first ("Vinegar and
substitutes for vinegar obtained from acetic acid", "Horses; live, pure-bred breeding animals").
This script takes those leading names (split at commas, "and", "or"; cut before qualifiers such as
"of a kind", "whether", "other than"), keeps the ones whose last word the part-of-speech lexicon
(data/extract/lexicon/lexicon.txt) knows as a noun or does not know at all (technical names), drops
generic heads that name no goods by themselves ("parts", "articles", "apparatus"), and maps each to
the headings it came from, most frequent first, among the headings hs/headings.csv titles. Terms the hand lexicon (data/hs/lexicon.csv)
already has are left out: the hand lexicon always wins.

usage: scripts/gen-hs-terms.py [HS2022_CSV]
  (default: ../shared/data/hs-nomenclature/harmonized-system-hs2022.csv beside the checkout)
Source: GitHub datasets/harmonized-system (values from UN Comtrade), ODC PDDL 1.0.
Run at development time only; the output is committed.
"""
import collections, csv, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
DEFAULT = os.path.join(ROOT, "..", "shared", "data", "hs-nomenclature", "harmonized-system-hs2022.csv")
OUT = os.path.join(ROOT, "data", "hs", "generated", "terms.csv")
OUT_HEADINGS = os.path.join(ROOT, "data", "hs", "generated", "headings.csv")

# Heads that name a kind of thing, not goods a report would name alone.
GENERIC = set("""parts part articles article apparatus appliances appliance goods products product
sets set accessories equipment machines machinery instruments materials material units unit
leaves bodies dust flakes waste scrap residues preparations mixtures compounds derivatives salts
substances forms shapes pieces sections elements items things kinds types others other
containers boxes bags sacks cases holders fittings mountings devices means works base bases
sides side lengths length both same similar powders powder pellets grains liquids solutions
fibres fibers yarns threads sheets plates strips bars rods tubes pipes profiles wire wires
structures frames chain chains water waters poly skate skates""".split())
# Qualifiers that end the leading name.
CUT = re.compile(r"\b(?:of a kind|whether|other than|not |including|excluding|n\.e\.c|nes\b|used |"
                 r"for |with |in |containing|obtained|put up|prepared|except|of |from |having |"
                 r"without |on |to |by |at |than |as |such as)")

def singular(w):
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if re.search(r"(ss|x|ch|sh|zz)es$", w) or w.endswith("oes"):
        return w[:-2]
    if w.endswith("s") and len(w) > 3 and not w.endswith(("ss", "us", "is", "as")):
        return w[:-1]
    return w

def pos_lexicon():
    tags = {}
    with open(os.path.join(ROOT, "data", "extract", "lexicon", "lexicon.txt"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            p = line.split()
            if len(p) == 2:
                tags[p[0]] = p[1]
    return tags

def fold(s):
    return re.sub(r"[\s\-]+", " ", s.lower()).strip()

def hand_terms():
    out = set()
    with open(os.path.join(ROOT, "data", "hs", "lexicon.csv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("phrases,"):
                continue
            for p in next(csv.reader([line]))[0].split("|"):
                out.add(fold(p))
                out.add(fold(singular(p)))
    return out

def known_headings():
    with open(os.path.join(ROOT, "data", "hs", "headings.csv"), encoding="utf-8") as f:
        return {l.split(",")[0] for l in f if l[:4].isdigit() and len(l.split(",")[0]) == 4}

def main():
    src = sys.argv[1] if len(sys.argv) > 1 else DEFAULT
    tags, hand, known = pos_lexicon(), hand_terms(), known_headings()
    codes = collections.defaultdict(collections.Counter)
    titles = {}
    with open(src, encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            if r["level"] == "4":
                titles[r["hscode"]] = r["description"]
            if r["level"] not in ("4", "6"):
                continue
            segs = re.split(r"[;:(]", r["description"])
            # "Wood; for fuel, sawdust and wood waste": a subheading names its goods after the
            # heading's word too.
            names = []
            for seg in segs[:2 if r["level"] == "6" else 1]:
                for part in seg.split(","):
                    m = CUT.search(part)
                    names.extend(re.split(r" and | or |/", part[:m.start()] if m else part))
                    # A qualifier after a name ("… of iron, steel") governs the rest.
                    if m and part[:m.start()].strip():
                        break
            for n, part in enumerate(names):
                p = re.sub(r"^(?:other|and|or|the|a|an)\s+", "", part.strip().lower())
                words = p.split()
                if not words or len(words) > 3 or not re.fullmatch(r"[a-z][a-z \-]*[a-z]", p):
                    continue
                last = singular(words[-1])
                if words[-1] in GENERIC or last in GENERIC or any(w in GENERIC for w in words):
                    continue
                tag = next((tags[w] for w in (words[-1], last, words[-1].capitalize(),
                            last.capitalize()) if w in tags), None)
                if tag is not None and not tag.startswith("NN"):
                    continue
                # An unknown single word with an adjective's ending ("dead-burned").
                if len(words) == 1 and tag is None and re.search(r"(ed|ing|ous|ive|al)$", last):
                    continue
                # A single word the tagger's lexicon knows is common English ("time", "office",
                # "bridge"): as goods it would be read everywhere. Only names of two or three
                # words, and single technical words the lexicon lacks, are kept.
                if len(words) == 1 and (len(last) < 4 or tag is not None):
                    continue
                # A heading's own name counts more than a subheading's.
                # A heading's own name counts more than a subheading's, a name that opens the
                # description more than one in a list.
                weight = (3 if r["level"] == "4" else 1) + (1 if n == 0 else 0)
                codes[" ".join(words[:-1] + [last])][r["hscode"][:4]] += weight
    rows, seen = [], set(hand)
    for term, c in sorted(codes.items()):
        if fold(term) in seen:
            continue
        ranked = [h for h, _ in c.most_common(3)]
        plural = term + ("es" if re.search(r"(s|x|ch|sh)$", term) else "s")
        forms = [term] if term.endswith(("ware", "wear")) else [term, plural]
        forms = [f for f in forms if fold(f) not in seen]
        seen.update(fold(f) for f in forms)
        confidence = 0.6 if len(c) == 1 else 0.5
        rows.append(("|".join(forms), "|".join(ranked), confidence))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        f.write("# borderwatch goods terms: GENERATED by scripts/gen-hs-terms.py from the HS 2022\n"
                "# nomenclature (GitHub datasets/harmonized-system, values from UN Comtrade; ODC PDDL 1.0).\n"
                "# The leading names of headings and subheadings, mapped to the headings they name, most\n"
                "# frequent first. The hand lexicon (hs/lexicon.csv) wins over these. Do not edit by hand.\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["phrases", "hs", "product", "confidence", "note"])
        for forms, hs, conf in rows:
            w.writerow([forms, hs, "", conf, ""])
    # Headings the hand titles lack get the nomenclature's own wording, so every code a term
    # names has a title.
    needed = sorted({h for _, hs, _ in rows for h in hs.split("|")} - known)
    with open(OUT_HEADINGS, "w", encoding="utf-8", newline="") as f:
        f.write("# borderwatch heading titles: GENERATED by scripts/gen-hs-terms.py from the HS 2022\n"
                "# nomenclature (GitHub datasets/harmonized-system, values from UN Comtrade; ODC PDDL 1.0)\n"
                "# for the headings that hs/generated/terms.csv names and hs/headings.csv does not title.\n"
                "# The hand titles win. Do not edit by hand.\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "title"])
        for h in needed:
            w.writerow([h, titles[h]])
    print(f"{OUT}: {len(rows)} terms; {OUT_HEADINGS}: {len(needed)} headings", file=sys.stderr)

if __name__ == "__main__":
    main()
