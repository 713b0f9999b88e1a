"""The `targets progress`, `targets calendar` and `targets review` commands: who has reported
what, the reporting calendar, and an admin's unlock of an accepted region-year."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from targets.cli_parser import year

# The store, the catalogue and the review workflow are imported by these commands alone, when
# they run: every other command builds this part of the parser too.
if TYPE_CHECKING:
    from etl.store import Store
    from etl.users import User
    from indicators.reference import Reference
    from indicators.regions import RegionRegister

PROGRESS_COLUMNS = ["region_code", "region", "state", "missing", "draft", "submitted",
                    "approved", "accepted", "overdue", "due_on"]


def add_review_commands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `progress`, `calendar set|list` and `review unlock`; `--database` applies."""
    progress = subparsers.add_parser(
        "progress", help="per region: values missing, in draft, submitted, approved, "
                         "accepted, and overdue, for one year")
    progress.add_argument("--year", type=year, required=True)
    progress.add_argument("--region", action="append", default=[], metavar="CODE|NAME",
                          help="only these regions (repeatable)")
    progress.add_argument("--format", choices=["table", "csv", "json"], default="table")
    progress.add_argument("-o", "--output", type=Path, help="write to FILE instead of the screen")
    progress.set_defaults(run=_progress)

    calendar = subparsers.add_parser("calendar", help="the reporting calendar: set, list")
    dates = calendar.add_subparsers(dest="calendar_command", required=True)
    setting = dates.add_parser("set", help="set when a year's values are due")
    setting.add_argument("--year", type=year, required=True)
    setting.add_argument("--due", type=_date, required=True, help="YYYY-MM-DD")
    setting.add_argument("--indicator", action="extend", nargs="+", default=[],
                         metavar="ID_OR_NAME", help="indicators by id or Chinese or English "
                         "name (default: every indicator reported that year)")
    setting.add_argument("--by", required=True, metavar="ADMIN_NAME",
                         help="the admin who sets the date (recorded)")
    setting.set_defaults(run=_calendar_set)
    listing = dates.add_parser("list", help="when each indicator's values of a year are due")
    listing.add_argument("--year", type=year, required=True)
    listing.set_defaults(run=_calendar_list)

    review = subparsers.add_parser("review", help="the review workflow: unlock")
    steps = review.add_subparsers(dest="review_command", required=True)
    unlock = steps.add_parser("unlock", help="unlock an accepted region-year (an admin, with "
                                             "a reason, recorded)")
    unlock.add_argument("--region", required=True, metavar="CODE|NAME")
    unlock.add_argument("--year", type=year, required=True)
    unlock.add_argument("--reason", required=True)
    unlock.add_argument("--by", required=True, metavar="ADMIN_NAME",
                        help="the name of an admin user (see `targets user list`)")
    unlock.set_defaults(run=_unlock)


# --- progress --------------------------------------------------------------------------------

def _progress(args: argparse.Namespace) -> int:
    from etl.extract import write_extract
    from etl.reporting import progress, progress_by_region
    from etl.review import STATE_TEXT, Review
    from etl.store import Store
    from indicators.calendar import reportable
    from indicators.reference import Reference

    store, reference = Store(args.database), Reference.load()
    expected = reportable(reference, args.year)
    if args.region:
        codes = {_region_code(reference.register, given) for given in args.region}
        expected = expected[expected["region_code"].isin(codes)]
    frame = progress_by_region(progress(store, args.year, expected))
    states = Review(store, reference.register).submissions(args.year)
    held = dict(zip(states["region_code"], states["state"], strict=True))
    frame["state"] = [held.get(code, "draft") for code in frame["region_code"]]
    names = reference.register.regions.drop_duplicates("code").set_index("code")
    frame["region"] = frame["region_code"].map(names[f"name_{args.lang}"])
    frame = frame.reindex(columns=PROGRESS_COLUMNS)
    if args.format != "table":
        frame["due_on"] = frame["due_on"].map(lambda d: d.isoformat())
        write_extract(frame, args.format, args.output)
        return 0
    shown = frame.assign(state=frame["state"].map(
        lambda s: STATE_TEXT[s][0 if args.lang == "zh" else 1]))
    if args.lang == "zh":
        shown.columns = ["代码", "地区", "状态", "缺报", "草稿", "已报送", "已审核", "已确认",
                         "逾期", "最早截止"]
    text = shown.to_string(index=False) + "\n"
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
    return 0


def _region_code(register: RegionRegister, given: str) -> str:
    """A region's code from its code or its Chinese or English name."""
    from targets.cli import UserError

    regions = register.regions
    given = given.strip()
    if given in set(regions["code"]):
        return given
    named = regions[(regions["name_zh"] == given) | (regions["name_en"].str.lower()
                                                      == given.lower())]
    codes = named["code"].unique()
    if len(codes) == 1:
        return str(codes[0])
    if len(codes) > 1:
        raise UserError(f"地区名称 {given} 不唯一，请用代码：{'、'.join(codes)} / the region "
                        f"name {given} is ambiguous; use a code: {', '.join(codes)}")
    raise UserError(f"没有此地区：{given} / no such region: {given}")


# --- the reporting calendar ------------------------------------------------------------------

def _calendar_set(args: argparse.Namespace) -> int:
    import datetime as dt

    from etl.reporting import set_deadline
    from etl.store import Store
    from indicators.calendar import reportable
    from indicators.reference import Reference
    from targets.cli import UserError, say

    store, reference = Store(args.database), Reference.load()
    _admin(store, reference.register, args.by, "设置截止日期", "set due dates")
    if args.due <= dt.date(args.year, 12, 31):
        raise UserError(f"{args.year} 年数值的截止日期须在该年结束之后（{args.year + 1}-01-01 "
                        f"或以后），而不是 {args.due.isoformat()} / the values of {args.year} "
                        f"can only be due after the year ends ({args.year + 1}-01-01 or later), "
                        f"not {args.due.isoformat()}")
    indicators = [_indicator_id(reference, given) for given in args.indicator] or \
        list(reportable(reference, args.year)["indicator_id"].unique())
    count = set_deadline(store, indicators, args.year, args.due, by=args.by)
    say(f"已设置 {count} 个指标 {args.year} 年数值的截止日期为 {args.due.isoformat()}",
        f"set the due date of {count} indicators' {args.year} values to "
        f"{args.due.isoformat()}")
    return 0


def _indicator_id(reference: Reference, given: str) -> str:
    """An indicator by id or by its Chinese or English name."""
    from targets.cli import UserError

    frame = reference.catalogue.indicators_frame
    text = given.strip()
    for column in ("indicator_id", "indicator_zh", "indicator_en"):
        found = frame.loc[frame[column].str.casefold() == text.casefold(), "indicator_id"]
        if len(found):
            return str(found.iloc[0])
    raise UserError(f"没有此指标：{given}（可写指标代码或中文、英文名称）/ no such indicator: "
                    f"{given} (give its id or its Chinese or English name)")


def _admin(store: Store, register: RegionRegister, name: str, doing_zh: str,
           doing_en: str) -> User:
    """The user `name`, who must exist and be an admin to do what the command does."""
    from etl.users import UserStore
    from targets.cli import UserError

    user = UserStore(store, register).get(name)
    if user is None:
        raise UserError(f"没有此用户：{name} / no such user: {name}")
    if not user.is_admin:
        raise UserError(f"只有管理员可以{doing_zh}，{name} 不是管理员 / only an admin may "
                        f"{doing_en}; {name} is not an admin")
    return user


def _calendar_list(args: argparse.Namespace) -> int:
    from etl.reporting import deadlines, deadlines_set
    from etl.store import Store
    from indicators.calendar import reportable
    from indicators.reference import Reference

    store, reference = Store(args.database), Reference.load()
    ids = list(reportable(reference, args.year)["indicator_id"].unique())
    chosen = deadlines_set(store, args.year).set_index("indicator_id")
    ids += [i for i in chosen.index if i not in ids]
    due = deadlines(store, args.year, ids)
    names = reference.catalogue.indicators_frame.set_index("indicator_id")[
        f"indicator_{args.lang}"]
    header = ("指标", "名称", "截止日期", "设置人") if args.lang == "zh" else (
        "indicator", "name", "due", "set by")
    default = "（默认）" if args.lang == "zh" else "(default)"
    print("\t".join(header))
    for indicator in ids:
        by = chosen.at[indicator, "set_by"] if indicator in chosen.index else default
        print(f"{indicator}\t{names.get(indicator, '')}\t{due[indicator].isoformat()}\t{by}")
    return 0


# --- review ----------------------------------------------------------------------------------

def _unlock(args: argparse.Namespace) -> int:
    from etl.review import Review, ReviewRefused
    from etl.store import Store
    from indicators.regions import load_regions
    from targets.cli import say

    store, register = Store(args.database), load_regions()
    user = _admin(store, register, args.by, "解锁", "unlock")
    code = _region_code(register, args.region)
    try:
        Review(store, register).act(user, "unlock", code, args.year, args.reason)
    except ReviewRefused as refused:
        say(refused.zh, refused.en)
        return 1
    say(f"已解锁 {register.name(code, 'zh')} {args.year} 年的数值（{args.by}）：现为草稿",
        f"unlocked {register.name(code, 'en')} {args.year} ({args.by}): it is a draft again")
    return 0


# --- argument types --------------------------------------------------------------------------

def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"不是日期 not a date (YYYY-MM-DD): {text!r}") \
            from error
