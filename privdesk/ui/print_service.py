"""Handing a stored letter PDF to the operating system's print service, beside painting it with Qt.

The stored PDF is the record: printing the file itself sends the same vector pages, never images of
them. Which way a job goes (``choose_route``) depends only on the platform, the printer chosen in the
dialog and the tools found, so it is unit-tested on any system:

- Linux and macOS: CUPS ``lp -d PRINTER -n COPIES -t TITLE``, the PDF on its standard input;
- Windows: the shell's ``printto`` verb on a private temporary copy of the PDF, naming the printer
  (the application registered for PDF files prints it; one copy per job, so more copies go the Qt
  way); the copy is in the temporary-file ledger and is removed at the next start, since the
  application reads it after the call returns;
- otherwise (a PDF-file target, no printer name, no ``lp``): Qt paints the pages at the printer's
  resolution (``outbox.print_pdf``).

Only the Linux ``lp`` route is exercised on a real print service in this project; the macOS and
Windows routes are written to their documented interfaces and are untested on those systems.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Progress = Callable[[int, int], None]


class PrintCancelled(Exception):
    """The officer cancelled before the job was handed over."""


@dataclass(frozen=True)
class PrintRoute:
    way: Literal["spooler", "shell", "qt"]
    argv: tuple[str, ...] = ()  # spooler: the command; the PDF goes to its standard input
    verb: str = ""  # shell: the verb ("printto")
    argument: str = ""  # shell: the verb's argument (the quoted printer name)
    why: str = ""  # why this way, for the status line and the log

    @property
    def description(self) -> str:
        return {
            "spooler": "sent to the print service",
            "shell": "handed to the system's PDF application for printing",
            "qt": "painted page by page",
        }[self.way]


def choose_route(
    platform: str,
    printer_name: str,
    native: bool,
    copies: int = 1,
    title: str = "letter",
    which: Callable[[str], str | None] = shutil.which,
) -> PrintRoute:
    """The way a PDF goes to ``printer_name``. ``native`` is false for a PDF-file target."""
    if not native or not printer_name:
        return PrintRoute("qt", why="not a printer of the system (a file, or none chosen)")
    copies = max(1, copies)
    if platform.startswith("win"):
        if copies > 1:
            return PrintRoute("qt", why="the shell prints one copy per job")
        return PrintRoute("shell", verb="printto", argument=f'"{printer_name}"', why="Windows shell")
    spooler = which("lp")
    if spooler:
        argv = (spooler, "-d", printer_name, "-n", str(copies), "-t", title or "letter")
        return PrintRoute("spooler", argv=argv, why="CUPS lp")
    return PrintRoute("qt", why="no print spooler (lp) found")


def send(
    route: PrintRoute,
    data: bytes,
    report: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    run: Callable[..., subprocess.CompletedProcess[bytes]] = subprocess.run,
    start_file: Callable[..., None] | None = None,
) -> str:
    """Hand the PDF over by ``route`` (spooler or shell); returns how it was sent. Runs in a worker."""
    if cancelled is not None and cancelled():
        raise PrintCancelled()
    if report is not None:
        report(0, 1)
    if route.way == "spooler":
        completed = run(list(route.argv), input=data, capture_output=True, timeout=120, check=False)
        if completed.returncode != 0:
            message = completed.stderr.decode("utf-8", "replace").strip()
            raise OSError(message or "the print service refused the job")
    elif route.way == "shell":
        opener = start_file or getattr(os, "startfile", None)
        if opener is None:
            raise OSError("this system has no shell print verb")
        from privdesk.services.letters_common import print_copy  # the letter service, only when printing

        path = print_copy(data)
        opener(str(path), route.verb, route.argument)
    else:
        raise ValueError("the Qt route paints the pages itself")
    if report is not None:
        report(1, 1)
    return route.description


def platform_name() -> str:
    return sys.platform


__all__ = ["PrintCancelled", "PrintRoute", "choose_route", "platform_name", "send"]
