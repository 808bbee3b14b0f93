"""``privdesk rules``: every rule file with the date its law applies from, its main periods and which
values are unconfirmed [U]; ``--markdown`` prints README's jurisdiction table."""

from __future__ import annotations

import argparse
from typing import Any

from privdesk.cli.core import EXIT_OK, emit


def cmd_rules(args: argparse.Namespace) -> int:
    from privdesk.domain.rules import load_rulebook
    from privdesk.domain.rules_summary import markdown_table, summarize

    summaries = summarize(load_rulebook())
    if args.markdown:
        print(markdown_table(summaries))
        return EXIT_OK
    lines = [
        f"{s.code:<6} {s.name:<16} {s.in_force or 'in force':<16} {s.respond}; appeal: {s.appeal}"
        + (f"\n       [U] {'; '.join(s.unconfirmed)}" if s.unconfirmed else "")
        for s in summaries
    ]
    emit(args, [s.to_json() for s in summaries], "\n".join(lines))
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser, groups: dict[str, Any]) -> None:
    p = sub.add_parser("rules", parents=[common], help="the rule files: in force from, periods, [U] values")
    p.add_argument("--markdown", action="store_true", help="README's jurisdiction table")
    p.set_defaults(no_db=cmd_rules)
