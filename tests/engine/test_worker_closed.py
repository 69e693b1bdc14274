"""A closed worker stays closed: a job that arrives late starts no process nobody closes."""
import multiprocessing

import pytest

from tui.engine.worker import IsolatedClosed, IsolatedRunner


def test_a_job_after_close_is_refused_and_starts_no_process() -> None:
    runner = IsolatedRunner()
    assert runner.run(len, "abc", timeout=60) == 3
    runner.close()
    with pytest.raises(IsolatedClosed):
        runner.run(len, "abc", timeout=60)
    assert runner.starts == 1
    assert multiprocessing.active_children() == []
