#!/usr/bin/python3
"""Run the FGD experiment under each protocol and ablation, and print the tables of
docs/validation.md ("Which protocol gives which numbers").

    /usr/bin/python3 scripts/fgd_protocols.py --out out/fgd-protocols > out/fgd-protocols.md

For every trace variant (scenarios/repro/fgd-openb-VARIANT.yaml) and every setting below, runs the
scenario's 6 policies x its seeds with the setting's --set overrides, and reads the unallocated GPU
share at 100 % arrived demand from fgd_summary.csv. The scenarios' own default is the reference
protocol; each other setting changes only what its name says. Standard library only.
"""
import argparse
import csv
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TRACES = ["default", "gpushare100", "multigpu50", "gpuspec33", "cpu250"]


def sets(ties, scores, arrivals, reading):
    return [f"sharing_replay.tie_break={ties}", f"sharing_replay.scores={scores}",
            f"sharing_replay.arrivals={arrivals}", f"sharing_replay.reading={reading}"]


# (name, description, overrides). The first is the scenarios' default.
SETTINGS = [
    ("reference", "the reference simulator's protocol: integer scores, node-permutation ties, its arrivals and reading",
     sets("node-permutation", "reference-integer", "reference", "reference")),
    ("exact", "hetsim's former default: exact scores, lowest-id ties, draws with replacement, crossing reading",
     sets("lowest-id", "exact", "draws", "crossing")),
    ("ref-arrivals exact lowest-id", "reference arrivals and reading; exact scores, lowest-id ties",
     sets("lowest-id", "exact", "reference", "reference")),
    ("ref-arrivals integer lowest-id", "reference arrivals and reading; integer scores alone",
     sets("lowest-id", "reference-integer", "reference", "reference")),
    ("ref-arrivals exact node-permutation", "reference arrivals and reading; node order alone",
     sets("node-permutation", "exact", "reference", "reference")),
    ("ref-arrivals integer random", "reference arrivals and reading; integer scores with per-decision random ties",
     sets("random", "reference-integer", "reference", "reference")),
    ("ref-scoring draws", "integer scores and node order, but draws with replacement and the crossing reading",
     sets("node-permutation", "reference-integer", "draws", "crossing")),
]


def run_grid(binary, trace, setting, out_dir, extra):
    name, _, overrides = setting
    out = os.path.join(out_dir, f"{trace}-{name.replace(' ', '_')}")
    cmd = [binary, "run", os.path.join(ROOT, "scenarios", "repro", f"fgd-openb-{trace}.yaml"), "--quiet", "--out", out]
    for o in overrides + extra:
        cmd += ["--set", o]
    subprocess.run(cmd, check=True)
    table = {}  # policy -> (mean, sd), in the summary's order
    with open(os.path.join(out, "fgd_summary.csv"), newline="") as f:
        for row in csv.DictReader(f):
            table[row["policy"]] = (float(row["unallocated_pct_mean"]), float(row["unallocated_pct_sd"]))
    return table


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="folder for each grid's outputs")
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "hetsim"))
    ap.add_argument("--traces", default=",".join(TRACES), help="comma list of trace variants")
    ap.add_argument("--settings", default="", help="comma list of setting names (default: all)")
    ap.add_argument("--set", action="append", default=[], help="extra --set for every run (e.g. a trace path)")
    args = ap.parse_args()
    traces = [t for t in args.traces.split(",") if t]
    chosen = [s for s in SETTINGS if not args.settings or s[0] in args.settings.split(",")]
    if not chosen:
        print("fgd_protocols.py: no such setting", file=sys.stderr)
        return 2
    results = {}
    for s in chosen:
        for t in traces:
            print(f"fgd_protocols.py: {t} / {s[0]}", file=sys.stderr)
            results[(s[0], t)] = run_grid(args.binary, t, s, args.out, args.set)

    def cell(v, best):
        text = f"{v[0]:.2f} ± {v[1]:.2f}"
        return f"**{text}**" if best else text

    for s in chosen:
        print(f"\n**{s[0]}**: {s[1]}.\n")
        print("| policy | " + " | ".join(traces) + " |")
        print("|---|" + "---:|" * len(traces))
        best = {t: min(results[(s[0], t)].values())[0] for t in traces}
        # The policies as the scenario lists them (fgd_summary.csv keeps their order).
        for p in results[(s[0], traces[0])]:
            row = [cell(results[(s[0], t)][p], results[(s[0], t)][p][0] == best[t]) for t in traces]
            print(f"| {p} | " + " | ".join(row) + " |")
    # FGD against the best baseline, per setting: the lead (positive: FGD ahead), in points.
    print("\n**FGD's lead over the best baseline** (unallocated GPU %, best baseline minus fgd; positive: FGD ahead)\n")
    print("| setting | " + " | ".join(traces) + " |")
    print("|---|" + "---:|" * len(traces))
    for s in chosen:
        row = []
        for t in traces:
            r = results[(s[0], t)]
            base = min((v[0], p) for p, v in r.items() if p != "fgd")
            row.append(f"{base[0] - r['fgd'][0]:+.2f} ({base[1]})")
        print(f"| {s[0]} | " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
