"""Composition root: the only module that wires every layer together."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence

from privdesk import cli
from privdesk.logsafe import configure_logging
from privdesk.paths import data_dir


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    # A read-only home must not stop the app; it then runs without a log file.
    with contextlib.suppress(OSError):
        configure_logging(data_dir() / "logs")
    parser = cli.build_parser()
    try:
        namespace, _ = parser.parse_known_args(args)
    except cli.UsageError:
        return cli.run(args)
    if namespace.command is None and not namespace.version:
        return run_gui(namespace.db, demo=namespace.demo)
    return cli.run(args)


def run_gui(db: str | None, *, demo: bool) -> int:
    from privdesk.ui.application import run

    target = cli.demo_database() if demo else db
    return run(target, demo=demo, env_db=os.environ.get("PRIVDESK_DB"))
