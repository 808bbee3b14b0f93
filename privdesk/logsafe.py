"""Logging that keeps personal data out: tracebacks are logged as frames and exception type only.

An exception's message can quote the data it failed on (a name, an address, an SQL parameter),
so the message itself is never written to the log file.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import traceback
from pathlib import Path
from types import TracebackType


def safe_traceback(exc_type: type[BaseException], tb: TracebackType | None) -> str:
    frames = traceback.format_tb(tb) if tb is not None else []
    return "".join(frames) + f"{exc_type.__module__}.{exc_type.__qualname__} (message withheld)"


def log_exception(logger: logging.Logger, context: str, exc: BaseException) -> None:
    logger.error("%s\n%s", context, safe_traceback(type(exc), exc.__traceback__))


def configure_logging(folder: Path, level: int = logging.INFO) -> Path:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / "privdesk.log"
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    if os.name == "posix":
        os.chmod(path, 0o600)  # no personal data is logged, but paths and events are nobody else's
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
    return path
