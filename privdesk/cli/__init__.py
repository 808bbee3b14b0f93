"""The command line (DESIGN.md §7). ``core`` holds the parser and the foundation commands; every other
module of this package registers a group of commands with ``register(subparsers, common)``."""

from privdesk.cli.core import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    build_parser,
    demo_database,
    emit,
    run,
)

__all__ = [
    "EXIT_ERROR",
    "EXIT_OK",
    "EXIT_USAGE",
    "UsageError",
    "build_parser",
    "demo_database",
    "emit",
    "run",
]
