#!/usr/bin/python3
"""Tune a scheduling policy's parameters on a scenario with Optuna (docs/workflow.md, "Tuning").

Each trial runs the scenario on every seed given through the `hetsim` Python module (no files,
the GIL released, so --jobs trials run in parallel threads) and scores the mean of one metric
over the seeds. The study lives in any Optuna storage: an SQLite file by default, or an RDB URL
several machines share (each runs this same command; Optuna hands them different trials).

    PYTHONPATH=build/python /usr/bin/python3 python/tune.py scenarios/examples/small-city.yaml \\
        --policy easy-backfill:placement=best-fit --param max_scan=int:1:500:log \\
        --metric jct_mean_s --seeds 1-3 --trials 30 --out out/tune-backfill

Parameters (--param, repeatable):
    NAME=int:LOW:HIGH[:log]     integer in [LOW, HIGH] (log-uniform with :log)
    NAME=float:LOW:HIGH[:log]   real number in [LOW, HIGH]
    NAME=cat:A,B,C              one of the listed values
NAME without a dot is a parameter of the policy (`hetsim list policies`); NAME with dots is any
scenario key, as for --set (e.g. workload.jobs_per_day).

Exit codes: 0 done, 2 bad arguments (including scenario and policy errors).
"""
import argparse
import json
import math
import os
import re
import shlex
import sys
from pathlib import Path

try:
    import optuna
except ImportError:  # pragma: no cover - setup.sh installs it
    sys.exit("tune.py: needs Optuna (apt-get install python3-optuna; run with /usr/bin/python3)")
try:
    import hetsim
except ImportError:
    sys.exit("tune.py: cannot import the hetsim module; build it (cmake) and set PYTHONPATH=build/python")


class ParamSpec:
    """One --param: a name, a kind and its range or choices."""

    def __init__(self, text):
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)=(int|float|cat):(.+)", text)
        if not m:
            raise ValueError(f"--param {text!r}: expected NAME=int:LOW:HIGH[:log], NAME=float:LOW:HIGH[:log] "
                             "or NAME=cat:A,B,...")
        self.name, self.kind, rest = m.groups()
        self.log = False
        if self.kind == "cat":
            self.choices = [c for c in rest.split(",")]
            if len(self.choices) < 2 or any(not c for c in self.choices) or len(set(self.choices)) != len(self.choices):
                raise ValueError(f"--param {text!r}: list two or more distinct choices")
            return
        parts = rest.split(":")
        if len(parts) == 3 and parts[2] == "log":
            self.log = True
            parts = parts[:2]
        if len(parts) != 2:
            raise ValueError(f"--param {text!r}: expected {self.kind}:LOW:HIGH[:log]")
        cast = int if self.kind == "int" else float
        try:
            self.low, self.high = cast(parts[0]), cast(parts[1])
        except ValueError:
            raise ValueError(f"--param {text!r}: LOW and HIGH must be {'integers' if cast is int else 'numbers'}")
        if not (math.isfinite(self.low) and math.isfinite(self.high)) or self.low >= self.high:
            raise ValueError(f"--param {text!r}: need LOW < HIGH")
        if self.log and self.low <= 0:
            raise ValueError(f"--param {text!r}: a log scale needs LOW > 0")

    @property
    def is_policy_param(self):
        return "." not in self.name

    def suggest(self, trial):
        if self.kind == "int":
            return trial.suggest_int(self.name, self.low, self.high, log=self.log)
        if self.kind == "float":
            return trial.suggest_float(self.name, self.low, self.high, log=self.log)
        return trial.suggest_categorical(self.name, self.choices)


def parse_sets(items):
    sets = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise ValueError(f"--set {item!r}: expected KEY=VALUE")
        sets[key] = value
    return sets


def has_params(policy):
    """Whether a --policy text already has key=value parameters after its name: NAME:k=v, or
    py:MODULE:CLASS:k=v for a policy written in Python."""
    fields = policy.split(":")
    return len(fields) > (3 if fields[0] == "py" else 1)


class Objective:
    """Mean of one metric over the seeds, for the parameters a trial suggests."""

    def __init__(self, args, params, seeds, sets):
        self.scenario, self.policy, self.metric = args.scenario, args.policy, args.metric
        self.params, self.seeds, self.sets = params, seeds, sets

    def run_args(self, values):
        """(policy text, set dict) of hetsim.run for a dict of parameter values."""
        sets = dict(self.sets)
        policy = self.policy
        extra = []
        for p in self.params:
            v = values[p.name]
            text = repr(v) if isinstance(v, float) else str(v)
            if not p.is_policy_param:
                sets[p.name] = text
            elif policy is None:
                sets["policy.params." + p.name] = text
            else:
                extra.append(f"{p.name}={text}")
        if extra:
            policy += ("," if has_params(policy) else ":") + ",".join(extra)
        return policy, sets

    def score(self, values):
        policy, sets = self.run_args(values)
        per_seed = []
        for seed in self.seeds:
            r = hetsim.run(self.scenario, policy=policy, seed=seed, set=sets)
            per_seed.append(r["metrics"][self.metric])
        return per_seed

    def defaults(self):
        """Per-seed values of the run as given, none of the --param values applied: the baseline."""
        per_seed = []
        for seed in self.seeds:
            r = hetsim.run(self.scenario, policy=self.policy, seed=seed, set=self.sets)
            per_seed.append(r["metrics"][self.metric])
        return per_seed

    def __call__(self, trial):
        values = {p.name: p.suggest(trial) for p in self.params}
        per_seed = self.score(values)
        trial.set_user_attr("per_seed", per_seed)
        trial.set_user_attr("seeds", self.seeds)
        if any(math.isnan(v) for v in per_seed):
            return float("nan")  # Optuna records the trial as failed (e.g. no job completed)
        return sum(per_seed) / len(per_seed)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("scenario", help="cluster-simulation scenario (YAML)")
    ap.add_argument("--policy", help="NAME or NAME:k=v,... (default: the scenario's policy)")
    ap.add_argument("--param", action="append", default=[], help="parameter to tune (repeatable; see below)")
    ap.add_argument("--metric", default="jct_mean_s", help="metric to optimise (hetsim.metric_names())")
    ap.add_argument("--direction", choices=["minimize", "maximize"], default="minimize")
    ap.add_argument("--seeds", default="1", help="seeds to average over, e.g. 1-3 (default 1)")
    ap.add_argument("--set", action="append", default=[], help="fixed scenario override KEY=VALUE (repeatable)")
    ap.add_argument("--trials", type=int, default=20, help="trials this process runs (default 20)")
    ap.add_argument("--jobs", type=int, default=1, help="trials at once in this process (threads; default 1)")
    ap.add_argument("--storage", help="Optuna storage URL (default: sqlite:///OUT/study.db, or in memory without --out)")
    ap.add_argument("--study", default="hetsim-tune", help="study name in the storage (default hetsim-tune)")
    ap.add_argument("--sampler-seed", type=int, default=0, help="seed of the TPE sampler (default 0)")
    ap.add_argument("--out", help="directory for study.db, trials.csv and best.json")
    args = ap.parse_args(argv)

    try:
        params = [ParamSpec(t) for t in args.param]
        if not params:
            raise ValueError("name at least one --param to tune")
        if len({p.name for p in params}) != len(params):
            raise ValueError("a --param is given twice")
        if args.metric not in hetsim.metric_names():
            raise ValueError(f"--metric {args.metric!r}: one of {', '.join(hetsim.metric_names())}")
        if args.trials < 1 or args.jobs < 1:
            raise ValueError("--trials and --jobs must be at least 1")
        seeds = hetsim.parse_seeds(args.seeds)  # the CLI's own --seeds reader
        sets = parse_sets(args.set)
        objective = Objective(args, params, seeds, sets)
        # Scenario, policy and every value a trial may suggest are checked (without simulating)
        # before any trial is recorded: each category, both ends of each range.
        base = {p.name: (p.choices[0] if p.kind == "cat" else p.low) for p in params}
        for p in params:
            for value in (p.choices if p.kind == "cat" else [p.low, p.high]):
                policy, probe_sets = objective.run_args({**base, p.name: value})
                try:
                    hetsim.check(args.scenario, policy=policy, set=probe_sets)
                except ValueError as e:
                    raise ValueError(f"--param {p.name}={value}: {e}")
    except ValueError as e:
        print(f"tune.py: {e}", file=sys.stderr)
        return 2

    # The baseline: the run as given (the scenario's or --policy's own values), so the study's best
    # can be told apart from no tuning at all.
    default_per_seed = objective.defaults()
    default_value = (float("nan") if any(math.isnan(v) for v in default_per_seed)
                     else sum(default_per_seed) / len(default_per_seed))

    storage = args.storage
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
        if storage is None:
            storage = "sqlite:///" + os.path.abspath(os.path.join(args.out, "study.db"))
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(study_name=args.study, storage=storage, direction=args.direction,
                                sampler=optuna.samplers.TPESampler(seed=args.sampler_seed), load_if_exists=True)
    study.optimize(objective, n_trials=args.trials, n_jobs=args.jobs)

    done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    print(f"tune.py: study {args.study!r}: {len(study.trials)} trials ({len(done)} complete), "
          f"{args.direction} {args.metric} over seeds {args.seeds}")
    if not done:
        print("tune.py: no trial completed (the metric had no value in every trial)", file=sys.stderr)
        return 1
    best = study.best_trial
    policy, sets = objective.run_args(best.params)
    print(f"  best: {args.metric} = {best.value:.6g} with {best.params}  (trial {best.number})")
    if math.isnan(default_value):
        beats = True
        print(f"  defaults (no --param applied): {args.metric} has no value; the best trial has one")
    else:
        beats = best.value < default_value if args.direction == "minimize" else best.value > default_value
        change = (best.value - default_value) / abs(default_value) * 100 if default_value != 0 else float("inf")
        print(f"  defaults (no --param applied): {args.metric} = {default_value:.6g}; the best trial "
              + (f"beats them ({change:+.2f} %)" if beats else "does not beat them: keep the defaults"))
    # compare runs every seed the score averaged; without --policy, run shows one seed at a time.
    rerun = ["hetsim", "compare", args.scenario, "--policy", policy, "--seeds", args.seeds] if policy else \
        ["hetsim", "run", args.scenario, "--seed", str(seeds[0])]
    for k, v in sets.items():
        rerun += ["--set", f"{k}={v}"]
    print(f"  rerun it: {shlex.join(rerun)}")
    if args.out:
        study.trials_dataframe().to_csv(os.path.join(args.out, "trials.csv"), index=False)
        with open(os.path.join(args.out, "best.json"), "w") as f:
            json.dump({"study": args.study, "metric": args.metric, "direction": args.direction, "seeds": seeds,
                       "value": best.value, "params": best.params, "trial": best.number,
                       "policy": policy, "set": sets, "per_seed": best.user_attrs.get("per_seed"),
                       "defaults": {"value": None if math.isnan(default_value) else default_value,
                                    "per_seed": [None if math.isnan(v) else v for v in default_per_seed]},
                       "beats_defaults": beats}, f, indent=2)
            f.write("\n")
        print(f"  outputs in {args.out}/ (study.db, trials.csv, best.json)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
