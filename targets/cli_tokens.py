"""The `targets token` commands: add (the secret shown once), revoke and list API tokens."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

Command = Callable[[argparse.Namespace], int]


def add_token_commands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `token add|revoke|list` to the `targets` parser; `--database` applies to them."""
    token = subparsers.add_parser("token", help="API tokens (read-only) for /api/v1: add, "
                                                "revoke, list")
    actions = token.add_subparsers(dest="token_command", required=True)

    add = actions.add_parser("add", help="make a read-only token; its secret is shown once")
    add.add_argument("name")
    add.add_argument("--by", default=None, metavar="NAME",
                     help="who makes it, for the record (default: the system user)")
    add.set_defaults(run=_handled(_add))

    revoke = actions.add_parser("revoke", help="revoke a token from now on")
    revoke.add_argument("name")
    revoke.set_defaults(run=_handled(_revoke))

    listing = actions.add_parser("list", help="every token (never its secret)")
    listing.set_defaults(run=_handled(_list))


def _handled(command: Command) -> Command:
    def run(args: argparse.Namespace) -> int:
        from etl.api_tokens import TokenError

        try:
            return command(args)
        except TokenError as error:
            print(f"错误 error: {error}", file=sys.stderr)
            return 2
    return run


def _tokens(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from etl.api_tokens import TokenStore
    from etl.store import Store

    return TokenStore(Store(args.database))


def _add(args: argparse.Namespace) -> int:
    by = args.by or f"system:{getpass.getuser()}"
    secret = _tokens(args).add(args.name, by=by)
    print(f"已创建只读令牌 {args.name.strip()}。令牌只显示这一次，请妥善保存 / created the "
          f"read-only token {args.name.strip()}. It is shown this once only: keep it safe",
          file=sys.stderr)
    print(secret)  # alone on standard output, for scripts
    return 0


def _revoke(args: argparse.Namespace) -> int:
    _tokens(args).revoke(args.name)
    print(f"已撤销令牌 {args.name} / revoked the token {args.name}", file=sys.stderr)
    return 0


def _list(args: argparse.Namespace) -> int:
    table = _tokens(args).list()
    header = (("名称", "范围", "创建者", "创建时间", "撤销时间", "最近使用") if args.lang == "zh"
              else ("name", "scope", "created_by", "created_at", "revoked_at", "last_used_at"))
    print("\t".join(header))
    for row in table.itertuples(index=False):
        print("\t".join("" if value is None or value != value else str(value)
                        for value in row))
    return 0
