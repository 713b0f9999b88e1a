"""The `targets user` commands: add a dashboard user, change a password, list the users."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from etl.schema import ROLES

# The store and the users' table are imported by the user commands alone, when they run:
# every other command builds this part of the parser too.

Command = Callable[[argparse.Namespace], int]


def add_user_commands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `user add|passwd|list` to the `targets` parser; `--database` applies to them."""
    user = subparsers.add_parser("user", help="dashboard users: add, passwd, list")
    actions = user.add_subparsers(dest="user_command", required=True)

    add = actions.add_parser("add", help="add a user (asks for the password twice)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--region", action="extend", nargs="+", default=[], metavar="CODE",
                     help="GB/T 2260 code of a region the user reports for (planners) or "
                          "reviews (reviewers: prefecture-level divisions)")
    _add_password_stdin(add)
    add.set_defaults(run=_handled(_add))

    passwd = actions.add_parser("passwd", help="set a user's password (asks twice)")
    passwd.add_argument("name")
    _add_password_stdin(passwd)
    passwd.set_defaults(run=_handled(_passwd))

    listing = actions.add_parser("list", help="every user with role and regions")
    listing.set_defaults(run=_handled(_list))


def _add_password_stdin(command: argparse.ArgumentParser) -> None:
    command.add_argument("--password-stdin", action="store_true",
                         help="read the password from the first line of standard input")


def _handled(command: Command) -> Command:
    def run(args: argparse.Namespace) -> int:
        from etl.users import InvalidUserError

        try:
            return command(args)
        except InvalidUserError as error:
            print(f"错误 error: {error}", file=sys.stderr)
            return 2
    return run


def _add(args: argparse.Namespace) -> int:
    from etl.store import Store
    from etl.users import UserStore

    users = UserStore(Store(args.database))
    users.check_new(args.name, args.role, args.region)  # before asking for a password
    user = users.add(args.name, args.role, read_password(args.password_stdin), args.region)
    regions = " ".join(sorted(user.regions))
    print(f"已添加用户 {user.name}（{user.role}）{regions} / "
          f"added user {user.name} ({user.role}) {regions}".rstrip(), file=sys.stderr)
    return 0


def _passwd(args: argparse.Namespace) -> int:
    from etl.store import Store
    from etl.users import InvalidUserError, UserStore

    users = UserStore(Store(args.database))
    if users.get(args.name) is None:
        raise InvalidUserError(f"没有此用户：{args.name}", f"no such user: {args.name}")
    users.set_password(args.name, read_password(args.password_stdin))
    print(f"已更改 {args.name} 的密码 / password of {args.name} changed", file=sys.stderr)
    return 0


def _list(args: argparse.Namespace) -> int:
    from etl.store import Store
    from etl.users import UserStore
    from indicators.regions import load_regions

    users = UserStore(Store(args.database)).all_users()
    register = load_regions()
    header = ("用户名", "角色", "地区") if args.lang == "zh" else ("name", "role", "regions")
    print("\t".join(header))
    for user in users:
        regions = ", ".join(f"{code} {register.name(code, args.lang)}"
                            for code in sorted(user.regions))
        print(f"{user.name}\t{user.role}\t{regions}")
    return 0


def read_password(from_stdin: bool) -> str:
    """The first line of standard input, or typed twice without echo (they must match)."""
    from etl.users import InvalidUserError

    if from_stdin:
        return sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    first = getpass.getpass("密码 password: ")
    if getpass.getpass("再输入一次 again: ") != first:
        raise InvalidUserError("两次输入的密码不一致", "the two passwords differ")
    return first
