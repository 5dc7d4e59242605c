#!/usr/bin/python3
"""Policies written in Python (python/policy_api.cpp, docs/writing-a-policy.md): the twins of fifo
and sjf give the built-in policies' jobs.csv byte for byte; every way to name one (--policy in
run, compare and sweep, tune.py, hetsim.run with a name or an object) works; decisions returned
or called, on chip types or explicit nodes, preemption, and every error path.

Run by CTest (python.policy) with PYTHONPATH=build/python: test_python_policy.py HETSIM_BINARY.
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

import hetsim

BIN = os.path.abspath(sys.argv.pop(1) if len(sys.argv) > 1 else "build/hetsim")
SMALL = "scenarios/examples/small-city.yaml"
GUARANTEES = "scenarios/repro/guarantees.yaml"
# guarantees.yaml with quotas instead of guarantees (its header's "quota" variant).
QUOTAS = ["--set", "tenants.list.1.guarantee.telecom=0", "--set", "tenants.list.2.guarantee.telecom=0",
          "--set", "tenants.list.0.quota={telecom: 128}", "--set", "tenants.list.1.quota={telecom: 64}",
          "--set", "tenants.list.2.quota={telecom: 64}"]
FIFO = "py:python/examples/fifo.py:Fifo"
SJF = "py:python/examples/sjf.py:Sjf"
FASTEST = "py:python/examples/fastest_chip.py:FastestChip"

# Small policies for the tests, written to a file the runs load by path.
POLICIES = textwrap.dedent('''
    import numpy as np

    import hetsim

    class Returns(hetsim.Policy):
        """Non-blocking first fit, by returned decisions."""
        def schedule(self, view):
            return [hetsim.Start(int(j)) for j in view.waiting.id]

    class Calls(hetsim.Policy):
        """The same by calls."""
        def schedule(self, view):
            for j in view.waiting.id:
                view.start(j)

    class OnNodes(hetsim.Policy):
        """Each job on the lowest node with all its cards free, by explicit nodes; records whether
        the cards it took came off that very node."""
        def __init__(self):
            self.on_the_node = []
        def schedule(self, view):
            for i, j in enumerate(view.waiting.id):
                nodes = view.nodes
                allowed = int(view.waiting.allowed_chips[i])
                cards = int(view.waiting.cards[i])
                for n in range(len(nodes.pool)):
                    chip = int(view.pools.chip[nodes.pool[n]])
                    if allowed >> chip & 1 and nodes.free_cards[n] >= cards:
                        before = view.nodes.free_cards.copy()
                        if view.start_on_nodes(j, [(n, cards)]):
                            taken = before - view.nodes.free_cards
                            self.on_the_node.append(taken[n] == cards and taken.sum() == cards)
                        break

    class Waker(hetsim.Policy):
        """Starts nothing before t = 5000 s, then fifo; asks to be woken then."""
        def __init__(self):
            self.passes = []
        def schedule(self, view):
            self.passes.append(view.now)
            if view.now < 5000:
                return [hetsim.WakeAt(5000.0)]
            for j in view.waiting.id:
                if not view.start(j):
                    return

    class Preempter(hetsim.Policy):
        """fifo that, once, at the first pass after 20000 s, stops every running job."""
        preemptive = True
        def __init__(self):
            self.done = False
            self.executed = None
        def schedule(self, view):
            if not self.done and view.now > 20000 and len(view.running.id) > 0:
                self.done = True
                self.executed = view.running.executed_s.copy()
                return [hetsim.Preempt(int(j)) for j in view.running.id]
            for j in view.waiting.id:
                if not view.start(j):
                    return

    class SneakyPreempt(hetsim.Policy):
        """Preempts without declaring itself preemptive."""
        def schedule(self, view):
            assert "executed_s" not in view.running  # the capability's columns are absent
            if len(view.running.id):
                view.preempt(view.running.id[0])
            for j in view.waiting.id:
                view.start(j)

    class KeepsTheView(hetsim.Policy):
        def __init__(self):
            self.old = None
        def schedule(self, view):
            if self.old is not None:
                self.old.start(0)
            self.old = view

    class Raises(hetsim.Policy):
        def schedule(self, view):
            if view.now > 100:
                raise KeyError("no such thing")

    class ReturnsJunk(hetsim.Policy):
        def schedule(self, view):
            return ["start everything"]

    class StartsTwice(hetsim.Policy):
        def schedule(self, view):
            for j in view.waiting.id:
                view.start(j)
                view.start(j)

    class Strict(hetsim.Policy):
        def __init__(self, level=1):
            if level not in (1, 2):
                raise ValueError("level is 1 or 2")

    class WakesNow(hetsim.Policy):
        def schedule(self, view):
            view.wake_at(view.now)  # this pass is the pass now: refused, not repeated forever

    class ZeroCards(hetsim.Policy):
        def schedule(self, view):
            for j in view.waiting.id:
                view.start(j, chip=0, cards=0)

    class ReturnsASet(hetsim.Policy):
        def schedule(self, view):
            return {hetsim.WakeAt(view.now + 1)}

    class BadField(hetsim.Policy):
        def schedule(self, view):
            return [hetsim.Start(-1)]

    class AsksTheFuture(hetsim.Policy):
        def schedule(self, view):
            view.estimated_runtime_s(1000000, 0)

    class SaysHello(hetsim.Policy):
        def __init__(self, word="hello"):
            print("policy:", word)
        def schedule(self, view):
            for j in view.waiting.id:
                view.start(j)

    class YesPreemptive(hetsim.Policy):
        preemptive = "yes"

    class PlacementRaises(hetsim.Policy):
        @property
        def placement(self):
            raise RuntimeError("no placement today")

    class HeldNodes(hetsim.Policy):
        """The first waiting jobs on explicit nodes: the lowest nodes with free cards in the first
        pool of a chip the job may use."""
        def __init__(self):
            self.results = []
        def schedule(self, view):
            w = view.waiting
            for i in range(min(len(w.id), 8)):
                nodes = view.nodes
                allowed = int(w.allowed_chips[i])
                chip_ok = np.array([allowed >> c & 1 for c in range(len(view.chips))], dtype=bool)
                usable = np.nonzero(chip_ok[view.pools.chip[nodes.pool]] & (nodes.free_cards > 0))[0]
                if len(usable) == 0:
                    continue
                usable = usable[nodes.pool[usable] == nodes.pool[usable[0]]]
                free = nodes.free_cards[usable].astype(int)
                need = int(w.cards[i])
                if free.sum() < need:
                    continue
                k = int(np.searchsorted(np.cumsum(free), need)) + 1
                picked = [(int(n), int(c)) for n, c in zip(usable[:k], free[:k])]
                picked[-1] = (picked[-1][0], need - sum(c for _, c in picked[:-1]))
                self.results.append(view.start_on_nodes(w.id[i], picked))

    class ReadsLimits(hetsim.Policy):
        """First fit that checks the tenant columns, after each of a pass's first starts, against
        what it sees: the quotas of QUOTAS minus the cards each tenant runs, and the free cards."""
        def __init__(self):
            self.none_seen = self.checked = self.bound = 0
            self.wrong = []
        def schedule(self, view):
            for k, j in enumerate(view.waiting.id):
                if k < 4:
                    self.check(view)
                view.start(j)
        def check(self, view):
            t = view.tenants
            if t is None:
                self.none_seen += 1
                if view.tenant_room_by_pool is not None:
                    self.wrong.append("room without tenants")
                return
            held = np.zeros(len(t.id), dtype=np.int64)
            np.add.at(held, view.running.tenant.astype(np.int64), view.running.cards.astype(np.int64))
            quota = [128, 64, 64]
            free = int(view.free.by_pool[0])
            room = view.tenant_room_by_pool
            for k in range(len(t.id)):
                want = max(0, min(free, quota[k] - int(held[k])))
                got = (int(t.quota_room[k]), float(t.budget_left[k]), int(room[k, 0]))
                if got != (2**63 - 1, float("inf"), want):
                    self.wrong.append((view.now, k, got, want))
                self.bound += want < free
                self.checked += 1

    class KeepsAndFails(hetsim.Policy):
        def schedule(self, view):
            self.kept = view
            if len(view.waiting.id):
                j = int(view.waiting.id[0])
                return [hetsim.Start(j), hetsim.Start(j)]

    class Interrupted(hetsim.Policy):
        def schedule(self, view):
            raise KeyboardInterrupt

    class SortsInPlace(hetsim.Policy):
        def schedule(self, view):
            view.waiting.id.sort()

    class NotAPolicy:
        def schedule(self, view):
            pass

    class Counts(hetsim.Policy):
        """fifo that reports its passes and starts (summary.json policy_stats)."""
        def __init__(self):
            self.passes = 0
            self.starts = 0
        def schedule(self, view):
            self.passes += 1
            for j in view.waiting.id:
                if not view.start(j):
                    return
                self.starts += 1
        def counters(self):
            return {"passes": self.passes, "starts": self.starts, "starts_per_pass": self.starts / max(self.passes, 1)}

    class FlagCounter(hetsim.Policy):
        def schedule(self, view):
            pass
        def counters(self):
            return {"ok": True}

    class CountersRaise(hetsim.Policy):
        def schedule(self, view):
            pass
        def counters(self):
            raise RuntimeError("no counts today")

    class CountersList(hetsim.Policy):
        def schedule(self, view):
            pass
        def counters(self):
            return [1, 2]

    class CountersHuge(CountersList):
        def counters(self):
            return {"x": 10**400}

    class CountersInf(CountersList):
        def counters(self):
            return {"x": np.float32("inf")}

    class CountersBadName(CountersList):
        def counters(self):
            return {"\\ud800": 1}

    class NumpyCounts(Counts):
        """The same figures as NumPy scalars, as a view's columns give them."""
        def counters(self):
            return {"passes": np.int64(self.passes), "starts": np.uint32(self.starts),
                    "starts_per_pass": np.float32(self.starts) / np.float32(max(self.passes, 1))}

    class BadPlacement(hetsim.Policy):
        placement = "anywhere"
        def schedule(self, view):
            pass
''')


def run_cli(*args, check=True):
    r = subprocess.run([BIN, *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"{args}: rc {r.returncode}\n{r.stderr}")
    return r


def jobs_csv(scenario, policy, *extra):
    with tempfile.TemporaryDirectory() as d:
        run_cli("run", scenario, "--policy", policy, "--quiet", "--out", d, *extra)
        return Path(d, "jobs.csv").read_bytes()


def same_columns(a, b):
    for k in a:
        x, y = list(a[k]), list(b[k])
        if len(x) != len(y):
            return False
        for u, v in zip(x, y):
            if not (u == v or (isinstance(u, float) and isinstance(v, float) and math.isnan(u) and math.isnan(v))):
                return False
    return True


class PythonPolicyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.file = Path(cls.tmp.name, "test_policies.py")
        cls.file.write_text(POLICIES)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def name(self, cls, params=""):
        return f"py:{self.file}:{cls}" + (":" + params if params else "")

    def test_twins_give_the_builtin_policies_jobs_csv_byte_for_byte(self):
        cases = [(SMALL, []), (SMALL, ["--seed", "4", "--set", "workload.jobs_per_day=900"]), (GUARANTEES, []),
                 (GUARANTEES, QUOTAS)]
        for scenario, extra in cases:
            for builtin, twin in (("fifo", FIFO), ("sjf", SJF)):
                with self.subTest(scenario=scenario, extra=extra, policy=builtin):
                    a = jobs_csv(scenario, builtin, *extra)
                    self.assertGreater(a.count(b"\n"), 100)
                    self.assertEqual(a, jobs_csv(scenario, twin, *extra))
        # The placement parameter reaches view.start.
        self.assertEqual(jobs_csv(SMALL, "fifo:placement=best-fit"), jobs_csv(SMALL, FIFO + ":placement=best-fit"))
        self.assertNotEqual(jobs_csv(SMALL, FIFO + ":placement=best-fit"), jobs_csv(SMALL, FIFO))

    def test_the_pages_example_is_fifo(self):
        page = Path("docs/writing-a-policy.md").read_text()
        section = page[page.index("## A policy in Python"):]
        code = section[section.index("```python\n") + 10:section.index("```\n", section.index("```python\n") + 10)]
        example = Path(self.tmp.name, "page_example.py")
        example.write_text(code)
        self.assertEqual(jobs_csv(SMALL, "fifo", "--set", "workload.jobs_per_day=900"),
                         jobs_csv(SMALL, f"py:{example}:Fifo", "--set", "workload.jobs_per_day=900"))

    def test_the_module_takes_a_name_or_an_object(self):
        sys.path.insert(0, "python/examples")
        try:
            import fifo
            import sjf
        finally:
            sys.path.pop(0)
        builtin = hetsim.run(SMALL, policy="fifo")
        self.assertTrue(same_columns(builtin["jobs"], hetsim.run(SMALL, policy=fifo.Fifo())["jobs"]))
        self.assertTrue(same_columns(builtin["jobs"], hetsim.run(SMALL, policy=FIFO)["jobs"]))
        by_object = hetsim.run(SMALL, policy=sjf.Sjf(), seed=2)
        self.assertTrue(same_columns(hetsim.run(SMALL, policy="sjf", seed=2)["jobs"], by_object["jobs"]))
        self.assertEqual(by_object["summary"]["policy"], "py:sjf:Sjf")
        hetsim.check(SMALL, policy=FIFO)
        with self.assertRaisesRegex(ValueError, "takes no arguments|unexpected keyword"):
            hetsim.check(SMALL, policy=self.name("Returns", "x=1"))
        with self.assertRaisesRegex(TypeError, "not a subclass of hetsim.Policy"):
            hetsim.run(SMALL, policy=object())
        with self.assertRaisesRegex(TypeError, "is a class: pass an instance, Fifo()"):
            hetsim.run(SMALL, policy=fifo.Fifo)

    def test_a_view_kept_past_a_failed_pass_is_closed(self):
        mod = self.load()
        p = mod.KeepsAndFails()
        with self.assertRaisesRegex(hetsim.PolicyViolation, "a decision it returned: job 0: start: the job is not"):
            hetsim.run(SMALL, policy=p)
        with self.assertRaisesRegex(RuntimeError, "belongs to a scheduling pass that has ended"):
            p.kept.free

    def test_explicit_nodes_a_quota_forbids_are_held(self):
        mod = self.load()
        p = mod.HeldNodes()
        with tempfile.TemporaryDirectory() as d:
            r = hetsim.run(GUARANTEES, policy=p, set=dict(s.split("=", 1) for s in QUOTAS[1::2]))
        self.assertIn(hetsim.StartResult.HELD, p.results)
        self.assertIn(hetsim.StartResult.STARTED, p.results)
        self.assertGreater(r["summary"]["jobs"]["completed"], 100)

    def test_tenant_limits_are_columns_where_the_scenario_sets_them(self):
        mod = self.load()
        p = mod.ReadsLimits()
        hetsim.run(SMALL, policy=p, set={"scenario.horizon": "1d"})
        self.assertGreater(p.none_seen, 100)
        self.assertEqual((p.checked, p.wrong), (0, []))
        q = mod.ReadsLimits()
        hetsim.run(GUARANTEES, policy=q, set=dict(s.split("=", 1) for s in QUOTAS[1::2]))
        self.assertEqual(q.none_seen, 0)
        self.assertGreater(q.checked, 1000)
        self.assertEqual(q.wrong, [])
        self.assertGreater(q.bound, 100)  # a tenant's quota, not the free cards, bound its room

    def test_the_binarys_interpreter_speaks_utf8(self):
        r = run_cli("run", SMALL, "--quiet", "--policy", self.name("SaysHello", "word=héllo"))
        self.assertIn("policy: héllo", r.stdout)

    def test_returned_decisions_and_calls_decide_alike(self):
        returned = jobs_csv(SMALL, self.name("Returns"))
        self.assertEqual(returned, jobs_csv(SMALL, self.name("Calls")))
        self.assertNotEqual(returned, jobs_csv(SMALL, "fifo"))  # no head blocking: a different policy

    def test_explicit_nodes(self):
        p = self.load().OnNodes()
        r = hetsim.run(SMALL, policy=p)
        self.assertGreater(r["summary"]["jobs"]["completed"], 300)
        self.assertGreater(len(p.on_the_node), 300)
        self.assertTrue(all(p.on_the_node))

    def test_wake_at_asks_for_a_pass(self):
        mod = self.load()
        p = mod.Waker()
        r = hetsim.run(SMALL, policy=p)
        self.assertIn(5000.0, p.passes)
        starts = [s for s in r["jobs"]["start_s"] if not math.isnan(s)]
        self.assertEqual(min(starts), 5000.0)

    def test_preemption_is_a_capability(self):
        mod = self.load()
        p = mod.Preempter()
        r = hetsim.run(SMALL, policy=p)
        self.assertTrue(p.done)
        self.assertGreater(len(p.executed), 0)
        self.assertTrue(all(e > 0 for e in p.executed))
        self.assertGreater(r["summary"]["preemption"]["preemptions"], 0)
        bad = run_cli("run", SMALL, "--quiet", "--policy", self.name("SneakyPreempt"), check=False)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("preemptive", bad.stderr)

    def test_errors(self):
        cases = [
            ("py:no_such_module_xyz:X", 2, "No module named 'no_such_module_xyz'"),
            (self.name("Nope"), 2, "has no 'Nope'"),
            (self.name("NotAPolicy"), 2, "NotAPolicy is not a subclass of hetsim.Policy"),
            (self.name("BadPlacement"), 2, "placement 'anywhere'"),
            (self.name("Strict", "level=3"), 2, "ValueError: level is 1 or 2"),
            (self.name("Strict", "lvl=1"), 2, "unexpected keyword argument 'lvl'"),
            ("py:missing.py:X", 2, "no such file: missing.py"),
            ("py:only_module", 2, "py:MODULE:CLASS"),
            (self.name("Raises"), 1, 'in schedule\n    raise KeyError("no such thing")\nKeyError'),
            (self.name("ReturnsJunk"), 1, "'start everything' among its decisions"),
            (self.name("StartsTwice"), 1, "hetsim.PolicyViolation: job 0: start: the job is not waiting"),
            (self.name("KeepsTheView"), 1, "belongs to a scheduling pass that has ended"),
            (self.name("WakesNow"), 1, "not later than now"),
            (self.name("ZeroCards"), 1, "cards= is a gang size, at least 1"),
            (self.name("ReturnsASet"), 1, "schedule() returned a set"),
            (self.name("BadField"), 1, "job=-1 is not whole numbers >= 0"),
            (self.name("AsksTheFuture"), 1, "the job is neither waiting nor running"),
            (self.name("YesPreemptive"), 2, "preemptive is True or False, not 'yes'"),
            (self.name("PlacementRaises"), 2, "RuntimeError: no placement today"),
            (self.name("SortsInPlace"), 1, "ValueError: sort array is read-only"),
            (self.name("FlagCounter"), 1, "counters() 'ok' is True (bool), not an int or a float"),
            (self.name("CountersRaise"), 1, "RuntimeError: no counts today"),
            (self.name("CountersList"), 1, "counters() must return a dict of name -> int or float, not [1, 2] (list)"),
            (self.name("CountersHuge"), 1, "counters() 'x' is beyond 2^53 in size"),
            (self.name("CountersInf"), 1, "counters() 'x' is not finite"),
            (self.name("CountersBadName"), 1, "counters() a name that is not valid text: '\\ud800'"),
        ]
        for policy, rc, text in cases:
            with self.subTest(policy=policy):
                r = run_cli("run", SMALL, "--quiet", "--policy", policy, check=False)
                self.assertEqual(r.returncode, rc, r.stderr)
                self.assertIn(text, r.stderr)
                self.assertNotIn("internal error", r.stderr)
        # A traceback names the policy's file and line.
        r = run_cli("run", SMALL, "--quiet", "--policy", self.name("Raises"), check=False)
        self.assertIn(f'File "{self.file}", line', r.stderr)
        self.assertIn("raised at t=", r.stderr)
        with self.assertRaises(hetsim.PolicyError) as caught:
            hetsim.run(SMALL, policy=self.name("Raises"))
        self.assertIn("KeyError", str(caught.exception))
        with self.assertRaises(KeyboardInterrupt):  # the user stopping the run, not a policy error
            hetsim.run(SMALL, policy=self.name("Interrupted"))
        self.assertTrue(issubclass(hetsim.PolicyError, hetsim.PolicyViolation))
        self.assertFalse(hetsim.StartResult.HELD)
        self.assertFalse(hetsim.StartResult.NO_FIT)
        self.assertTrue(hetsim.StartResult.STARTED)

    def test_counters_reach_the_summary(self):
        with tempfile.TemporaryDirectory() as d:
            run_cli("run", SMALL, "--quiet", "--policy", self.name("Counts"), "--out", d)
            s = json.loads(Path(d, "summary.json").read_text())
            jobs = Path(d, "jobs.csv").read_bytes()
        stats = s["policy_stats"]
        self.assertEqual(list(stats), ["passes", "starts", "starts_per_pass"])  # the policy's order
        self.assertIsInstance(stats["passes"], int)
        self.assertGreater(stats["passes"], 100)
        self.assertEqual(stats["starts"], s["wait_s"]["count"])  # every job it started, once each
        self.assertAlmostEqual(stats["starts_per_pass"], stats["starts"] / stats["passes"], places=8)
        self.assertEqual(jobs, jobs_csv(SMALL, FIFO))  # counting decides nothing
        # A policy that reports nothing leaves the summary as it was; so does the built-in fifo.
        with tempfile.TemporaryDirectory() as d:
            run_cli("run", SMALL, "--quiet", "--policy", FIFO, "--out", d)
            self.assertNotIn("policy_stats", json.loads(Path(d, "summary.json").read_text()))
        # The module's summary carries them too.
        self.assertEqual(hetsim.run(SMALL, policy=self.name("Counts"))["summary"]["policy_stats"], stats)
        # NumPy's scalars are counts and reals like Python's.
        numpy_stats = hetsim.run(SMALL, policy=self.name("NumpyCounts"))["summary"]["policy_stats"]
        self.assertEqual(numpy_stats["passes"], stats["passes"])
        self.assertIsInstance(numpy_stats["starts"], int)
        self.assertAlmostEqual(numpy_stats["starts_per_pass"], stats["starts_per_pass"], places=6)

    def test_compare_and_sweep_name_python_policies(self):
        r = run_cli("compare", SMALL, "--policy", "fifo", "--policy", FIFO, "--seeds", "1-2")
        rows = [line.split(None, 1) for line in r.stdout.splitlines() if line.strip().startswith(("fifo", "py:"))]
        self.assertEqual([name for name, _ in rows], ["fifo", FIFO])
        self.assertEqual(rows[0][1], rows[1][1])  # the same numbers, interval and all
        bad = run_cli("compare", SMALL, "--policy", "fifo", "--policy", self.name("Raises"), "--seeds", "1-2",
                      check=False)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("hetsim compare: policy error: policy py:", bad.stderr)
        with tempfile.TemporaryDirectory() as d:
            sweep = Path(d, "sweep.yaml")
            sweep.write_text(f"scenario: {os.path.abspath(SMALL)}\npolicies: [sjf, \"{SJF}\"]\nseeds: 1-2\n"
                             "grid:\n  workload.jobs_per_day: [600, 900]\n")
            run_cli("sweep", str(sweep), "--quiet", "--out", str(Path(d, "out")))
            lines = Path(d, "out", "results.csv").read_text().splitlines()
            header = lines[0].split(",")
            keep = [header.index("point"), header.index("seed")] + list(range(header.index("seed") + 1, len(header)))
            by_policy = {}
            for line in lines[1:]:
                row = line.split(",")
                by_policy.setdefault(row[header.index("policy")], []).append([row[i] for i in keep])
            self.assertEqual(sorted(by_policy), sorted(["sjf", SJF]))
            self.assertEqual(len(by_policy["sjf"]), 4)
            self.assertEqual(by_policy["sjf"], by_policy[SJF])

    def test_tune_takes_a_python_policy(self):
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run([sys.executable, "python/tune.py", SMALL, "--policy", FASTEST, "--param",
                                "max_slowdown=float:1:3", "--trials", "3", "--seeds", "1", "--metric", "jct_mean_s",
                                "--out", d], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            best = json.loads(Path(d, "best.json").read_text())
            self.assertTrue(best["policy"].startswith(FASTEST + ":max_slowdown="), best["policy"])

    def test_a_heterogeneity_aware_policy_is_deterministic(self):
        a = jobs_csv(SMALL, FASTEST + ":max_slowdown=1.5")
        self.assertEqual(a, jobs_csv(SMALL, FASTEST + ":max_slowdown=1.5"))
        self.assertNotEqual(a, jobs_csv(SMALL, FASTEST + ":max_slowdown=3"))

    def load(self):
        import importlib.util
        spec = importlib.util.spec_from_file_location("test_policies", self.file)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod


if __name__ == "__main__":
    unittest.main()
