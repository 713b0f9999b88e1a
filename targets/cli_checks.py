"""What the `targets` commands check before and around their work: the output format against
the file name, a read command's store exists, the years asked make sense, a store that cannot
be opened said as such."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import sqlalchemy as sa

from etl.store import Store, database_url

# The format a file name's extension says (`-o y.xlsx`); `x.datapackage.json` is a descriptor.
EXTENSION_FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet", ".json": "json"}


def _user_error(zh: str, en: str) -> Exception:
    from targets.cli import UserError

    return UserError(f"{zh} / {en}")


def format_of_name(output: Path, formats: list[str]) -> str | None:
    """The format `output`'s name says, or None when its extension says none."""
    if "datapackage" in formats and output.name.lower().endswith(".datapackage.json"):
        return "datapackage"
    return EXTENSION_FORMATS.get(output.suffix.lower())


# Formats a name may carry although it says another: a descriptor is JSON, SDMX-CSV is CSV.
COMPATIBLE = {("datapackage", "json"), ("sdmx-csv", "csv")}


def chosen_format(asked: str | None, output: Path | None, formats: list[str]) -> str:
    """The format to write: the one asked (--format), else the one the file name says, else
    the command's first. Refused (nothing written) when the two contradict each other, or the
    name says a format the command does not write."""
    named = format_of_name(output, formats) if output is not None else None
    if asked is not None and named is not None and asked != named \
            and (asked, named) not in COMPATIBLE:
        raise _user_error(
            f"--format {asked} 与文件名 {output} 不符（扩展名表示 {named}）；请改文件名或格式，"
            "未写入任何文件",
            f"--format {asked} contradicts the file name {output} (its extension says "
            f"{named}); change the name or the format; nothing was written")
    chosen = asked or named or formats[0]
    if chosen not in formats:
        raise _user_error(
            f"此命令不能写 {chosen} 格式（可用：{'、'.join(formats)}），未写入任何文件",
            f"this command cannot write {chosen} (it writes {', '.join(formats)}); "
            "nothing was written")
    return chosen


def resolve_format(args: argparse.Namespace) -> None:
    """args.format from --format and -o, for the commands that declare their `formats`."""
    formats = getattr(args, "formats", None)
    if formats:
        args.format = chosen_format(args.format, args.output, formats)


def existing_store(url: str | None) -> Store:
    """The store a read command reads: a SQLite file that does not exist is refused, not
    created empty (only the commands that write create a store)."""
    full = sa.engine.make_url(database_url(url))
    if full.get_backend_name() == "sqlite" and full.database not in (None, "", ":memory:") \
            and not Path(full.database).is_file():
        raise _user_error(f"数据库文件不存在：{full.database}",
                          f"no such database file: {full.database}")
    return Store(url)


def shown_url(url: str | None) -> str:
    """The database's URL as it may be shown: without its password."""
    try:
        return sa.engine.make_url(database_url(url)).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(?)"


def unreachable(error: Exception, url: str | None) -> tuple[str, str] | None:
    """The message for a database that cannot be opened or reached, or None for another
    failure."""
    if isinstance(error, (sa.exc.OperationalError, sa.exc.InterfaceError)):
        name = shown_url(url)
        return (f"无法打开或连接数据库 {name}；请检查 --database 的地址、文件路径和权限",
                f"cannot open or reach the database {name}; check the --database URL, the "
                "file's path and its permissions")
    if isinstance(error, sa.exc.ArgumentError):
        return (f"数据库地址无效：{url}", f"not a database URL: {url}")
    return None


def check_years(first: int | None, last: int | None) -> None:
    if first is not None and last is not None and first > last:
        raise _user_error(f"--from {first} 晚于 --to {last}，未导出任何内容",
                          f"--from {first} is after --to {last}; nothing was exported")


def as_of_note(store: Store, as_of: dt.datetime | None) -> tuple[str, str] | None:
    """A note when `as_of` is before the store's first write: nothing was there then."""
    if as_of is None:
        return None
    loads = store.loads()
    if loads.empty:
        return None
    first = pd_timestamp(loads["loaded_at"].min())
    if as_of < first:
        written = first.strftime("%Y-%m-%d %H:%M:%S UTC")
        return (f"注意：{as_of:%Y-%m-%d %H:%M} 时库中尚无数值；最早的数值写入于 {written}",
                f"note: the store held no value at {as_of:%Y-%m-%d %H:%M}; its first value was "
                f"written at {written}")
    return None


def pd_timestamp(value: object) -> dt.datetime:
    """A stored time as an aware UTC datetime (SQLite gives it without its zone)."""
    import pandas as pd

    moment = pd.Timestamp(value)
    moment = moment.tz_localize("UTC") if moment.tzinfo is None else moment.tz_convert("UTC")
    return moment.to_pydatetime()
