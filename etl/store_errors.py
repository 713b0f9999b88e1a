"""The store's refusals a caller acts on: a conflicting write, a write the database refused."""

from __future__ import annotations

import pandas as pd


class ConflictError(RuntimeError):
    """Someone else changed values since the writer read them; nothing was written."""

    def __init__(self, rows: pd.DataFrame) -> None:
        super().__init__(f"{len(rows)} value(s) changed by someone else")
        self.rows = rows


class StoreWriteError(RuntimeError):
    """The database refused a write (a full disk, a lost connection, a value it will not
    hold); the transaction was rolled back, so nothing was written. The message is for a
    person, in Chinese and English; the database's own error is the cause."""

    def __init__(self, problem_zh: str, problem_en: str) -> None:
        super().__init__(f"{problem_zh} / {problem_en}")
        self.problem_zh = problem_zh
        self.problem_en = problem_en

    @classmethod
    def of(cls, error: Exception) -> StoreWriteError:
        if _is_disk_full(error):
            return cls("数据库所在的磁盘已满，未写入任何数据；请联系管理员释放空间后重试",
                       "the database's disk is full; nothing was written. Ask the "
                       "administrator to free space, then try again")
        return cls("数据库无法写入，未写入任何数据；请稍后重试，如仍失败请联系管理员",
                   "the database could not write; nothing was written. Try again later, and "
                   "ask the administrator if it fails again")


# SQLite's SQLITE_FULL ("database or disk is full"); PostgreSQL's class 53 (insufficient
# resources: 53100 disk full) and the OS's ENOSPC in its message.
DISK_FULL_TEXTS = ("database or disk is full", "disk full", "no space left on device")


def _is_disk_full(error: Exception) -> bool:
    """`error` from SQLAlchemy (the driver's error its cause) or from the driver (COPY)."""
    orig = getattr(error, "orig", error)
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return str(code or "").startswith("53") or any(
        text in str(orig).lower() for text in DISK_FULL_TEXTS)
