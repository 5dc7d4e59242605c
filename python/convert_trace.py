#!/usr/bin/python3
"""Convert a public GPU-cluster job trace to a hetsim job trace (workload.trace, docs/scenario-format.md
"Job traces").

    /usr/bin/python3 python/convert_trace.py FORMAT INPUT -o OUT.csv --tenants lab-a,lab-b [options]

FORMAT and the columns it reads (the upstream documentation of each format is cited in
docs/scenario-format.md, "Public traces"):

  helios   SenseTime Helios cluster_log.csv (S-Lab-System-Group/HeliosData): job_id, user,
           gpu_num, submit_time, duration, state
  acme     Shanghai AI Lab Acme trace_seren.csv / trace_kalos.csv (InternLM/AcmeTrace): job_id,
           user, gpu_num, type, submit_time, duration, state
  philly   Microsoft Philly cluster_job_log (msr-fiddle/philly-traces, JSON): jobid, user,
           status, submitted_time, attempts[].start_time/end_time/detail[].gpus
  pai2020  Alibaba PAI 2020 pai_task_table.csv (alibaba/clusterdata cluster-trace-gpu-v2020; no
           header line, as shipped): job_name, inst_num, start_time, end_time, plan_gpu, gpu_type

Each job becomes one row: arrival (seconds after the trace's first submission), tenant (the
trace's users, in order of first appearance, dealt round-robin to --tenants), class (Acme's type;
else --class), cards (GPUs requested; PAI's fractional GPUs rounded up per job), and
runtime_on_reference (the job's run time in the trace, in seconds: the trace's own GPUs are taken
as the scenario's reference chip). Jobs without GPUs or without a positive run time are dropped
and counted. Deterministic: the same input gives the same bytes.
"""
import argparse
import csv
import json
import math
import sys
from datetime import datetime, timezone

ACME_CLASS = {"Pretrain": "pretrain", "SFT": "finetune", "Evaluation": "eval", "Debug": "debug"}
PAI_COLUMNS = ["job_name", "task_name", "inst_num", "status", "start_time", "end_time", "plan_cpu", "plan_mem",
               "plan_gpu", "gpu_type"]


class TraceError(ValueError):
    pass


def parse_time(text, where):
    """'2020-06-09 18:41:01' or '2023-03-01 00:18:22+08:00' -> seconds."""
    try:
        t = datetime.fromisoformat(text.strip())
    except ValueError:
        raise TraceError(f"{where}: not a time: {text!r}")
    # A time without an offset is read as UTC: the same bytes on every machine (only differences matter).
    return (t if t.tzinfo else t.replace(tzinfo=timezone.utc)).timestamp()


def number(text, where):
    try:
        v = float(text)
    except (TypeError, ValueError):
        raise TraceError(f"{where}: not a number: {text!r}")
    if not math.isfinite(v):
        raise TraceError(f"{where}: not a finite number: {text!r}")
    return v


def read_csv_rows(path, required):
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise TraceError(f"{path}: missing column(s) {', '.join(missing)} (has {', '.join(reader.fieldnames or [])})")
        for line, row in enumerate(reader, start=2):
            yield line, row


def slurm_like(path, args, with_type):
    """Helios and Acme: one row per job with gpu_num, submit_time, duration (seconds)."""
    required = ["job_id", "user", "gpu_num", "submit_time", "duration", "state"] + (["type"] if with_type else [])
    for line, row in read_csv_rows(path, required):
        where = f"{path}:{line}"
        if args.states and row["state"] not in args.states:
            continue
        cls = ACME_CLASS.get(row["type"], args.job_class) if with_type else args.job_class
        yield (parse_time(row["submit_time"], where), row["user"], cls, number(row["gpu_num"], where),
               number(row["duration"], where) if row["duration"].strip() else 0.0)


def philly(path, args):
    with open(path) as f:
        try:
            jobs = json.load(f)
        except json.JSONDecodeError as e:
            raise TraceError(f"{path}: not JSON: {e}")
    if not isinstance(jobs, list):
        raise TraceError(f"{path}: expected a JSON list of jobs")
    for i, job in enumerate(jobs):
        where = f"{path}: job {i} ({job.get('jobid', '?')})"
        if args.states and job.get("status") not in args.states:
            continue
        attempts = [a for a in job.get("attempts") or [] if a.get("start_time") and a.get("end_time")]
        if not attempts or not job.get("submitted_time"):
            yield (0.0, job.get("user", ""), args.job_class, 0, 0.0)  # counted as dropped
            continue
        gpus = sum(len(d.get("gpus") or []) for d in attempts[-1].get("detail") or [])
        # Run time as Philly analyses read it: first attempt's start to last attempt's end.
        run = parse_time(attempts[-1]["end_time"], where) - parse_time(attempts[0]["start_time"], where)
        yield (parse_time(job["submitted_time"], where), job.get("user", ""), args.job_class, gpus, run)


def pai2020(path, args):
    """Tasks of one job summed: GPUs = sum(inst_num x plan_gpu) / 100 rounded up; the job spans its
    tasks' earliest start to latest end."""
    jobs = {}
    with open(path, newline="") as f:
        first = f.readline()
        f.seek(0)
        header = first.strip().split(",") == PAI_COLUMNS
        reader = csv.reader(f)
        for line, cells in enumerate(reader, start=1):
            if header and line == 1:
                continue
            where = f"{path}:{line}"
            if len(cells) != len(PAI_COLUMNS):
                raise TraceError(f"{where}: {len(cells)} cells, pai_task_table has {len(PAI_COLUMNS)}")
            row = dict(zip(PAI_COLUMNS, cells))
            if args.states and row["status"] not in args.states:
                continue
            if not row["start_time"] or not row["end_time"]:
                continue
            start, end = number(row["start_time"], where), number(row["end_time"], where)
            # A task without GPUs (a parameter server) adds none but is part of the job's span.
            gpu = number(row["inst_num"] or "1", where) * number(row["plan_gpu"] or "0", where) / 100
            j = jobs.setdefault(row["job_name"], [start, end, 0.0, row["job_name"]])
            j[0], j[1], j[2] = min(j[0], start), max(j[1], end), j[2] + gpu
    for start, end, gpu, name in jobs.values():
        # PAI 2020 ships no user in the task table: the job name stands in (one tenant per job, dealt round-robin).
        yield (start, name, args.job_class, math.ceil(gpu - 1e-9), end - start)


def convert(args):
    reader = {"helios": lambda: slurm_like(args.input, args, False), "acme": lambda: slurm_like(args.input, args, True),
              "philly": lambda: philly(args.input, args), "pai2020": lambda: pai2020(args.input, args)}[args.format]
    rows, dropped = [], 0
    for arrival, user, cls, gpus, run in reader():
        if not gpus or gpus <= 0 or not run or run <= 0:
            dropped += 1
            continue
        if gpus != int(gpus):
            raise TraceError(f"{args.input}: a job asks for {gpus} GPUs: not a whole number")
        rows.append((arrival, user, cls, int(gpus), run))
    if not rows:
        raise TraceError(f"{args.input}: no job with GPUs and a positive run time")
    rows.sort(key=lambda r: r[0])  # stable: the trace's order among equal times
    t0 = rows[0][0]
    tenants, deal = {}, args.tenants
    with open(args.output, "w", newline="") as out:
        out.write(f"# converted by python/convert_trace.py from {args.format} trace {args.input}\n")
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["arrival", "tenant", "class", "cards", "runtime_on_reference"])
        for arrival, user, cls, cards, run in rows[:args.max_jobs] if args.max_jobs else rows:
            tenant = tenants.setdefault(user, deal[len(tenants) % len(deal)])
            w.writerow([f"{arrival - t0:.3f}", tenant, cls, cards, f"{run:.3f}"])
    return len(rows), dropped


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("format", choices=["helios", "acme", "philly", "pai2020"])
    ap.add_argument("input", help="the trace file")
    ap.add_argument("-o", "--output", required=True, help="the hetsim trace CSV to write")
    ap.add_argument("--tenants", required=True, help="comma list of the scenario's tenants the users are dealt to")
    ap.add_argument("--class", dest="job_class", default="finetune",
                    help="class of jobs the trace does not classify (default finetune)")
    ap.add_argument("--states", help="keep only jobs ending in these states (comma list, e.g. COMPLETED)")
    ap.add_argument("--max-jobs", type=int, default=0, help="keep the first N jobs by arrival (default all)")
    args = ap.parse_args(argv)
    args.tenants = [t for t in args.tenants.split(",") if t]
    args.states = set(args.states.split(",")) if args.states else None
    try:
        if not args.tenants:
            raise TraceError("--tenants: name at least one tenant")
        if args.max_jobs < 0:
            raise TraceError("--max-jobs must be >= 0")
        kept, dropped = convert(args)
    except (TraceError, OSError) as e:
        print(f"convert_trace.py: {e}", file=sys.stderr)
        return 2
    print(f"convert_trace.py: {kept} jobs written to {args.output}"
          + (f" (first {args.max_jobs})" if args.max_jobs and args.max_jobs < kept else "")
          + f"; {dropped} dropped (no GPUs or no run time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
