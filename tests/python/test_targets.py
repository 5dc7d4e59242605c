#!/usr/bin/python3
"""bench/targets.py: the busy-regime targets timed in one call, with a baseline run alternately.

Run by CTest (python.bench_targets) from the source root with the hetsim binary as argument. The
runs are shortened with --set (the script's own check that a shortened run claims no target).
"""
import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HETSIM = sys.argv.pop(1) if len(sys.argv) > 1 else "build/hetsim"
SCRIPT = [sys.executable, "bench/targets.py"]


def targets(*args):
    return subprocess.run(SCRIPT + ["--hetsim", HETSIM] + list(args), capture_output=True, text=True)


class TargetsTest(unittest.TestCase):
    def test_a_shortened_run_with_a_baseline_gives_times_memory_and_a_ratio_but_no_verdict(self):
        with tempfile.TemporaryDirectory() as d:
            out = Path(d, "t.json")
            r = targets("--runs", "2", "--only", "easy-busy,fifo-busy", "--set", "scenario.horizon=3h", "--baseline",
                        HETSIM, "--json", str(out))
            self.assertEqual(r.returncode, 0, r.stderr)
            data = json.loads(out.read_text())
            self.assertEqual(data["head"]["runs"], 2)
            self.assertEqual(data["head"]["set"], ["scenario.horizon=3h"])
            self.assertEqual([row["target"] for row in data["results"]], ["easy-busy", "fifo-busy"])
            for row in data["results"]:
                self.assertEqual(len(row["runs"]), 2)
                self.assertAlmostEqual(row["median_s"], sum(row["runs"]) / 2)
                self.assertLessEqual(row["min_s"], row["median_s"])
                self.assertLessEqual(row["median_s"], row["max_s"])
                self.assertGreater(row["peak_rss_mib"], 1)
                self.assertEqual(len(row["baseline"]["runs"]), 2)
                self.assertAlmostEqual(row["ratio"], row["median_s"] / row["baseline"]["median_s"])
                self.assertIsNone(row["met"])  # 3 hours say nothing of a month's target
                self.assertIn("--set scenario.horizon=3h", row["command"])
            self.assertIn("--policy fifo", data["results"][1]["command"])
            self.assertNotIn("--policy", data["results"][0]["command"])  # the scenario's own EASY
            # The table: a header naming the machine, one line per target.
            self.assertIn("CPUs", r.stdout.splitlines()[0])
            self.assertRegex(r.stdout, r"\| easy-busy \| 10 s \| [0-9.]+ s \| .* \| n/a \(--set\) \|")
            self.assertRegex(r.stdout, r"\| fifo-busy \| 30 s \| [0-9.]+ s \|")

    def test_a_baseline_that_cannot_run_a_target_leaves_its_cells_empty(self):
        with tempfile.TemporaryDirectory() as d:
            fake = Path(d, "old-hetsim")  # an older build refusing the policy
            fake.write_text("#!/bin/sh\necho \"hetsim: policy 'fifo': unknown parameter\" >&2\nexit 1\n")
            fake.chmod(0o755)
            r = targets("--runs", "1", "--only", "fifo-busy", "--set", "scenario.horizon=1h", "--baseline", str(fake))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("baseline cannot run it", r.stderr)
            self.assertIn("unknown parameter", r.stderr)
            self.assertRegex(r.stdout, r"\| fifo-busy \| 30 s \| [0-9.]+ s \| .* \| cannot run \|  \| n/a \(--set\) \|")

    def test_bad_arguments_and_a_failing_run_exit_non_zero_with_the_reason(self):
        r = targets("--only", "easy-busy,nope")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown target(s) nope", r.stderr)
        r = targets("--runs", "0")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--runs must be at least 1", r.stderr)
        r = targets("--baseline", "/nonexistent/hetsim", "--only", "easy-busy")
        self.assertEqual(r.returncode, 2)
        self.assertIn("not an executable", r.stderr)
        r = targets("--runs", "1", "--only", "easy-busy", "--set", "scenario.no_such_key=1")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("failed", r.stderr)
        self.assertIn("no_such_key", r.stderr)


if __name__ == "__main__":
    unittest.main()
