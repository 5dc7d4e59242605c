"""A heterogeneity-aware policy in Python: each job goes to the chip type it finishes soonest on.

Shortest estimated job first; each job tries the chip types it may use in order of its estimated
runtime there (the submitter's estimate scaled by the perf model or the scenario's measured
throughputs: view.waiting_runtime_s), and takes the first with room. A chip more than
`max_slowdown` times slower than the job's best is not worth taking: the job waits for a better
one. Jobs that do not fit now do not block the ones behind them.

    hetsim run SCENARIO --policy py:python/examples/fastest_chip.py:FastestChip:max_slowdown=1.5
"""
import numpy as np

import hetsim


class FastestChip(hetsim.Policy):
    def __init__(self, max_slowdown=2.0, placement="best-fit"):
        if not max_slowdown >= 1:
            raise ValueError(f"max_slowdown must be >= 1, got {max_slowdown}")
        self.max_slowdown = float(max_slowdown)
        self.placement = placement

    def schedule(self, view):
        w = view.waiting
        if len(w.id) == 0:
            return
        runtime = view.waiting_runtime_s          # (waiting job, chip), inf: may not use it
        best = runtime.min(axis=1)
        worth = runtime <= (best * self.max_slowdown)[:, None]
        candidates = np.nonzero(np.isfinite(best) & ~w.held)[0]
        free = view.free.by_chip
        for i in candidates[np.lexsort((w.id[candidates], best[candidates]))]:
            fits = worth[i] & (free >= w.min_cards[i])
            for chip in np.nonzero(fits)[0][np.argsort(runtime[i, fits], kind="stable")]:
                if view.start(w.id[i], chip=int(chip)):
                    free = view.free.by_chip
                    break
            if free.sum() == 0:
                return
