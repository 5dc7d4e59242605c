#!/usr/bin/python3
"""Plot experiment 2 of docs/mixed-training.md from the mixed_plans.csv that
`build/hetsim run scenarios/repro/mixed-sensitivity.yaml --out DIR` writes.

    /usr/bin/python3 scripts/plot_mixed_sensitivity.py DIR/mixed_plans.csv -o docs/img/mixed-sensitivity.png

Plans are grouped by name: `link@cross_vendor_gbps=X`, `ratio-P` (percent of the first chip),
`model-NAME`, `batch@global_batch=N`. Needs Debian's python3-matplotlib and python3-pandas.
"""
import argparse
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv")
    ap.add_argument("-o", "--out", required=True)
    args = ap.parse_args()
    df = pd.read_csv(args.csv)
    df = df[df.feasible == 1]
    link = df[df.plan.str.startswith("link@")]
    ratio = df[df.plan.str.startswith("ratio-")].assign(x=lambda d: d.plan.str[6:].astype(float))
    model = df[df.plan.str.startswith("model-")]
    batch = df[df.plan.str.startswith("batch@")]
    fig, ax = plt.subplots(1, 4, figsize=(14, 3.3))
    # Two figures per panel: the mixing efficiency (mixing alone) and eta (mixing x pooling).
    for col, style, label in (("mixing_efficiency", "o-", "mixing efficiency"), ("efficiency", "s--", "eta")):
        ax[0].plot(link.cross_vendor_gbps, link[col], style, label=label)
        ax[1].plot(ratio.x, ratio[col], style, label=label)
        ax[3].plot(batch.global_batch, batch[col], style, label=label)
    width = 0.4
    ax[2].bar([i - width / 2 for i in range(len(model))], model.mixing_efficiency, width, label="mixing efficiency")
    ax[2].bar([i + width / 2 for i in range(len(model))], model.efficiency, width, label="eta")
    ax[0].set_xscale("log")
    ax[0].set_xlabel("cross-vendor Gb/s per card")
    ax[1].set_xlabel("share of the first chip type (%)")
    ax[2].set_xticks(range(len(model)), model.model, rotation=30, fontsize=7)
    ax[2].set_xlabel("model")
    ax[2].set_ylim(0.8, 1.1)
    ax[3].set_xscale("log")
    ax[3].set_xlabel("global batch (samples)")
    for a in ax:
        a.set_ylabel("ratio")
        a.grid(alpha=0.3)
        a.axhline(1.0, color="grey", lw=0.8, ls=":")
    ax[0].legend(fontsize=7)
    fig.suptitle("Predicted mixed-training efficiency (scenarios/repro/mixed-sensitivity.yaml)", fontsize=10)
    fig.tight_layout()
    fig.savefig(args.out, dpi=140)
    return 0


if __name__ == "__main__":
    sys.exit(main())
