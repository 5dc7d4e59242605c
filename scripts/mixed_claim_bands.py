#!/usr/bin/python3
"""Bands, not points: the published mixed-training claims against the planner's uncertain inputs.

docs/mixed-training.md, "What the model supports". For each claim (HETHUB-like, BAAI-like) this runs
`hetsim plan` over a grid of the inputs the model is unsure of and reports the band of the three
ratios (mixing efficiency, pooling gain, eta) each claim sits in:

  * every chip marked `confidence: low` or `medium` in the catalog gets its achievable_mfu scaled by
    0.8, 1 and 1.2, independently per chip (the figure is an assumption for those chips);
  * the global batch at half, one and two times the claim's;
  * the cross-vendor link (HETHUB: two vendors) at 1, 10 and 100 Gb/s per card, or the inter-node
    RDMA (BAAI: one vendor) at 25, 100 and 200 Gb/s;
  * HETHUB's unnamed second vendor: Ascend 910B3 (the full grid above), and MetaX C500, Moore
    Threads S4000 and A100 over the chips' speeds only (the claim's batch, a 100 Gb/s link).
The stack is today's default (FlashAttention, sequence parallelism, ZeRO-1).

  /usr/bin/python3 scripts/mixed_claim_bands.py --out out/mixed-bands [--hetsim build/hetsim] [-j 2]
      [--quick]   (the catalog's speeds and the claims' batches only: the machinery in seconds)

Writes OUT/runs.csv (one row per plan) and OUT/bands.md (min, quartiles, max per claim and ratio,
and the share of runs at or above each claim's published figure). Deterministic: the grid is
enumerated in a fixed order and each plan is deterministic.
"""
import argparse
import concurrent.futures
import csv
import itertools
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CATALOG = os.path.join(ROOT, "scenarios", "catalog", "chips.yaml")

CLAIMS = {
    # name: (model, {chip: cards} variants, global batch, published figure, link sweep)
    "hethub": {
        "model": "llama-140b",
        # The paper's own base case first (full grid); the other second vendors at the claim's
        # batch and link, over the chips' uncertain speeds only.
        "mixes": [{"MI250X": 128, "Ascend-910B3": 640}] +
                 [{"MI250X": 128, second: 640} for second in ("MetaX-C500", "MTT-S4000", "A100-80G-SXM")],
        "batch": 1536,
        "claim": 0.9749,
        "link": ("--cross-vendor-gbps", [1, 10, 100]),
    },
    "baai": {
        "model": "aquila2-70b",
        "mixes": [{"Iluvatar-BI-V100": 960, "Iluvatar-BI-V150": 64}],
        "batch": 1024,
        "claim": 0.853,
        "link": ("--inter-node-gbps", [25, 100, 200]),
    },
}
MFU_SCALES = [0.8, 1.0, 1.2]
BATCH_SCALES = [0.5, 1.0, 2.0]
ATTENTION = ["flash"]  # today's stacks; Experiment 1 keeps the stack fixed too


def chip_blocks(text):
    """{chip name: (start, end)} character spans of each `- name:` block of the catalog."""
    starts = [(m.start(), m.group(1)) for m in re.finditer(r"^  - name: (\S+)\s*$", text, re.M)]
    spans = {}
    for i, (start, name) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        spans[name] = (start, end)
    return spans


def uncertain_chips(text, chips):
    spans = chip_blocks(text)
    out = []
    for chip in chips:
        start, end = spans[chip]
        conf = re.search(r"^\s+confidence:\s*(\S+)", text[start:end], re.M)
        if conf and conf.group(1) in ("low", "medium"):
            out.append(chip)
    return out


def scaled_catalog(text, scales):
    """The catalog text with achievable_mfu multiplied by scales[chip] in each named chip's block."""
    spans = chip_blocks(text)
    for chip, scale in sorted(scales.items(), key=lambda kv: -spans[kv[0]][0]):  # back to front
        start, end = spans[chip]
        block = text[start:end]
        m = re.search(r"^(\s+achievable_mfu:\s*)([0-9.]+)", block, re.M)
        if m is None:
            sys.exit(f"{chip}: no achievable_mfu in the catalog")
        value = float(m.group(2)) * scale
        block = block[: m.start(2)] + f"{value:.6g}" + block[m.end(2):]
        text = text[:start] + block + text[end:]
    return text


def grid(quick=False):
    base = open(CATALOG).read()
    mfu_scales = [1.0] if quick else MFU_SCALES
    batch_scales = [1.0] if quick else BATCH_SCALES
    for claim, c in CLAIMS.items():
        for index, mix in enumerate(c["mixes"]):
            unsure = uncertain_chips(base, mix)
            full = index == 0
            for scales in itertools.product(mfu_scales, repeat=len(unsure)):
                for bscale in batch_scales if full else [1.0]:
                    for link in c["link"][1] if full else [c["link"][1][-1]]:
                        for attention in ATTENTION:
                            yield {
                                "claim": claim,
                                "model": c["model"],
                                "chips": ",".join(f"{k}:{v}" for k, v in mix.items()),
                                "mfu_scales": ";".join(f"{chip}={s}" for chip, s in zip(unsure, scales)),
                                "global_batch": int(c["batch"] * bscale),
                                "link_flag": c["link"][0],
                                "link_gbps": link,
                                "attention": attention,
                            }


def run_one(hetsim, work, i, point):
    base = open(CATALOG).read()
    scales = {}
    if point["mfu_scales"]:
        for item in point["mfu_scales"].split(";"):
            chip, s = item.split("=")
            scales[chip] = float(s)
    catalog = os.path.join(work, f"chips-{i}.yaml")
    with open(catalog, "w") as f:
        f.write(scaled_catalog(base, scales))
    out = os.path.join(work, f"plan-{i}")
    cmd = [hetsim, "plan", "--model", point["model"], "--chips", point["chips"], "--global-batch",
           str(point["global_batch"]), point["link_flag"], str(point["link_gbps"]), "--attention",
           point["attention"], "--catalog", catalog, "--models",
           os.path.join(ROOT, "scenarios", "catalog", "models.yaml"), "--progress", "off", "--out", out]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    row = dict(point)
    if proc.returncode != 0:
        row.update(feasible=0, mixing_efficiency="", pooling_gain="", eta="", why=proc.stdout.strip()[-200:])
        return row
    with open(os.path.join(out, "plan.json")) as f:
        j = json.load(f)
    row.update(feasible=1, mixing_efficiency=j["mixing_efficiency"], pooling_gain=j["pooling_gain"],
               eta=j["efficiency"], why="")
    return row


def quantiles(xs):
    xs = sorted(xs)
    q = statistics.quantiles(xs, n=4, method="inclusive") if len(xs) > 1 else [xs[0]] * 3
    return xs[0], q[0], q[1], q[2], xs[-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--hetsim", default=os.path.join(ROOT, "build", "hetsim"))
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="no speed or batch sweep (tests)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    points = list(grid(args.quick))
    with tempfile.TemporaryDirectory() as work:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.j) as pool:
            rows = list(pool.map(lambda ip: run_one(args.hetsim, work, *ip), enumerate(points)))
    fields = list(rows[0].keys())
    with open(os.path.join(args.out, "runs.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    lines = ["| claim | published | runs (feasible) | ratio | min | 25 % | median | 75 % | max | runs >= published |",
             "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|"]
    for claim, c in CLAIMS.items():
        ok = [r for r in rows if r["claim"] == claim and r["feasible"] == 1]
        total = sum(1 for r in rows if r["claim"] == claim)
        for ratio in ("mixing_efficiency", "pooling_gain", "eta"):
            xs = [float(r[ratio]) for r in ok]
            lo, q1, med, q3, hi = quantiles(xs)
            above = sum(1 for x in xs if x >= c["claim"]) if ratio != "pooling_gain" else None
            lines.append(f"| {claim} | {c['claim']:.4f} | {total} ({len(ok)}) | {ratio} | {lo:.3f} | {q1:.3f} | "
                         f"{med:.3f} | {q3:.3f} | {hi:.3f} | "
                         f"{'' if above is None else f'{above / len(xs):.0%}'} |")
    text = "\n".join(lines) + "\n"
    with open(os.path.join(args.out, "bands.md"), "w") as f:
        f.write(text)
    print(text, end="")


if __name__ == "__main__":
    main()
