"""The `targets snapshot` command, and the snapshots written after every load.

A server process started after a load reads the values and every year's status from files
instead of the store (etl/value_snapshot.py, etl/status_snapshot.py). `targets load`,
`demo` and `published` write them when done; `targets snapshot` writes them for a store
changed otherwise (restored from a backup, reviewed through `targets review`). A server
writes them itself when it finds none of the store's version: this only saves its first
request the time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from etl.store import Store

# A load of this many values or more writes the snapshots in a process of its own: reading the
# values back in the loading process, whose memory is still full of the file's rows, took its
# peak RSS from about 1.7 GB to 2.1 GB at national size (2.6 million values); a process of
# its own peaks at about 1.5 GB. A small load writes them itself (no process to start).
SEPARATE_PROCESS_VALUES = 200_000


def add_snapshot_command(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    command = subparsers.add_parser(
        "snapshot", help="write the files a new server reads its first page from (the values "
                         "of each view, every year's status); load, demo and published "
                         "write them themselves")
    command.set_defaults(run=_snapshot)


def _snapshot(args: argparse.Namespace) -> int:
    from targets.cli import say

    write_snapshots(Store(args.database, upgrade=False))
    say("已写入快照", "snapshots written")
    return 0


def write_snapshots(store: Store) -> None:
    """The values of each view and every year's status of the accepted values (what a server
    evaluates first, in the background), as the store holds them now. A snapshot not written
    costs time, never the load."""
    from etl.status_snapshot import write_years
    from etl.value_snapshot import log, write_current
    from indicators.reference import Reference

    write_current(store)
    try:
        write_years(store, Reference.load())
    except Exception as error:
        log.warning("status snapshot not written: %s", error)


def write_snapshots_after(store: Store, loaded: int) -> None:
    """write_snapshots after a load of `loaded` values: in a process of its own for a large
    load (SEPARATE_PROCESS_VALUES). The store's URL goes by the environment, not the command
    line, where other users could read a password in it."""
    from etl.value_snapshot import folder

    if folder(store) is None:  # snapshots off (TARGETS_SNAPSHOT_DIR=off), or nowhere to keep
        return
    if loaded < SEPARATE_PROCESS_VALUES:
        write_snapshots(store)
        return
    environment = {**os.environ, "TARGETS_DATABASE_URL": store.url}
    subprocess.run([sys.executable, "-m", "targets", "snapshot"], env=environment,
                   stdout=subprocess.DEVNULL, check=False)
