from __future__ import annotations

import socket
from pathlib import Path

import pytest

from kg.query.store import Store
from queryfix import TWO_TOWNS


@pytest.fixture(scope="session")
def fixture_store() -> Store:
    """The hand-made three-report graph, in memory (read by many tests)."""
    store = Store(None)
    store.load_trig(TWO_TOWNS)
    return store


@pytest.fixture()
def disk_store(tmp_path) -> Path:
    """The fixture graph in an on-disk store, closed again (ready for a server)."""
    path = tmp_path / "store"
    with Store(path) as store:
        store.load_trig(TWO_TOWNS)
    return path


@pytest.fixture()
def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
