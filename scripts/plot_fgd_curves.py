#!/usr/bin/python3
"""Plot the FGD experiment's curves from one or more fgd_curve.csv files (docs/validation.md).

    /usr/bin/python3 scripts/plot_fgd_curves.py out/fgd-default/fgd_curve.csv -o docs/img/fgd-openb-default.png

Two panels against the arrived GPU demand (% of cluster GPUs): the unallocated GPU share and the
fragmented GPU share, one line per policy (mean over seeds) with a band of +-1 standard deviation.
Needs Debian's python3-matplotlib and python3-pandas (use /usr/bin/python3).
"""
import argparse
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

ORDER = ["fgd", "best-fit", "dot-product", "gpu-packing", "gpu-clustering", "random-fit"]
COLUMNS = ["policy", "seed", "arrived_pct", "allocated_pct", "fragmented_pct", "unallocated_pct"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv", nargs="+", help="fgd_curve.csv files (concatenated)")
    ap.add_argument("-o", "--out", required=True, help="output image (.png or .svg)")
    ap.add_argument("--title", default="", help="figure title")
    args = ap.parse_args()
    frames = []
    for path in args.csv:
        df = pd.read_csv(path)
        if list(df.columns) != COLUMNS:
            print(f"{path}: expected columns {','.join(COLUMNS)}, got {','.join(df.columns)}", file=sys.stderr)
            return 2
        frames.append(df)
    df = pd.concat(frames)
    stats = df.groupby(["policy", "arrived_pct"]).agg(["mean", "std"]).reset_index()
    policies = [p for p in ORDER if p in set(df.policy)] + sorted(set(df.policy) - set(ORDER))
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharex=False)
    for ax, col, label in [(axes[0], "unallocated_pct", "Unallocated GPUs (% of cluster)"),
                           (axes[1], "fragmented_pct", "Fragmented GPUs (% of cluster)")]:
        for p in policies:
            s = stats[stats.policy == p]
            x, m, sd = s.arrived_pct, s[(col, "mean")], s[(col, "std")].fillna(0)
            (line,) = ax.plot(x, m, label=p, lw=1.6 if p == "fgd" else 1.1)
            ax.fill_between(x, m - sd, m + sd, color=line.get_color(), alpha=0.2, lw=0)
        ax.set_xlabel("Arrived GPU demand (% of cluster GPUs)")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.axvline(100, color="grey", lw=0.8, ls=":")
    # The unallocated share is 100 - arrived until the first task fails; the policies part later.
    axes[0].set_xlim(50, df.arrived_pct.max())
    axes[0].set_ylim(0, 50)
    axes[1].set_xlim(0, df.arrived_pct.max())
    axes[1].legend(fontsize=8, loc="upper left")
    seeds = df.groupby("policy").seed.nunique().max()
    fig.suptitle(args.title or f"FGD experiment, mean +- 1 sd over {seeds} seeds", fontsize=10)
    fig.tight_layout()
    fig.savefig(args.out, dpi=150)
    return 0


if __name__ == "__main__":
    sys.exit(main())
