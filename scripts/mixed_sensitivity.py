#!/usr/bin/python3
"""Sensitivity of the mixed-training efficiency eta (docs/mixed-training.md, experiment 2).

Runs `build/hetsim plan` over grids of cross-vendor bandwidth, chip ratio, model size and global
batch, writes OUT/sensitivity.csv (one row per plan) and OUT/sensitivity.png.

    /usr/bin/python3 scripts/mixed_sensitivity.py --out out/mixed
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

BIN = os.path.join(os.path.dirname(__file__), "..", "build", "hetsim")


def plan(model, chips, gb=None, xv=None):
    with tempfile.TemporaryDirectory() as d:
        cmd = [BIN, "plan", "--model", model, "--chips", chips, "--out", d]
        if gb:
            cmd += ["--global-batch", str(gb)]
        if xv:
            cmd += ["--cross-vendor-gbps", str(xv)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            return None
        with open(os.path.join(d, "plan.json")) as f:
            return json.load(f)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    base_model, a, b = "llama2-70b", "A100-80G-SXM", "Ascend-910B3"
    rows = []

    def add(study, x, model, chips, gb=None, xv=None):
        j = plan(model, chips, gb, xv)
        rows.append({"study": study, "x": x, "model": model, "chips": chips, "global_batch": gb or "",
                     "cross_vendor_gbps": xv or 100, "efficiency": j["efficiency"] if j else "",
                     "tokens_per_s": j["throughput_tokens_per_s"] if j else "", "mfu": j["mfu"] if j else ""})

    for xv in [1, 3, 10, 25, 50, 100, 200, 400]:
        add("cross_vendor_gbps", xv, base_model, f"{a}:128,{b}:128", xv=xv)
    for share in [0.125, 0.25, 0.5, 0.75, 0.875]:
        na = int(256 * share)
        add("share_of_first_chip", share, base_model, f"{a}:{na},{b}:{256 - na}")
    for m in ["llama2-7b", "llama2-13b", "llama2-70b", "llama-140b", "gpt3-175b"]:
        add("model", m, m, f"{a}:128,{b}:128")
    for gb in [256, 512, 1024, 2048, 4096]:
        add("global_batch", gb, base_model, f"{a}:128,{b}:128", gb=gb)
    with open(os.path.join(args.out, "sensitivity.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 4, figsize=(14, 3.2))
    for ax, study, label, logx in [(axes[0], "cross_vendor_gbps", "cross-vendor Gb/s per card", True),
                                   (axes[1], "share_of_first_chip", f"share of {a} (of 256 cards)", False),
                                   (axes[2], "model", "model", False),
                                   (axes[3], "global_batch", "global batch (samples)", True)]:
        pts = [r for r in rows if r["study"] == study and r["efficiency"] != ""]
        xs = [r["x"] for r in pts]
        ys = [r["efficiency"] for r in pts]
        if study == "model":
            ax.bar(range(len(xs)), ys)
            ax.set_xticks(range(len(xs)), xs, rotation=30, fontsize=7)
        else:
            ax.plot(xs, ys, "o-")
            if logx:
                ax.set_xscale("log")
        ax.set_xlabel(label)
        ax.set_ylabel("eta")
        ax.grid(alpha=0.3)
    fig.suptitle(f"Mixed-training efficiency, {base_model} on {a} + {b} unless varied", fontsize=10)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "sensitivity.png"), dpi=140)
    for r in rows:
        print(r["study"], r["x"], r["efficiency"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
