"""sjf in Python: the twin of the built-in `sjf` (jobs.csv byte for byte, tests/python).

Run it with  hetsim run SCENARIO --policy py:python/examples/sjf.py:Sjf
"""
import numpy as np

import hetsim

# SimTime's largest number of seconds: an estimate beyond it ranks as it.
MAX_SECONDS = 9.0e12


class Sjf(hetsim.Policy):
    """Shortest job first by the submitter's runtime estimate, non-preemptive: higher priority
    first, then the estimate in whole microseconds (as the C++ policy rounds it), then the id;
    the first job that does not fit blocks the rest."""

    def __init__(self, placement="first-fit"):
        self.placement = placement

    def schedule(self, view):
        w = view.waiting
        # llround(x * 1e6) for x >= 0, as the C++ key.
        estimate_us = np.floor(np.minimum(w.estimate_s, MAX_SECONDS) * 1e6 + 0.5)
        order = np.lexsort((w.id, estimate_us, -w.priority.astype(np.int64)))
        for job in w.id[order]:
            result = view.start(job)
            if result == hetsim.StartResult.HELD:
                continue
            if not result:
                return
