#!/usr/bin/python3
"""Figures and one self-contained HTML page from a hetsim output folder (docs/workflow.md, "Reports").

    /usr/bin/python3 python/report.py DIR [--out REPORT_DIR]      (or: hetsim report DIR)

DIR is what `hetsim run --out`, `hetsim compare --out` or `hetsim sweep --out` wrote; the kind is
recognised from its files. Figures go to REPORT_DIR (default DIR/report) as PNG (for the page)
and SVG (for papers), with index.html, which embeds the PNGs and the tables and needs nothing
else. Byte-stable: the same folder gives the same files (no dates in the SVG or PNG metadata).

- run:     JCT CDF, utilization over time by chip type and by site, queue length over time,
           card-hours and mean wait per tenant; summary tables.
- compare: each headline metric's mean with its 95 % CI per policy; with --keep-runs, JCT CDFs
           per policy (all seeds pooled) and utilization over time per policy, one panel per seed.

The page is titled from the scenario, fits a 1300 px window (wide tables scroll), prints plain
numbers (16,000, not 1.6e+04), and draws confidence intervals clipped to the metric's range
(>= 0; shares <= 100 %).
- sweep:   each headline metric's mean and 95 % CI against every swept key with numeric values,
           one line per policy (and per value of the other keys); the summary table.
"""
import argparse
import base64
import html
import io
import json
import math
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

plt.rcParams.update({"svg.hashsalt": "hetsim", "figure.dpi": 100, "savefig.dpi": 120, "font.size": 10,
                     "axes.grid": True, "grid.alpha": 0.3})
HEADLINE = ["jct_mean_s", "jct_p99_s", "wait_mean_s", "utilization", "stranded", "jobs_completed"]
SHARES = {"utilization", "stranded"}


def plain(v):
    """A number as a reader of a paper writes it: no exponent (16,000 rather than 1.6e+04), four
    significant digits below 1,000, whole numbers with thousands separators above."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    v = float(v)
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    digits = max(0, 3 - math.floor(math.log10(a)))
    return f"{v:.{min(digits, 8)}f}"


def ci_in_range(metric, mean, low, high):
    """The interval (low, high) clipped to the metric's range: every headline metric is >= 0, and
    a share is <= 1. Student-t intervals over few seeds can cross those bounds."""
    low = np.maximum(np.asarray(low, dtype=float), 0.0)
    high = np.asarray(high, dtype=float)
    if metric in SHARES:
        high = np.minimum(high, 1.0)
    mean = np.asarray(mean, dtype=float)
    return np.minimum(low, mean), np.maximum(high, mean)


class Report:
    """Figures saved as PNG + SVG and the HTML page that shows them."""

    def __init__(self, out, title):
        self.out, self.title = out, title
        self.sections = []  # (heading, [html fragments])
        out.mkdir(parents=True, exist_ok=True)

    def section(self, heading):
        self.sections.append((heading, []))

    def add_html(self, fragment):
        self.sections[-1][1].append(fragment)

    def add_table(self, df, caption=""):
        table = df.to_html(index=False, border=0, classes="t", na_rep="", float_format=plain)
        self.add_html((f"<p class=cap>{html.escape(caption)}</p>" if caption else "") + f"<div class=w>{table}</div>")

    def add_figure(self, fig, name, caption):
        png = io.BytesIO()
        fig.savefig(png, format="png", bbox_inches="tight", metadata={"Software": None})
        fig.savefig(self.out / f"{name}.svg", format="svg", bbox_inches="tight", metadata={"Date": None})
        plt.close(fig)
        (self.out / f"{name}.png").write_bytes(png.getvalue())
        data = base64.b64encode(png.getvalue()).decode()
        self.add_html(f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,{data}">'
                      f"<figcaption>{html.escape(caption)} <span class=f>({name}.png, {name}.svg)</span>"
                      "</figcaption></figure>")

    def write(self):
        body = "".join(f"<h2>{html.escape(h)}</h2>{''.join(parts)}" for h, parts in self.sections)
        # The script marks the page once every figure has decoded, so a headless browser can check
        # that the page really renders (tests/python/test_report.py).
        page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(self.title)}</title>
<style>
body {{ font-family: sans-serif; max-width: 1260px; margin: 2em auto; padding: 0 20px; color: #222; }}
div.w {{ overflow-x: auto; }}
table.t {{ border-collapse: collapse; font-size: 13px; margin: 0.5em 0 1.5em; }}
table.t th, table.t td {{ padding: 3px 8px; border-bottom: 1px solid #ddd; text-align: right; }}
table.t th {{ background: #f3f3f3; }}
figure {{ margin: 1em 0 2em; }} figure img {{ max-width: 100%; }}
figcaption, p.cap {{ font-size: 13px; color: #555; }} span.f {{ color: #999; }}
</style></head>
<body data-figures="{sum(p.count('<figure>') for _, ps in self.sections for p in ps)}">
<h1>{html.escape(self.title)}</h1>{body}
<script>
window.addEventListener("load", () => {{
  const imgs = [...document.images];
  document.body.dataset.rendered = imgs.filter(i => i.complete && i.naturalWidth > 0).length;
}});
</script>
</body></html>
"""
        (self.out / "index.html").write_text(page)
        return self.out / "index.html"


def cdf(ax, values, label):
    v = np.sort(np.asarray(values, dtype=float))
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return
    ax.step(v, np.arange(1, len(v) + 1) / len(v), where="post", label=label)


def jct_axes():
    fig, ax = plt.subplots(figsize=(6.4, 4))
    ax.set_xscale("log")
    ax.set_xlabel("job completion time (s)")
    ax.set_ylabel("fraction of completed jobs")
    return fig, ax


def series_figure(ts, prefix, title, ylabel):
    cols = [c for c in ts.columns if c.startswith(prefix)]
    fig, ax = plt.subplots(figsize=(8, 3.6))
    days = ts["t_s"] / 86400
    for c in cols:
        ax.plot(days, ts[c], label=c[len(prefix):], linewidth=1)
    ax.set_xlabel("simulated time (days)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if prefix.startswith("util"):
        ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8, ncol=min(4, max(1, len(cols))))
    return fig


def fnv1a64(path):
    h = 14695981039346656037
    with open(path, "rb") as f:
        for b in f.read():
            h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def check_run_set(d, summary):
    """Raises ValueError when the run's files are not one complete set: manifest.json (written
    last by hetsim, docs/scenario-format.md) must match every file's size, and the hash of those
    under 4 MB (pure Python hashes about 10 MB/s); without a manifest (older outputs), jobs.csv
    must end its last row and hold one row per job of summary.json."""
    manifest = d / "manifest.json"
    if manifest.exists():
        m = json.loads(manifest.read_text())
        for f in m["files"]:
            path = d / f["file"]
            size = path.stat().st_size if path.exists() else -1
            if size != f["bytes"]:
                raise ValueError(f"{f['file']} has {size} bytes, manifest.json says {f['bytes']} (not the run's file)")
            if size < (4 << 20) and fnv1a64(path) != f["fnv1a64"]:
                raise ValueError(f"{f['file']} does not match manifest.json's hash (not the run's file)")
        return
    data = (d / "jobs.csv").read_bytes()
    rows = data.count(b"\n") - 1
    if not data.endswith(b"\n") or rows != summary["jobs"]["total"]:
        raise ValueError(f"jobs.csv holds {rows} complete rows for {summary['jobs']['total']} jobs (truncated?)")


def report_run(d, rep):
    summary = json.loads((d / "summary.json").read_text())
    check_run_set(d, summary)
    jobs = pd.read_csv(d / "jobs.csv")
    ts = pd.read_csv(d / "timeseries.csv")
    rep.section("Summary")
    j, jct, wait = summary["jobs"], summary["jct_s"], summary["wait_s"]
    rep.add_table(pd.DataFrame([{
        "scenario": summary["scenario"], "policy": summary["policy"], "seed": summary["seed"],
        "jobs submitted": j["submitted"], "completed": j["completed"], "pending at end": j["pending_at_end"],
        "JCT mean (s)": jct["mean"], "JCT p50": jct["p50"], "JCT p99": jct["p99"], "wait mean (s)": wait["mean"],
        "utilization": summary["utilization"]["overall"], "stranded": summary["utilization"]["stranded"]}]))
    cost = summary.get("cost")
    if cost and cost["rent"] > 0:
        rep.add_table(pd.DataFrame([{
            f"rent ({cost['currency']})": cost["rent"], "vouchers paid": cost["subsidy"],
            "paid by tenants": cost["paid_by_tenants"], "subsidy share": cost["subsidy_share"],
            "tenants at voucher budget": cost["tenants_at_voucher_budget"]}]), "rent and compute vouchers")
    for key, name in (("by_chip", "chip type"), ("by_site", "site"), ("by_provider", "provider")):
        by = summary["utilization"].get(key, {})
        if by:
            rep.add_table(pd.DataFrame({name: list(by), "utilization": [by[k] for k in by]}),
                          f"utilization by {name} over the measurement window")
    rep.section("Job completion times")
    fig, ax = jct_axes()
    done = jobs[jobs.status == "completed"]
    cdf(ax, done.jct_s, summary["policy"])
    ax.legend(fontsize=8)
    rep.add_figure(fig, "jct_cdf", f"CDF of the completion time of the {len(done)} completed jobs.")
    rep.section("Utilization and queue over time")
    rep.add_figure(series_figure(ts, "util_chip_", "utilization by chip type", "busy cards / cards"),
                   "utilization_by_chip", "Share of each chip type's cards allocated, at each metrics sample.")
    rep.add_figure(series_figure(ts, "util_site_", "utilization by site", "busy cards / cards"),
                   "utilization_by_site", "Share of each site's cards allocated.")
    fig, ax = plt.subplots(figsize=(8, 3.6))
    ax.plot(ts.t_s / 86400, ts.pending_jobs, label="pending", linewidth=1)
    ax.plot(ts.t_s / 86400, ts.running_jobs, label="running", linewidth=1)
    ax.set_xlabel("simulated time (days)")
    ax.set_ylabel("jobs")
    ax.set_title("queue length")
    ax.legend(fontsize=8)
    rep.add_figure(fig, "queue", "Jobs waiting and running at each metrics sample.")
    rep.section("Tenants")
    started = jobs[jobs.start_s.notna()].copy()
    end = started.end_s.fillna(summary["end_time_s"])
    started["card_hours"] = started.cards * (end - started.start_s) / 3600
    per = started.groupby("tenant").agg(jobs=("job_id", "size"), card_hours=("card_hours", "sum"),
                                        wait_mean_s=("wait_s", "mean")).reset_index()
    # Rent and subsidy per tenant as the simulator billed them (summary.json's cost block).
    by_tenant = (cost or {}).get("by_tenant", {})
    cost_cols = ["cost", "subsidy"] if cost and cost["rent"] > 0 else []
    for c, key in zip(cost_cols, ("rent", "subsidy")):
        per[c] = per.tenant.map(lambda t: by_tenant.get(t, {}).get(key, 0.0))
    per = per.sort_values("card_hours", ascending=False)
    top = per.head(20)
    fig, ax = plt.subplots(figsize=(8, 3.6))
    ax.bar(top.tenant.astype(str), top.card_hours)
    ax.set_ylabel("card-hours")
    ax.set_title("card-hours per tenant" + (" (20 largest)" if len(per) > 20 else ""))
    ax.tick_params(axis="x", rotation=60, labelsize=7)
    rep.add_figure(fig, "tenant_card_hours", "Card-hours each tenant's jobs held (running jobs up to the end).")
    if cost_cols:
        fig, ax = plt.subplots(figsize=(8, 3.6))
        x = np.arange(len(top))
        labels = {"cost": "rent billed", "subsidy": "paid by vouchers"}
        for i, c in enumerate(cost_cols):
            ax.bar(x + i * 0.4, top[c], width=0.4, label=labels[c])
        ax.set_ylabel(cost["currency"])
        ax.set_xticks(x + 0.2, top.tenant.astype(str), rotation=60, fontsize=7)
        ax.legend(fontsize=8)
        ax.set_title("rent and voucher subsidy per tenant" + (" (20 largest)" if len(per) > 20 else ""))
        rep.add_figure(fig, "tenant_cost", "Rent billed to each tenant and the part compute vouchers paid.")
    rep.add_table(per, "per tenant: jobs started, card-hours, mean wait of started jobs")


def ci_bars(ax, labels, mean, low, high, metric):
    scale = 100 if metric in SHARES else 1
    low, high = ci_in_range(metric, mean, low, high)
    mean, low, high = (np.asarray(a, dtype=float) * scale for a in (mean, low, high))
    err = np.vstack([np.nan_to_num(mean - low), np.nan_to_num(high - mean)])
    ax.bar(range(len(labels)), mean, yerr=err, capsize=4, color="#4c72b0")
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right", fontsize=8)
    ax.set_title(metric + (" (%)" if scale == 100 else ""), fontsize=9)


def report_compare(d, rep):
    summ = pd.read_csv(d / "compare_summary.csv")
    policies = list(dict.fromkeys(summ.policy))
    rep.section("Mean and 95 % confidence interval over the seeds")
    md = (d / "compare.md").read_text() if (d / "compare.md").exists() else ""
    if md:
        rep.add_html(f"<p class=cap>{html.escape(md.splitlines()[0])}</p>")
    wide = summ.pivot(index="policy", columns="metric", values="mean").reindex(policies)
    wide.columns.name = None
    metrics = list(dict.fromkeys(summ.metric))
    rep.add_table(wide[metrics].reset_index(), "means per policy (compare_summary.csv has the intervals)")
    fig, axes = plt.subplots(2, 3, figsize=(11, 6.5))
    for ax, metric in zip(axes.flat, HEADLINE):
        s = summ[summ.metric == metric].set_index("policy").reindex(policies)
        ci_bars(ax, policies, s["mean"], s.ci95_low, s.ci95_high, metric)
    fig.tight_layout()
    rep.add_figure(fig, "compare_metrics", "Mean over the seeds with the 95 % confidence interval (Student t).")
    runs = d / "runs"
    if runs.is_dir():
        compare = pd.read_csv(d / "compare.csv")

        def run_dir(label, seed):  # where `hetsim compare --keep-runs` put the run
            return runs / f"{safe_name(label)}-s{seed}"

        rep.section("Per-policy distributions (all seeds pooled)")
        fig, ax = jct_axes()
        for label in policies:
            frames = [pd.read_csv(run_dir(label, s) / "jobs.csv") for s in compare[compare.policy == label].seed
                      if (run_dir(label, s) / "jobs.csv").exists()]
            if frames:
                jobs = pd.concat(frames)
                cdf(ax, jobs[jobs.status == "completed"].jct_s, label)
        ax.legend(fontsize=8)
        rep.add_figure(fig, "jct_cdf", "CDF of job completion times per policy, every seed's completed jobs pooled.")
        seeds = list(dict.fromkeys(compare.seed))
        fig, axes = plt.subplots(len(seeds), 1, figsize=(8, 1.2 + 2.4 * len(seeds)), sharex=True, squeeze=False)
        for ax, seed in zip(axes[:, 0], seeds):
            for label in policies:
                ts_path = run_dir(label, seed) / "timeseries.csv"
                if ts_path.exists():
                    ts = pd.read_csv(ts_path)
                    ax.plot(ts.t_s / 86400, ts.utilization, label=label, linewidth=1)
            ax.set_ylabel("busy / cards")
            ax.set_ylim(0, 1.02)
            ax.set_title(f"seed {seed}", fontsize=9)
        axes[-1, 0].set_xlabel("simulated time (days)")
        axes[0, 0].legend(fontsize=8)
        fig.tight_layout()
        rep.add_figure(fig, "utilization", "Cluster utilization over time per policy, one panel per seed ("
                       + ", ".join(str(x) for x in seeds) + ").")


def policy_without(label, keys):
    """A policy label without the parameters that are swept as policy.params.X keys."""
    name, _, params = label.partition(":")
    kept = [kv for kv in params.split(",") if kv and "policy.params." + kv.split("=")[0] not in keys]
    return name + (":" + ",".join(kept) if kept else "")


def safe_name(s):
    """The folder name compare_command.cpp gives a policy label (same rule)."""
    return "".join(c if c.isalnum() or c in ".-" else "_" for c in s)


def report_sweep(d, rep):
    res = pd.read_csv(d / "results.csv")
    summ = pd.read_csv(d / "results_summary.csv")
    fixed = ["run", "scenario", "point", "policy", "policy_name", "seed"]
    metrics_at = list(res.columns).index("jobs_completed")
    keys = [c for c in res.columns[:metrics_at] if c not in fixed]
    rep.section("Runs")
    rep.add_html(f"<p>{len(res)} runs: {res.point.nunique()} points x {res.policy.nunique()} policy settings x "
                 f"{res.seed.nunique()} seeds; swept keys: {', '.join(keys) or 'none'}.</p>")
    wide = summ.pivot_table(index=["point", "policy"], columns="metric", values="mean", sort=False).reset_index()
    wide.columns.name = None
    points = res.drop_duplicates("point").set_index("point")[keys] if keys else None
    if points is not None:
        wide = wide.join(points, on="point")
    rep.add_table(wide[["point"] + keys + ["policy"] + [m for m in HEADLINE if m in wide.columns]],
                  "mean over the seeds per point and policy (results_summary.csv has the intervals)")
    numeric = [k for k in keys if pd.api.types.is_numeric_dtype(res[k]) and res[k].nunique() > 1]
    for key in numeric:
        others = [k for k in keys if k != key]
        rep.section(f"Against {key}")
        fig, axes = plt.subplots(2, 3, figsize=(11, 6.5))
        for ax, metric in zip(axes.flat, HEADLINE):
            s = summ[summ.metric == metric].copy()  # has the swept keys' columns itself
            # A policy parameter swept as a scenario key (policy.params.X) is an axis, not a line.
            s["line"] = s.policy.map(lambda label: policy_without(label, keys))
            scale = 100 if metric in SHARES else 1
            for group, g in s.groupby(["line"] + others, sort=False, dropna=False):
                g = g.sort_values(key)
                label = " ".join(str(x) for x in (group if isinstance(group, tuple) else (group,)))
                low, high = ci_in_range(metric, g["mean"], g.ci95_low.fillna(g["mean"]),
                                        g.ci95_high.fillna(g["mean"]))
                ax.errorbar(g[key], g["mean"] * scale, yerr=[(g["mean"] - low) * scale, (high - g["mean"]) * scale],
                            marker="o", capsize=3, linewidth=1, label=label if len(label) <= 48 else label[:47] + "…")
            ax.set_xlabel(key, fontsize=8)
            ax.set_title(metric + (" (%)" if scale == 100 else ""), fontsize=9)
        axes.flat[0].legend(fontsize=7)
        fig.tight_layout()
        rep.add_figure(fig, "sweep_" + safe_name(key),
                       f"Mean over the seeds and 95 % CI against {key}, one line per policy"
                       + (" and value of " + ", ".join(others) if others else "") + ".")


def scenario_of(d, kind):
    """The scenario's name as the outputs record it (the folder's name when they do not)."""
    try:
        if kind == "run":
            return json.loads((d / "summary.json").read_text())["scenario"]
        if kind == "sweep":
            names = list(dict.fromkeys(pd.read_csv(d / "results.csv").scenario.astype(str)))
            return ", ".join(Path(n).stem for n in names)
        first = (d / "compare.md").read_text().splitlines()[0] if (d / "compare.md").exists() else ""
        m = re.match(r"Scenario `([^`]*)`", first)
        if m:
            return m.group(1)
    except (OSError, KeyError, ValueError, json.JSONDecodeError, pd.errors.ParserError, AttributeError):
        pass
    return d.resolve().name


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", help="output folder of hetsim run, compare or sweep")
    ap.add_argument("--out", help="report folder (default DIR/report)")
    args = ap.parse_args(argv)
    d = Path(args.dir)
    out = Path(args.out) if args.out else d / "report"
    if (d / "summary.json").exists() and (d / "jobs.csv").exists() and (d / "timeseries.csv").exists():
        kind, fn = "run", report_run
    elif (d / "compare_summary.csv").exists():
        kind, fn = "compare", report_compare
    elif (d / "results.csv").exists() and (d / "results_summary.csv").exists():
        kind, fn = "sweep", report_sweep
    else:
        print(f"report.py: {d} holds no hetsim outputs (summary.json + jobs.csv + timeseries.csv of a run, "
              "compare_summary.csv of a compare, results.csv + results_summary.csv of a sweep)", file=sys.stderr)
        return 2
    rep = Report(out, f"hetsim {kind}: {scenario_of(d, kind)} ({d.resolve().name})")
    try:
        fn(d, rep)
    except (KeyError, ValueError, pd.errors.ParserError, json.JSONDecodeError) as e:
        print(f"report.py: {d}: unreadable {kind} outputs: {e}", file=sys.stderr)
        return 2
    page = rep.write()
    figures = sorted(p.name for p in out.glob("*.png"))
    print(f"report.py: {kind} report in {page} ({len(figures)} figures, PNG and SVG)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
