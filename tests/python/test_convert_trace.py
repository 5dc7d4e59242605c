#!/usr/bin/python3
"""python/convert_trace.py on small self-made samples in each public format (the upstream column
layouts: Helios cluster_log.csv, Acme trace_seren.csv, Philly cluster_job_log, PAI 2020
pai_task_table.csv), then the converted trace replayed by hetsim on the small city.

Run by CTest (python.convert_trace) from the source root: test_convert_trace.py HETSIM_BINARY.
"""
import csv
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

BIN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/hetsim"
ROOT = Path(__file__).resolve().parents[2]
CONVERT = [sys.executable, str(ROOT / "python" / "convert_trace.py")]

HELIOS = """job_id,user,vc,gpu_num,cpu_num,node_num,state,submit_time,start_time,end_time,duration,queue
1425511,uXBbc,vcJkd,1,1,1,COMPLETED,2020-06-09 18:41:01,2020-06-09 18:41:01,2020-06-10 04:55:09,36848,0
1425512,uVMrF,vchbv,4,16,1,FAILED,2020-06-09 18:41:27,2020-06-09 18:41:27,2020-06-09 18:45:36,249,0
1425513,uXBbc,vcJkd,0,8,1,COMPLETED,2020-06-09 18:42:00,2020-06-09 18:42:00,2020-06-09 18:52:00,600,0
"""
ACME = """job_id,user,node_num,gpu_num,cpu_num,type,state,submit_time,start_time,end_time,duration,queue,gpu_time
5778432,u5907,1,8,128,Other,FAILED,2023-03-01 00:18:22+08:00,2023-03-01 00:18:54+08:00,2023-03-01 00:20:51+08:00,117,32,936.0
5778469,u5907,1,8,128,SFT,COMPLETED,2023-03-01 00:23:58+08:00,2023-03-01 00:24:11+08:00,2023-03-01 01:09:04+08:00,2693,13,21544.0
5778470,u1234,2,16,256,Pretrain,COMPLETED,2023-02-28 16:30:00+00:00,2023-02-28 16:31:00+00:00,2023-02-28 18:31:00+00:00,7200,60,115200.0
"""
PHILLY = """[
 {"status": "Pass", "vc": "ee9e8c", "jobid": "application_1", "user": "ce2f4c",
  "submitted_time": "2017-10-07 01:11:39",
  "attempts": [{"start_time": "2017-10-07 01:12:09", "end_time": "2017-10-07 01:13:23",
                "detail": [{"ip": "m47", "gpus": ["gpu0", "gpu1"]}]},
               {"start_time": "2017-10-07 01:13:30", "end_time": "2017-10-07 03:13:30",
                "detail": [{"ip": "m412", "gpus": ["gpu0", "gpu1", "gpu2", "gpu3"]}]}]},
 {"status": "Killed", "vc": "ee9e8c", "jobid": "application_2", "user": "aa11bb",
  "submitted_time": "2017-10-07 01:20:00", "attempts": []}
]
"""
PAI = """j1,ps,1,Terminated,100,4000,600,29.3,,
j1,worker,2,Terminated,110,3700,600,29.3,50,V100
j2,tensorflow,8,Terminated,50,850,800,50,100,P100
j3,tensorflow,1,Failed,60,60,100,10,100,T4
"""


def rows(path):
    with open(path) as f:
        return list(csv.reader(line for line in f if not line.startswith("#")))


class ConvertTraceTest(unittest.TestCase):
    def convert(self, fmt, text, *extra, tenants="lab-a,lab-b"):
        d = Path(self.tmp.name)
        src, out = d / f"in.{fmt}", d / f"{fmt}.csv"
        src.write_text(text)
        r = subprocess.run(CONVERT + [fmt, str(src), "-o", str(out), "--tenants", tenants, *extra],
                           capture_output=True, text=True)
        return r, out

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def test_helios(self):
        r, out = self.convert("helios", HELIOS)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("2 jobs written", r.stdout)
        self.assertIn("1 dropped", r.stdout)  # the CPU-only job
        self.assertEqual(rows(out), [["arrival", "tenant", "class", "cards", "runtime_on_reference"],
                                     ["0.000", "lab-a", "finetune", "1", "36848.000"],
                                     ["26.000", "lab-b", "finetune", "4", "249.000"]])
        r, out = self.convert("helios", HELIOS, "--states", "COMPLETED")
        self.assertEqual([x[3] for x in rows(out)[1:]], ["1"])

    def test_acme_classes_and_time_zones(self):
        r, out = self.convert("acme", ACME)
        self.assertEqual(r.returncode, 0, r.stderr)
        # 2023-02-28 16:30:00 UTC is 00:30 +08:00 on March 1: after the first two, sorted by time.
        self.assertEqual(rows(out)[1:], [["0.000", "lab-a", "finetune", "8", "117.000"],
                                         ["336.000", "lab-a", "finetune", "8", "2693.000"],
                                         ["698.000", "lab-b", "pretrain", "16", "7200.000"]])

    def test_philly_last_attempt_gpus_and_first_start_to_last_end(self):
        r, out = self.convert("philly", PHILLY)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("1 dropped", r.stdout)  # no attempts
        self.assertEqual(rows(out)[1:], [["0.000", "lab-a", "finetune", "4", "7281.000"]])

    def test_pai2020_tasks_summed_per_job(self):
        r, out = self.convert("pai2020", PAI)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("1 dropped", r.stdout)  # j3 ran no time
        # j2: 8 x 100 % = 8 GPUs, 50..850; j1: ps without GPUs + 2 x 50 % = 1 GPU, 100..4000.
        self.assertEqual(rows(out)[1:], [["0.000", "lab-a", "finetune", "8", "800.000"],
                                         ["50.000", "lab-b", "finetune", "1", "3900.000"]])

    def test_bad_input_exits_two_with_a_reason(self):
        r, _ = self.convert("helios", "job_id,user,gpu_num\n1,u,1\n")
        self.assertEqual(r.returncode, 2)
        self.assertIn("missing column(s) submit_time, duration, state", r.stderr)
        r, _ = self.convert("helios", HELIOS.replace("2020-06-09 18:41:27", "yesterday", 1))
        self.assertEqual(r.returncode, 2)
        self.assertIn(":3: not a time: 'yesterday'", r.stderr)
        r, _ = self.convert("philly", "{not json")
        self.assertEqual(r.returncode, 2)
        self.assertIn("not JSON", r.stderr)
        r, _ = self.convert("helios", HELIOS, tenants=",")
        self.assertEqual(r.returncode, 2)

    def test_converted_traces_replay_on_the_small_city(self):
        for fmt, text in (("helios", HELIOS), ("acme", ACME), ("philly", PHILLY), ("pai2020", PAI)):
            r, out = self.convert(fmt, text, tenants="lab-a,lab-b,startup-c")
            self.assertEqual(r.returncode, 0, r.stderr)
            scenario = Path(self.tmp.name) / f"{fmt}.yaml"
            scenario.write_text(f"base: {ROOT / 'scenarios/examples/small-city.yaml'}\nset:\n"
                                f"  scenario.horizon: 3d\n  workload.jobs_per_day: 0\n"
                                f"  workload.trace: {{file: {out}, defaults: {{params: 1B, tokens_per_step: 100K}}}}\n")
            run = subprocess.run([BIN, "run", str(scenario), "--quiet", "--out", str(Path(self.tmp.name) / fmt)],
                                 capture_output=True, text=True)
            self.assertEqual(run.returncode, 0, fmt + "\n" + run.stdout + run.stderr)
            jobs = rows(Path(self.tmp.name) / fmt / "jobs.csv")
            converted = len(rows(out)) - 1
            self.assertEqual(sum(1 for j in jobs[1:] if j[4] == "completed"), converted + 1, fmt)  # + small-city's own job


if __name__ == "__main__":
    unittest.main()
