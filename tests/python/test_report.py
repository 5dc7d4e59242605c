#!/usr/bin/python3
"""`hetsim report`: figures and an HTML page from run, compare and sweep folders, checked in
headless Chromium (Debian's chromium, installed by scripts/setup.sh).

Run by CTest (python.report) from the source root: test_report.py HETSIM_BINARY.
"""
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

BIN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/hetsim"
SCENARIO = "scenarios/examples/small-city.yaml"


def hetsim(*args):
    r = subprocess.run([BIN, *args], capture_output=True, text=True)
    return r


def rendered(page):
    """(figures the page holds, figures Chromium decoded) after loading it headless."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise AssertionError("chromium is not installed (scripts/setup.sh installs it)")
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
                              "--dump-dom", page.resolve().as_uri()], capture_output=True, text=True, timeout=120).stdout
    m = re.search(r'data-figures="(\d+)" data-rendered="(\d+)"', dom)
    if m is None:
        raise AssertionError("the page did not load in chromium:\n" + dom[:2000])
    return int(m.group(1)), int(m.group(2))


class ReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        t = Path(cls.tmp.name)
        cls.run_dir, cls.compare_dir, cls.sweep_dir = t / "run", t / "compare", t / "sweep"
        for args in (["run", SCENARIO, "--quiet", "--out", str(cls.run_dir)],
                     ["compare", SCENARIO, "--policies", "fifo,easy-backfill", "--seeds", "1-2", "--keep-runs", "--quiet",
                      "--out", str(cls.compare_dir)],
                     ["sweep", "sweeps/small-city-load.yaml", "--quiet", "--out", str(cls.sweep_dir)]):
            r = hetsim(*args)
            assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def check(self, d, kind, figures):
        r = hetsim("report", str(d))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"{kind} report in", r.stdout)
        rep = d / "report"
        for name in figures:
            for ext in ("png", "svg"):
                f = rep / f"{name}.{ext}"
                self.assertTrue(f.exists() and f.stat().st_size > 1000, f)
        self.assertEqual(sorted(p.stem for p in rep.glob("*.png")), sorted(figures))
        page = rep / "index.html"
        html = page.read_text()
        self.assertNotIn("src=\"http", html)  # self-contained: every figure is embedded
        self.assertEqual(html.count("data:image/png;base64,"), len(figures))
        self.assertEqual(rendered(page), (len(figures), len(figures)))
        # Same folder, same bytes.
        before = {p.name: p.read_bytes() for p in rep.iterdir()}
        r = hetsim("report", str(d))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual({p.name: p.read_bytes() for p in rep.iterdir()}, before)
        return html

    def test_run(self):
        html = self.check(self.run_dir, "run",
                          ["jct_cdf", "utilization_by_chip", "utilization_by_site", "queue", "tenant_card_hours",
                           "tenant_cost"])
        self.assertIn("utilization by chip type", html)
        self.assertIn("<title>hetsim run: small-city (run)</title>", html)
        self.assertIn("lab-a", html)  # the per-tenant table

    def test_compare(self):
        html = self.check(self.compare_dir, "compare", ["compare_metrics", "jct_cdf", "utilization"])
        self.assertIn("easy-backfill", html)
        self.assertIn("<title>hetsim compare: small-city (compare)</title>", html)
        self.assertIn("one panel per seed (1, 2)", html)  # utilization for every seed

    def test_numbers_are_plain_and_intervals_stay_in_range(self):
        sys.path.insert(0, "python")
        import report
        self.assertEqual([report.plain(v) for v in (16000.0, 1234567.8, 123.456, 1.5, 0.012345, 0, float("nan"))],
                         ["16,000", "1,234,568", "123.5", "1.500", "0.01235", "0", ""])
        low, high = report.ci_in_range("utilization", [0.8, 0.02], [0.5, -0.1], [1.2, 0.1])
        self.assertEqual(list(low), [0.5, 0.0])
        self.assertEqual(list(high), [1.0, 0.1])
        low, high = report.ci_in_range("jct_mean_s", [50000], [-9000], [90000])
        self.assertEqual((list(low), list(high)), ([0.0], [90000.0]))
        # And the compare figure draws its bars with them: a share's interval ends at 100 %.
        fig, ax = report.plt.subplots()
        report.ci_bars(ax, ["p"], [0.8], [0.5], [1.2], "utilization")
        bars = [c for c in ax.containers if type(c).__name__ == "ErrorbarContainer"]
        (segment,) = bars[0].lines[2][0].get_segments()
        self.assertEqual([round(y, 9) for _, y in segment], [50.0, 100.0])
        report.plt.close(fig)
        for d in (self.run_dir, self.compare_dir, self.sweep_dir):
            page = (d / "report" / "index.html")
            if not page.exists():
                self.assertEqual(hetsim("report", str(d)).returncode, 0)
            tables = re.findall(r"<table.*?</table>", page.read_text(), re.S)
            self.assertTrue(tables, d)
            for t in tables:
                self.assertIsNone(re.search(r"\d[eE][+-]\d", t), d)

    def test_sweep(self):
        html = self.check(self.sweep_dir, "sweep", ["sweep_workload.jobs_per_day"])
        self.assertIn("18 runs: 3 points x 2 policy settings x 3 seeds", html)

    def test_elsewhere_and_errors(self):
        with tempfile.TemporaryDirectory() as other:
            r = hetsim("report", str(self.run_dir), "--out", other)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertTrue(Path(other, "index.html").exists())
            r = hetsim("report", other)  # a folder of figures is not a hetsim output
            self.assertEqual(r.returncode, 2)
            self.assertIn("holds no hetsim outputs", r.stderr)
            Path(other, "summary.json").write_text("{not json")
            Path(other, "jobs.csv").write_text("x\n")
            Path(other, "timeseries.csv").write_text("x\n")
            r = hetsim("report", other)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("unreadable run outputs", r.stderr)

    def test_truncated_or_mixed_run_outputs_are_refused(self):
        # A truncated jobs.csv used to give a report (exit 0) from part of the jobs.
        with tempfile.TemporaryDirectory() as other:
            o = Path(other)
            for f in ("summary.json", "jobs.csv", "timeseries.csv", "manifest.json"):
                shutil.copy(self.run_dir / f, o / f)
            data = (o / "jobs.csv").read_bytes()
            (o / "jobs.csv").write_bytes(data[: len(data) // 2])
            r = hetsim("report", other)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("jobs.csv has", r.stderr)
            # Without a manifest (older outputs) the row count against summary.json tells.
            (o / "manifest.json").unlink()
            r = hetsim("report", other)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("complete rows for", r.stderr)
            # A file of another run of the same size: the hash tells.
            (o / "jobs.csv").write_bytes(data)
            shutil.copy(self.run_dir / "manifest.json", o / "manifest.json")
            ts = (o / "timeseries.csv").read_bytes()
            (o / "timeseries.csv").write_bytes(ts[:-2] + (b"9" if ts[-2:-1] != b"9" else b"8") + ts[-1:])
            r = hetsim("report", other)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("does not match manifest.json's hash", r.stderr)


if __name__ == "__main__":
    unittest.main()
