"""fifo in Python: the twin of the built-in `fifo` (jobs.csv byte for byte, tests/python).

Run it with  hetsim run SCENARIO --policy py:python/examples/fifo.py:Fifo
"""
import numpy as np

import hetsim


class Fifo(hetsim.Policy):
    """First come, first served: higher priority first, then arrival; the first job that does not
    fit blocks every job behind it. A job its tenant's limits hold is skipped, as Slurm holds a
    job over a QOS limit."""

    def __init__(self, placement="first-fit"):
        self.placement = placement  # how view.start puts a job on nodes

    def schedule(self, view):
        w = view.waiting
        order = np.lexsort((w.id, w.arrival_s, -w.priority.astype(np.int64)))
        for job in w.id[order]:
            result = view.start(job)
            if result == hetsim.StartResult.HELD:
                continue
            if not result:
                return
