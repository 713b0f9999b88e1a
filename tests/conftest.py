"""Shared fixtures: stores on SQLite and on a real PostgreSQL server; the catalogue and the
region register, loaded once a test module."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.postgres import PostgresServer
from etl.store import Store
from indicators.catalogue import Catalogue, load_catalogue
from indicators.regions import RegionRegister, load_regions

# The test server's files in memory when the machine has a tmpfs there: a few hundred test
# databases of 7.5 MB each are written, then deleted at the end, and on a disk mounted with
# `discard` (as on CI's and this machine's) deleting them took 30-65 s a run, longer when the
# disk is busy with other work.
MEMORY_FOLDER = Path("/dev/shm")
# A test process's databases grow to a few hundred MB: a smaller memory folder (a container's
# default is 64 MB) would fill, so such a one is not used.
MEMORY_FOLDER_FREE = 2 * 1024**3


@pytest.fixture(scope="session", autouse=True)
def snapshot_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The snapshots of PostgreSQL test stores (etl/value_snapshot.py) in a folder of the run,
    not in the user's cache folder."""
    before = os.environ.get("TARGETS_SNAPSHOT_DIR")
    os.environ["TARGETS_SNAPSHOT_DIR"] = str(tmp_path_factory.mktemp("snapshots"))
    yield
    if before is None:
        os.environ.pop("TARGETS_SNAPSHOT_DIR", None)
    else:
        os.environ["TARGETS_SNAPSHOT_DIR"] = before


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One server a test process (each pytest-xdist worker has its own, in its own temporary
    folder). The port is a free one when chosen; should another process take it before the
    server binds it, the next attempt chooses again."""
    parent = MEMORY_FOLDER if _roomy(MEMORY_FOLDER) else None
    for attempt in range(3):
        server = PostgresServer(parent)
        try:
            server.start()
            break
        except subprocess.CalledProcessError:
            shutil.rmtree(server.folder, ignore_errors=True)
            if attempt == 2:
                raise
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """An empty store's URL, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    return request.getfixturevalue("postgres").create_database()


@pytest.fixture
def store(store_url: str) -> Store:
    return Store(store_url)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="module")
def register() -> RegionRegister:
    return load_regions()


def _roomy(folder: Path) -> bool:
    """Whether `folder` may hold a test process's databases."""
    return (os.access(folder, os.W_OK | os.X_OK)
            and shutil.disk_usage(folder).free >= MEMORY_FOLDER_FREE)
