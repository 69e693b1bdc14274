"""Jobs spread over every core: one home for the process pool ``retag`` and ``regroup`` use.

Spawned processes (a forked child would inherit the app's threads and SQLite handles), at
most twice as many jobs in flight as workers (bounded memory on a big cache), results in
order so the caller writes one while the next compute.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

POOL_AT = 2_000
"""From this many articles a regroup computes signals on a process pool."""


def on_cores(func: Callable[[Any], Any], items: Iterable[tuple[Any, Any]], workers: int
             ) -> Iterator[tuple[Any, Any]]:
    """``(tag, func(args))`` for each ``(tag, args)`` in order, computed on a pool of
    ``workers`` processes with at most twice that many jobs in
    flight: bounded memory, and the caller works on one result while the next compute.
    Empty ``args`` need no process; the pool starts on the first job that does."""
    import multiprocessing
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor

    pool: ProcessPoolExecutor | None = None
    pending: deque[tuple[Any, Future[Any]]] = deque()
    try:
        for tag, args in items:
            if not args:
                done: Future[Any] = Future()
                done.set_result([])
                pending.append((tag, done))
            else:
                if pool is None:
                    pool = ProcessPoolExecutor(
                        max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
                pending.append((tag, pool.submit(func, args)))
            while pending and (len(pending) > 2 * workers or pending[0][1].done()):
                first, future = pending.popleft()
                yield first, future.result()
        while pending:
            first, future = pending.popleft()
            yield first, future.result()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
