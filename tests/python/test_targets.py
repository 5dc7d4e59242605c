#!/usr/bin/python3
"""bench/targets.py: the busy-regime targets timed in one call, with a baseline run alternately.

Run by CTest (python.bench_targets) from the source root with the hetsim binary as argument. Real
runs are shortened with --set (so they claim no target); the verdicts, the statistics and the
failure paths are checked with stand-in binaries whose runs take a known time or fail on cue.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

HETSIM = os.path.abspath(sys.argv.pop(1) if len(sys.argv) > 1 else "build/hetsim")
SCRIPT = [sys.executable, "bench/targets.py"]


def targets(*args, hetsim=HETSIM, env=None):
    return subprocess.run(SCRIPT + ["--hetsim", hetsim] + list(args), capture_output=True, text=True, env=env)


def fake(d, name, body):
    """A stand-in for hetsim: answers --version, logs its arguments, then runs `body` (sh)."""
    path = Path(d, name)
    path.write_text("#!/bin/sh\n"
                    "if [ \"$1\" = \"--version\" ]; then echo 'hetsim 0.0 (stand-in)'; exit 0; fi\n"
                    f"echo \"$*\" >> {d}/{name}.calls\n"
                    f"n=$(wc -l < {d}/{name}.calls)\n" + body + "\n")
    path.chmod(0o755)
    return str(path)


class TargetsTest(unittest.TestCase):
    def test_a_shortened_run_with_a_baseline_gives_times_and_a_ratio_but_no_verdict(self):
        with tempfile.TemporaryDirectory() as d:
            out = Path(d, "t.json")
            r = targets("--runs", "2", "--only", "easy-busy, fifo-busy", "--set", "scenario.horizon=3h", "--baseline",
                        HETSIM, "--json", str(out))
            self.assertEqual(r.returncode, 0, r.stderr)
            data = json.loads(out.read_text())
            self.assertEqual(data["head"]["runs"], 2)
            self.assertEqual(data["head"]["set"], ["scenario.horizon=3h"])
            self.assertEqual([row["target"] for row in data["results"]], ["easy-busy", "fifo-busy"])
            for row in data["results"]:
                self.assertEqual(len(row["runs"]), 2)
                self.assertLessEqual(row["min_s"], row["median_s"])
                self.assertLessEqual(row["median_s"], row["max_s"])
                self.assertEqual(len(row["baseline"]["runs"]), 2)
                self.assertAlmostEqual(row["ratio"], row["median_s"] / row["baseline"]["median_s"])
                self.assertIsNone(row["met"])  # 3 hours say nothing of a month's target
                self.assertIn("--set scenario.horizon=3h", row["command"])
                self.assertEqual(row["baseline_command"], row["command"])
            self.assertIn("--policy fifo", data["results"][1]["command"])
            self.assertNotIn("--policy", data["results"][0]["command"])  # the scenario's own EASY
            # The table: a header naming the machine, one line per target.
            self.assertIn("CPUs", r.stdout.splitlines()[0])
            self.assertRegex(r.stdout, r"\| easy-busy \| 10 s \| [0-9.]+ s \| .* \| n/a \(--set\) \|")
            self.assertRegex(r.stdout, r"\| fifo-busy \| 30 s \| [0-9.]+ s \|")

    def test_the_verdict_compares_the_median_with_the_limit(self):
        with tempfile.TemporaryDirectory() as d:
            # Runs of 0.01, 3 and 0.02 s: the median (about 0.02, plus a loaded machine's start-up) is
            # within 0.4 s, the mean (over 1 s) is not.
            quick = fake(d, "quick", 'case $n in 1) sleep 0.01;; 2) sleep 3;; *) sleep 0.02;; esac')
            out = Path(d, "q.json")
            r = targets("--runs", "3", "--only", "fgd-openb", "--json", str(out), hetsim=quick)
            self.assertEqual(r.returncode, 0, r.stderr)
            row = json.loads(out.read_text())["results"][0]
            self.assertEqual(len(row["runs"]), 3)
            self.assertLess(row["median_s"], 0.4)
            self.assertGreater(sum(row["runs"]) / 3, 1.0)
            self.assertGreaterEqual(row["max_s"], 3.0)
            self.assertIs(row["met"], True)
            self.assertIn("--seed 1", row["command"])
            self.assertRegex(r.stdout, r"\| fgd-openb \| 0.4 s \| 0\.[0-3][0-9]{2} s \| .* \| yes \|")
            slow = fake(d, "slow", "sleep 0.5")
            r = targets("--runs", "1", "--only", "fgd-openb", "--set", "scenario.horizon=1h", hetsim=slow)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stdout, r"\| fgd-openb \| 0.4 s \| [0-9.]+ s \| .* \| no \|")  # no --set
            self.assertNotIn("horizon", Path(d, "slow.calls").read_text())

    def test_peak_memory_is_the_childs_own(self):
        with tempfile.TemporaryDirectory() as d:
            # 160 MiB written, so resident: bytes(n) of ones, not a lazily zeroed buffer.
            big = fake(d, "big", "exec /usr/bin/python3 -c 'x = bytes([1]) * (160 << 20)'")
            small = fake(d, "small", "exit 0")
            out = Path(d, "m.json")
            r = targets("--runs", "1", "--only", "fgd-openb", "--baseline", small, "--json", str(out), hetsim=big)
            self.assertEqual(r.returncode, 0, r.stderr)
            row = json.loads(out.read_text())["results"][0]
            self.assertGreaterEqual(row["peak_rss_mib"], 160)
            self.assertLess(row["baseline"]["peak_rss_mib"], 100)

    def test_the_default_city_writes_its_outputs_to_a_folder_removed_after_each_run(self):
        with tempfile.TemporaryDirectory() as d:
            tmp = Path(d, "tmp")
            tmp.mkdir()
            writer = fake(d, "writer", 'shift $(($# - 1)); mkdir -p "$1" && echo rows > "$1/jobs.csv"')
            r = targets("--runs", "2", "--only", "default-city", hetsim=writer, env={**os.environ, "TMPDIR": str(tmp)})
            self.assertEqual(r.returncode, 0, r.stderr)
            calls = Path(d, "writer.calls").read_text().splitlines()
            self.assertEqual(len(calls), 2)
            for call in calls:
                self.assertIn("--out " + str(tmp), call)
            self.assertEqual(list(tmp.iterdir()), [])

    def test_a_baseline_that_cannot_run_a_target_leaves_its_cells_empty_one_that_stops_fails_the_call(self):
        with tempfile.TemporaryDirectory() as d:
            old = fake(d, "old", "echo \"hetsim: policy 'fifo': unknown parameter\" >&2; exit 1")
            r = targets("--runs", "1", "--only", "fifo-busy", "--set", "scenario.horizon=1h", "--baseline", old)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("baseline cannot run", r.stderr)
            self.assertIn("unknown parameter", r.stderr)
            self.assertRegex(r.stdout, r"\| fifo-busy \| 30 s \| [0-9.]+ s \| .* \| cannot run \|  \| n/a \(--set\) \|")
            flaky = fake(d, "flaky", '[ "$n" -ge 2 ] && { echo killed >&2; exit 137; }; exit 0')
            out = Path(d, "f.json")
            r = targets("--runs", "3", "--only", "fifo-busy", "--set", "scenario.horizon=1h", "--baseline", flaky,
                        "--json", str(out))
            self.assertEqual(r.returncode, 1)
            self.assertIn("baseline failed", r.stderr)
            row = json.loads(out.read_text())["results"][0]
            self.assertEqual(row["baseline"], "failed")
            self.assertEqual(len(row["runs"]), 3)  # the candidate still ran every time

    def test_a_failing_target_is_reported_and_the_others_still_measured(self):
        with tempfile.TemporaryDirectory() as d:
            picky = fake(d, "picky", 'case "$*" in *fifo*) echo "out of memory" >&2; exit 1;; esac')
            out = Path(d, "p.json")
            r = targets("--runs", "1", "--only", "fifo-busy,sjf-busy", "--set", "scenario.horizon=1h", "--json",
                        str(out), hetsim=picky)
            self.assertEqual(r.returncode, 1)
            self.assertIn("fifo-busy failed", r.stderr)
            self.assertIn("out of memory", r.stderr)
            self.assertIn("| fifo-busy | 30 s | failed |", r.stdout)
            self.assertRegex(r.stdout, r"\| sjf-busy \| 30 s \| [0-9.]+ s \|")
            rows = json.loads(out.read_text())["results"]
            self.assertTrue(rows[0]["failed"])
            self.assertNotIn("failed", rows[1])

    def test_sigterm_kills_the_running_child_and_removes_its_folder(self):
        with tempfile.TemporaryDirectory() as d:
            tmp = Path(d, "tmp")
            tmp.mkdir()
            sleeper = fake(d, "sleeper", f"echo $$ > {d}/pid; exec sleep 60")
            p = subprocess.Popen(SCRIPT + ["--hetsim", sleeper, "--runs", "1", "--only", "default-city"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env={**os.environ, "TMPDIR": str(tmp)})
            pid_file = Path(d, "pid")
            for _ in range(200):
                if pid_file.exists() and pid_file.read_text().strip():
                    break
                time.sleep(0.05)
            child = int(pid_file.read_text())
            p.send_signal(signal.SIGTERM)
            _, err = p.communicate(timeout=30)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("interrupted", err)
            self.assertFalse(Path(f"/proc/{child}").exists() and "sleep" in Path(f"/proc/{child}/cmdline").read_text())
            self.assertEqual(list(tmp.iterdir()), [])

    def test_bad_arguments_exit_2_with_the_reason_before_any_run(self):
        with tempfile.TemporaryDirectory() as d:
            blocker = Path(d, "file")
            blocker.write_text("")
            cases = [
                (["--only", "easy-busy,nope"], "unknown target(s) nope"),
                (["--only", ""], "--only names no target"),
                (["--only", " , "], "--only names no target"),
                (["--runs", "0"], "--runs must be at least 1"),
                (["--warmup", "-1"], "--warmup must be at least 0"),
                (["--baseline", "/nonexistent/hetsim"], "not an executable file"),
                (["--baseline", d], "not an executable file"),
                (["--baseline", "/bin/true"], "does not name hetsim"),
                (["--baseline-root", d], "--baseline-root needs --baseline"),
                (["--baseline", HETSIM, "--baseline-root", d], "no scenarios/ folder"),
                (["--json", str(blocker / "x.json")], "--json"),
                (["--json", d], "cannot write a file there"),
            ]
            for args, reason in cases:
                r = targets(*args)
                self.assertEqual(r.returncode, 2, (args, r.stderr))
                self.assertIn(reason, r.stderr, args)
                self.assertEqual(r.stdout, "", args)
            r = targets("--runs", "1", "--only", "easy-busy", "--set", "scenario.no_such_key=1")
            self.assertEqual(r.returncode, 1)
            self.assertIn("easy-busy failed", r.stderr)
            self.assertIn("no_such_key", r.stderr)


if __name__ == "__main__":
    unittest.main()
