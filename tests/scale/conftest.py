"""A real two-worker ``dask.distributed.LocalCluster`` (separate processes), started by the tests.

While the ``cluster`` fixture is active its Client is Dask's default scheduler, so vizkit's
aggregations run on it exactly as they would on a user's cluster.
"""

from __future__ import annotations

import pytest

#: Memory limit of each test worker: the out-of-core test streams several times this much data.
WORKER_MEMORY = 300 * 2**20


@pytest.fixture(scope="module")
def cluster():
    pytest.importorskip("distributed")
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit=WORKER_MEMORY,
                      dashboard_address=None, host="127.0.0.1") as lc, Client(lc) as client:
        client.wait_for_workers(2)
        yield client
