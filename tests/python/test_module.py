#!/usr/bin/python3
"""The hetsim Python module against the hetsim binary: same scenario, policy and seed, same numbers.

Run by CTest (python.module) with PYTHONPATH=build/python: test_module.py HETSIM_BINARY.
"""
import json
import math
import subprocess
import sys
import tempfile
import threading
import unittest
from pathlib import Path

import hetsim
import pandas

BIN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/hetsim"
SCENARIO = "scenarios/examples/small-city.yaml"


class ModuleTest(unittest.TestCase):
    def test_same_numbers_as_the_binary(self):
        r = hetsim.run(SCENARIO, policy="sjf:placement=best-fit", seed=3, set={"workload.jobs_per_day": "700"})
        with tempfile.TemporaryDirectory() as d:
            subprocess.run([BIN, "run", SCENARIO, "--policy", "sjf:placement=best-fit", "--seed", "3", "--set",
                            "workload.jobs_per_day=700", "--quiet", "--out", d], check=True)
            cli = json.loads(Path(d, "summary.json").read_text())
            jobs_csv = Path(d, "jobs.csv").read_text().splitlines()
            frame_csv = pandas.read_csv(Path(d, "jobs.csv"))
        s = r["summary"]
        for key in ("jobs", "jct_s", "wait_s", "makespan_s", "cluster"):
            self.assertEqual(s[key], cli[key], key)
        self.assertEqual(s["utilization"]["overall"], cli["utilization"]["overall"])
        self.assertEqual((s["seed"], s["policy"]), (3, cli["policy"]))
        # The headline metrics, named as in compare.csv and results.csv.
        self.assertEqual(list(r["metrics"]), hetsim.metric_names())
        self.assertEqual(r["metrics"]["jct_mean_s"], cli["jct_s"]["mean"])
        self.assertEqual(r["metrics"]["utilization"], cli["utilization"]["overall"])
        self.assertEqual(r["metrics"]["jobs_completed"], cli["jobs"]["completed"])
        jobs = r["jobs"]
        n = s["jobs"]["total"]
        self.assertEqual(len(jobs["job_id"]), n)
        self.assertEqual(len(jobs_csv) - 1, n)
        self.assertEqual(list(jobs["job_id"][:3]), [0, 1, 2])
        done = [i for i in range(n) if jobs["status"][i] == "completed"]
        self.assertEqual(len(done), s["jobs"]["completed"])
        jct = sorted(jobs["jct_s"][i] for i in done)
        self.assertAlmostEqual(sum(jct) / len(jct), s["jct_s"]["mean"], places=3)
        waiting = [i for i in range(n) if jobs["status"][i] == "pending"]
        self.assertTrue(all(math.isnan(jobs["start_s"][i]) for i in waiting))
        self.assertTrue(all(jobs["chip"][i] for i in done))
        # Rent and vouchers: per job, summing to the summary's totals (rounded to the cent there).
        started = [i for i in range(n) if not math.isnan(jobs["cost"][i])]
        self.assertEqual(len(started), s["jobs"]["completed"] + s["jobs"]["running_at_end"])
        self.assertAlmostEqual(sum(jobs["cost"][i] for i in started), s["cost"]["rent"], places=1)
        self.assertAlmostEqual(sum(jobs["subsidy"][i] for i in started), s["cost"]["subsidy"], places=1)
        self.assertGreater(s["cost"]["subsidy"], 0)
        # Every jobs.csv column, in its order and with its values: text and whole numbers exactly,
        # the rest to the decimals jobs.csv rounds to; NaN where a cell is empty (a never-started
        # job's chip included), as pandas reads the file.
        self.assertEqual(list(jobs), hetsim.job_column_names())
        self.assertEqual(list(jobs), list(frame_csv.columns))
        frame = pandas.DataFrame(jobs)
        self.assertTrue(any(jobs["status"][i] == "pending" for i in range(n)))
        for col in frame.columns:
            ours, theirs = frame[col], frame_csv[col]
            self.assertTrue((ours.isna() == theirs.isna()).all(), col)
            if ours.dtype == object:
                self.assertTrue((ours[ours.notna()] == theirs[theirs.notna()]).all(), col)
            elif str(ours.dtype) == "int64":
                self.assertTrue((ours == theirs).all(), col)
            else:
                self.assertLessEqual(float((ours - theirs).abs().fillna(0).max()), 0.005000001, col)

    def test_a_scenario_may_be_a_dict_or_yaml_text(self):
        # The same derived scenario three ways: a path with overrides, a dict, YAML text.
        by_path = hetsim.run(SCENARIO, policy="fifo", set={"workload.jobs_per_day": "500"})
        as_dict = hetsim.run({"base": SCENARIO, "set": {"workload.jobs_per_day": 500}}, policy="fifo")
        as_text = hetsim.run(f"base: {SCENARIO}\nset:\n  workload.jobs_per_day: 500\n", policy="fifo")
        self.assertEqual(as_dict["metrics"], by_path["metrics"])
        self.assertEqual(as_text["metrics"], by_path["metrics"])
        self.assertEqual(as_dict["summary"]["jobs"], by_path["summary"]["jobs"])
        with self.assertRaisesRegex(ValueError, r"<scenario>:1:7: error: cannot read base scenario 'nowhere.yaml'"):
            hetsim.check("base: nowhere.yaml\n")
        with self.assertRaisesRegex(TypeError, "a path, YAML text"):
            hetsim.check(42)

    def test_preemptions_match_the_binary(self):
        r = hetsim.run(SCENARIO, policy="las", set={"preemption.checkpoint_interval": "30min"})
        with tempfile.TemporaryDirectory() as d:
            subprocess.run([BIN, "run", SCENARIO, "--policy", "las", "--set", "preemption.checkpoint_interval=30min",
                            "--quiet", "--out", d], check=True)
            cli = json.loads(Path(d, "summary.json").read_text())
        p = r["summary"]["preemption"]
        self.assertEqual(p, cli["preemption"])
        self.assertGreater(p["preemptions"], 0)
        self.assertEqual(int(sum(r["jobs"]["preemptions"])), p["preemptions"])
        self.assertAlmostEqual(sum(r["jobs"]["lost_card_s"]) / 3600, p["lost_card_hours"], places=3)
        self.assertEqual(r["metrics"]["preemptions"], p["preemptions"])

    def test_errors_are_value_errors_with_positions(self):
        with self.assertRaisesRegex(ValueError, r"small-city\.yaml:\d+:\d+: error"):
            hetsim.run(SCENARIO, set={"workload.jobs_per_day": "-5"})
        with self.assertRaisesRegex(ValueError, "unknown policy"):
            hetsim.run(SCENARIO, policy="fifoo")
        with self.assertRaises(ValueError):
            hetsim.run("no/such/file.yaml")
        # check() finds the same problems without simulating.
        self.assertIsNone(hetsim.check(SCENARIO, policy="sjf", set={"workload.jobs_per_day": "700"}))
        with self.assertRaisesRegex(ValueError, "unknown policy"):
            hetsim.check(SCENARIO, policy="fifoo")
        with self.assertRaisesRegex(ValueError, r"small-city.yaml:\d+:\d+: error: .*jobs_per_day"):
            hetsim.check(SCENARIO, set={"workload.jobs_per_day": "-1"})

    def test_threads_run_concurrently_and_deterministically(self):
        # The GIL is released while simulating; results do not depend on the threads.
        out = [None, None]

        def work(k):
            out[k] = hetsim.run(SCENARIO, seed=5)["summary"]["jct_s"]

        threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(out[0], out[1])
        self.assertEqual(out[0], hetsim.run(SCENARIO, seed=5)["summary"]["jct_s"])


if __name__ == "__main__":
    unittest.main()
