#!/usr/bin/env python3
"""Learning curves of olrt train --out JSON files as one CSV for OnlineLearning.Plots `lines`.

Usage: curves.py [--array NAME] <x field> <y field> <out.csv> <label>=<file.json> ...
Every run's "curve" array (or the array NAME, e.g. cosine_curve from olrt train --cosine-every) gives x and y; the CSV's first column is x, one column per run. Runs must share the x
values (the same epochs, steps or samples); a run missing an x gets the previous value of that run (a step line).
"""
import json
import sys


def main(argv):
    array = "curve"
    if len(argv) > 2 and argv[1] == "--array":
        array = argv[2]
        argv = argv[:1] + argv[3:]
    if len(argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    xf, yf, out = argv[1], argv[2], argv[3]
    runs = []
    for spec in argv[4:]:
        label, path = spec.split("=", 1)
        with open(path, encoding="utf-8") as f:
            curve = json.load(f)[array]
        points = {p[xf]: p[yf] for p in curve if p.get(yf) is not None}
        runs.append((label.replace(",", ";"), points))
    xs = sorted({x for _, pts in runs for x in pts})
    with open(out, "w", encoding="utf-8") as f:
        f.write(",".join([xf.replace("_", " ")] + [label for label, _ in runs]) + "\n")
        last = [None] * len(runs)
        for x in xs:
            row = [repr(x)]
            for i, (_, pts) in enumerate(runs):
                if x in pts:
                    last[i] = pts[x]
                row.append("NaN" if last[i] is None else repr(last[i]))
            f.write(",".join(row) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
