#!/usr/bin/python3
"""Validate `hetsim plan` against published, measured LLM-training throughput (issue 21 item 3).

    /usr/bin/python3 scripts/validate_mfu.py [--csv bench/validation/published_mfu.csv]
        [--hetsim build/hetsim] [--catalog scenarios/catalog/chips.yaml] [--out FILE.md]
        [--keep DIR]

Reads the CSV (one published run per row: model shape, chip, cards, global batch, the stack flags
the run used, the metric and its measured value), writes a temporary model catalog (one model per
row) and a temporary chip catalog (the shipped catalog plus a V100 entry, below), runs
`hetsim plan` once per row and compares plan.json with the measurement:

  metric mfu              plan.mfu (model FLOPs / step / peak of ALL cards given); error in points
  metric hfu              plan.hfu (executed FLOPs, recompute counted, all cards); error in points
  metric tokens_per_card  throughput_tokens_per_s / cards given; error in % of the measurement

Prints a markdown table (and writes it to --out): the planner's layout next to the published one,
cards the planner left idle, the mean absolute error (points over the mfu/hfu rows, % over the
tokens rows, and a relative % over all rows) and the worst row. Rows marked in_mae=no (MFU formula
unknown) are shown and left out of the means. A row the planner finds infeasible (or where hetsim
fails) is listed as such and left out of the means; it is never dropped. Nothing is fitted: the
catalog's achievable_mfu values are used as shipped. Deterministic: same inputs, same bytes.
Standard library only.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

# V100 is not in the shipped catalog. DGX-2: 16 V100-SXM3 32 GB per server, NVSwitch.
# achievable_mfu is the A100-80G-SXM catalog figure as is (0.45): NOT fitted to any row.
V100_ENTRY = """
  # ---------------------------------------------------------------- added by scripts/validate_mfu.py
  - name: V100-SXM3-32G
    vendor: NVIDIA
    bf16_tflops: 125
    mem_gb: 32
    mem_bw_tbs: 0.9
    intra_node_gbs: 300
    intra_node_link: NVLink2+NVSwitch (DGX-2)
    cards_per_server: 16
    tdp_w: 350
    price_cny_per_card_hour: 2.0
    achievable_mfu: 0.45
    confidence: medium
    source: "NVIDIA V100 datasheet; DGX-2 (16 GPUs, NVSwitch)"
    note: "FP16 tensor-core peak (V100 has no BF16). achievable_mfu copied from A100-80G-SXM, not fitted. Price is a placeholder that plan does not use."
"""

INT_FIELDS = ("layers", "hidden", "heads", "kv_heads", "ffn_hidden", "vocab", "seq_len", "cards", "global_batch")


def load_rows(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for k in INT_FIELDS:
            r[k] = int(r[k])
        r["measured"] = float(r["measured"])
        r["model_key"] = "v%s-%s" % (r["id"], r["model"])
    return rows


def write_models(rows, path):
    out = ["# written by scripts/validate_mfu.py: one model per validation row", "models:"]
    for r in rows:
        out += [
            "  - name: %s" % r["model_key"],
            "    layers: %d" % r["layers"],
            "    hidden: %d" % r["hidden"],
            "    heads: %d" % r["heads"],
            "    kv_heads: %d" % r["kv_heads"],
            "    ffn_hidden: %d" % r["ffn_hidden"],
            "    gated_mlp: %s" % ("true" if r["gated_mlp"].strip().lower() == "true" else "false"),
            "    vocab: %d" % r["vocab"],
            "    seq_len: %d" % r["seq_len"],
            "    global_batch: %d" % r["global_batch"],
            '    source: "validation row %s (bench/validation/published_mfu.csv)"' % r["id"],
            "    confidence: high",
        ]
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def write_chips(catalog, path):
    with open(catalog) as f:
        text = f.read()
    if not text.endswith("\n"):
        text += "\n"
    with open(path, "w") as f:
        f.write(text + V100_ENTRY)


def achievable_mfu(chips_yaml):
    """name -> achievable_mfu from a chip catalog (the flat layout the shipped file uses)."""
    out, name = {}, None
    with open(chips_yaml) as f:
        for line in f:
            t = line.split("#", 1)[0].strip()
            if t.startswith("- name:"):
                name = t.split(":", 1)[1].strip().strip('"')
            elif t.startswith("achievable_mfu:") and name:
                out[name] = float(t.split(":", 1)[1])
    return out


def run_row(hetsim, r, models, chips, outdir):
    d = os.path.join(outdir, "row-%s" % r["id"])
    cmd = [hetsim, "plan", "--models", models, "--catalog", chips, "--model", r["model_key"],
           "--chips", "%s:%d" % (r["chip"], r["cards"]), "--global-batch", str(r["global_batch"]),
           "--attention", r["attention"], "--recompute", r["recompute"], "--zero", r["zero"],
           "--sequence-parallel", r["sequence_parallel"], "--progress", "off", "--out", d]
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pj = os.path.join(d, "plan.json")
    if res.returncode != 0 or not os.path.exists(pj):
        msg = (res.stderr.strip() or res.stdout.strip()).splitlines()
        return None, "hetsim failed (rc %d): %s" % (res.returncode, msg[-1] if msg else "")
    with open(pj) as f:
        return json.load(f), None


def layout(plan):
    st = plan["stages"]
    tps = sorted({s["tp"] for s in st})
    dps = sorted({s["dp"] for s in st})
    used = sum(s["tp"] * s["dp"] for s in st)
    return ("TP%s PP%d DP%s mb%d rc=%s" % ("/".join(map(str, tps)), len(st), "/".join(map(str, dps)),
                                        plan["microbatch_size"], plan["recompute"]), used)


def evaluate(rows, hetsim, catalog, keep):
    tmp = keep or tempfile.mkdtemp(prefix="hetsim-validate-")
    os.makedirs(tmp, exist_ok=True)
    models = os.path.join(tmp, "models.yaml")
    chips = os.path.join(tmp, "chips.yaml")
    write_models(rows, models)
    write_chips(catalog, chips)
    amfu = achievable_mfu(chips)
    results = []
    for r in rows:
        pj, err = run_row(hetsim, r, models, chips, tmp)
        res = {"row": r, "status": "ok", "predicted": None, "error": None, "rel": None,
               "layout": "", "idle": 0, "mfu": None, "mfu_used": None, "bound": None}
        if pj is None:
            res["status"] = err
        elif not pj["plan"].get("feasible", False):
            res["status"] = "infeasible"
        else:
            p = pj["plan"]
            res["layout"], used = layout(p)
            res["idle"] = r["cards"] - used
            res["mfu"], res["mfu_used"] = pj["mfu"], p["mfu_cards_used"]
            m = r["metric"]
            if m == "mfu":
                pred = pj["mfu"]
                res["error"] = 100.0 * (pred - r["measured"])
            elif m == "hfu":
                pred = pj["hfu"]
                res["error"] = 100.0 * (pred - r["measured"])
            elif m == "tokens_per_card":
                pred = pj["throughput_tokens_per_s"] / r["cards"]
                res["error"] = 100.0 * (pred - r["measured"]) / r["measured"]
            else:
                raise SystemExit("row %s: unknown metric %r" % (r["id"], m))
            res["predicted"] = pred
            # compute-only bound: the same plan if nothing but its executed FLOPs took time, each at
            # the catalog's achievable_mfu (hfu <= achievable_mfu by construction of the planner)
            res["bound"] = pred * amfu[r["chip"]] / pj["hfu"]
            res["rel"] = 100.0 * (pred - r["measured"]) / r["measured"]
        results.append(res)
    return results


def fmt_val(metric, v):
    if v is None:
        return "-"
    return "%.0f" % v if metric == "tokens_per_card" else "%.1f %%" % (100.0 * v)


def report(results, args):
    L = []
    L.append("| id | model | chip | cards | GBS | metric | measured | predicted | error | bound | published layout | planner layout | idle | in MAE |")
    L.append("|---|---|---|---:|---:|---|---:|---:|---:|---:|---|---|---:|---|")
    for x in results:
        r = x["row"]
        m = r["metric"]
        if x["status"] != "ok":
            err, pred = x["status"], "-"
        else:
            pred = fmt_val(m, x["predicted"])
            err = ("%+.1f %%" % x["error"]) if m == "tokens_per_card" else ("%+.1f pt" % x["error"])
        L.append("| %s | %s | %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["id"], r["model"], r["chip"], r["cards"], r["global_batch"], m,
            fmt_val(m, r["measured"]), pred, err, fmt_val(m, x["bound"]), r["published_layout"], x["layout"] or "-",
            x["idle"] if x["status"] == "ok" else "-", r["in_mae"]))
    ok = [x for x in results if x["status"] == "ok" and x["row"]["in_mae"] == "yes"]
    pts = [x for x in ok if x["row"]["metric"] in ("mfu", "hfu")]
    tok = [x for x in ok if x["row"]["metric"] == "tokens_per_card"]
    bad = [x for x in results if x["status"] != "ok"]
    L.append("")
    L.append("Rows: %d (%d in the means, %d not comparable or marked: %s)." % (
        len(results), len(ok), len(results) - len(ok),
        ", ".join("%s (%s)" % (x["row"]["id"], x["status"] if x["status"] != "ok" else "in_mae=no")
                  for x in results if x not in ok) or "none"))
    if pts:
        mae = sum(abs(x["error"]) for x in pts) / len(pts)
        bias = sum(x["error"] for x in pts) / len(pts)
        w = max(pts, key=lambda x: (abs(x["error"]), x["row"]["id"]))
        L.append("MFU/HFU rows (%d): mean absolute error %.1f points (mean signed error %+.1f); worst row %s "
                 "(%s on %d x %s): %+.1f points." % (len(pts), mae, bias, w["row"]["id"], w["row"]["model"],
                                                    w["row"]["cards"], w["row"]["chip"], w["error"]))
        for metric in ("mfu", "hfu"):
            sub = [x for x in pts if x["row"]["metric"] == metric]
            if sub:
                L.append("  %s rows (%d): MAE %.1f points, mean signed %+.1f." % (
                    metric, len(sub), sum(abs(x["error"]) for x in sub) / len(sub),
                    sum(x["error"] for x in sub) / len(sub)))
    if pts:
        over = [x for x in pts if x["bound"] < x["row"]["measured"]]
        L.append("Compute-only bound (predicted MFU/HFU if only FLOPs at the catalog achievable_mfu took time) is below "
                 "the measurement in %d of %d rows; mean (bound - measured) %+.1f points, mean (predicted - bound) %+.1f points." % (
                     len(over), len(pts), sum(100 * (x["bound"] - x["row"]["measured"]) for x in pts) / len(pts),
                     sum(100 * (x["predicted"] - x["bound"]) for x in pts) / len(pts)))
    if tok:
        L.append("tokens rows, measured throughput as MFU in the planner's FLOP convention over the catalog peak: " +
                 "; ".join("row %s %.1f %% (predicted %.1f %%)" % (
                     x["row"]["id"], 100 * x["mfu"] * x["row"]["measured"] / x["predicted"], 100 * x["mfu"]) for x in tok) + ".")
        mape = sum(abs(x["error"]) for x in tok) / len(tok)
        w = max(tok, key=lambda x: (abs(x["error"]), x["row"]["id"]))
        L.append("tokens/s per card rows (%d): mean absolute error %.1f %%; worst row %s: %+.1f %%." % (
            len(tok), mape, w["row"]["id"], w["error"]))
    if ok:
        rel = sum(abs(x["rel"]) for x in ok) / len(ok)
        w = max(ok, key=lambda x: (abs(x["rel"]), x["row"]["id"]))
        L.append("All %d rows, relative: mean absolute error %.1f %% of the measured value; worst row %s: %+.1f %%." % (
            len(ok), rel, w["row"]["id"], w["rel"]))
    idle = [x for x in results if x["status"] == "ok" and x["idle"] > 0]
    if idle:
        L.append("Planner left cards idle (mfu counts all cards given; mfu over cards used in brackets): " +
                 "; ".join("row %s: %d idle, mfu %.1f %% (%.1f %%)" % (x["row"]["id"], x["idle"], 100 * x["mfu"],
                                                                     100 * x["mfu_used"]) for x in idle) + ".")
    else:
        L.append("The planner used every card given in every feasible row, so mfu = mfu_cards_used throughout.")
    if bad:
        L.append("Not comparable: " + "; ".join("row %s: %s" % (x["row"]["id"], x["status"]) for x in bad) + ".")
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--csv", default="bench/validation/published_mfu.csv")
    ap.add_argument("--hetsim", default="build/hetsim")
    ap.add_argument("--catalog", default="scenarios/catalog/chips.yaml", help="shipped chip catalog (V100 is appended)")
    ap.add_argument("--out", help="write the markdown table here too")
    ap.add_argument("--keep", help="directory for the generated catalogs and plan.json files (default: a temp dir)")
    args = ap.parse_args()
    rows = load_rows(args.csv)
    results = evaluate(rows, args.hetsim, args.catalog, args.keep)
    text = report(results, args)
    sys.stdout.write(text)
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
