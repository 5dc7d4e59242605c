#!/usr/bin/python3
"""python/tune.py: Optuna studies over a policy's parameters, stored in SQLite and resumable.

Run by CTest (python.tune) from the source root with PYTHONPATH=build/python.
"""
import csv
import json
import math
import sqlite3
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import hetsim

TUNE = [sys.executable, "python/tune.py"]
SCENARIO = "scenarios/examples/small-city.yaml"


def tune(*args):
    return subprocess.run(TUNE + list(args), capture_output=True, text=True)


class TuneTest(unittest.TestCase):
    def test_study_finds_a_best_trial_that_reruns_to_the_same_value_and_resumes(self):
        with tempfile.TemporaryDirectory() as d:
            common = [SCENARIO, "--policy", "easy-backfill:placement=best-fit", "--param", "max_scan=int:1:300:log",
                      "--metric", "jct_mean_s", "--seeds", "1-2", "--out", d]
            r = tune(*common, "--trials", "5")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("5 trials (5 complete)", r.stdout)
            best = json.loads(Path(d, "best.json").read_text())
            self.assertEqual(best["policy"], f"easy-backfill:placement=best-fit,max_scan={best['params']['max_scan']}")
            # The best value is the mean over the seeds of exactly these runs.
            values = [hetsim.run(SCENARIO, policy=best["policy"], seed=s)["metrics"]["jct_mean_s"] for s in (1, 2)]
            self.assertEqual(best["per_seed"], values)
            self.assertEqual(best["value"], sum(values) / 2)
            # The defaults (the policy as given, no --param) are scored too, and compared.
            base = [hetsim.run(SCENARIO, policy="easy-backfill:placement=best-fit", seed=s)["metrics"]["jct_mean_s"]
                    for s in (1, 2)]
            self.assertEqual(best["defaults"]["per_seed"], base)
            self.assertEqual(best["beats_defaults"], best["value"] < sum(base) / 2)
            self.assertIn("defaults (no --param applied): jct_mean_s = ", r.stdout)
            # Every other trial is no better.
            trials = Path(d, "trials.csv").read_text().splitlines()
            self.assertEqual(len(trials), 1 + 5)
            # The study lives in SQLite: a second process adds to it instead of starting over.
            r = tune(*common, "--trials", "3", "--jobs", "2")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("8 trials (8 complete)", r.stdout)
            with sqlite3.connect(Path(d, "study.db")) as db:
                self.assertEqual(db.execute("select count(*) from trials").fetchone()[0], 8)
            best2 = json.loads(Path(d, "best.json").read_text())
            self.assertLessEqual(best2["value"], best["value"])

    def test_without_a_policy_parameters_go_to_the_scenario_policy_and_dotted_names_to_the_scenario(self):
        with tempfile.TemporaryDirectory() as d:
            r = tune(SCENARIO, "--param", "max_scan=int:1:50", "--param", "workload.jobs_per_day=cat:300,600",
                     "--metric", "utilization", "--direction", "maximize", "--trials", "3", "--out", d)
            self.assertEqual(r.returncode, 0, r.stderr)
            best = json.loads(Path(d, "best.json").read_text())
            self.assertIsNone(best["policy"])
            self.assertEqual(set(best["set"]), {"policy.params.max_scan", "workload.jobs_per_day"})
            got = hetsim.run(SCENARIO, seed=1, set=best["set"])["metrics"]["utilization"]
            self.assertEqual(best["value"], got)

    def test_one_job_on_an_empty_study_repeats_its_trials(self):
        rows = []
        for _ in range(2):
            with tempfile.TemporaryDirectory() as d:
                r = tune(SCENARIO, "--param", "max_scan=int:1:300", "--trials", "4", "--out", d)
                self.assertEqual(r.returncode, 0, r.stderr)
                with open(Path(d, "trials.csv")) as f:
                    rows.append([(t["value"], t["params_max_scan"]) for t in csv.DictReader(f)])
        self.assertEqual(rows[0], rows[1])

    def test_bad_arguments_exit_two_with_a_reason(self):
        for args, says in [
            (["--param", "max_scan=int:5:1"], "LOW < HIGH"),
            (["--param", "max_scan=int:0:9:log"], "log scale"),
            (["--param", "max_scan"], "expected NAME=int"),
            (["--param", "placement=cat:best-fit"], "two or more"),
            ([], "at least one --param"),
            (["--param", "max_scan=int:1:9", "--metric", "nosuch"], "one of jobs_completed"),
            (["--param", "max_scan=int:1:9", "--policy", "easy-backfill", "--param", "nosuch=int:1:3"], "nosuch"),
            (["--param", "max_scan=int:1:9", "--set", "workload.jobs_per_day=-5"], "small-city.yaml:"),
            (["--param", "max_scan=int:1:9", "--seeds", "3-1"], "--seeds"),
            # Values a trial could suggest are checked up front: a range end, a category.
            (["--param", "max_scan=int:0:3"], "max_scan=0"),
            (["--param", "placement=cat:best-fit,bogus"], "placement=bogus"),
        ]:
            r = tune(SCENARIO, "--trials", "1", *args)
            self.assertEqual(r.returncode, 2, (args, r.stdout, r.stderr))
            self.assertIn(says, r.stderr, args)


if __name__ == "__main__":
    unittest.main()
