"""Which way a letter goes to the printer on each system, and what is handed over (no printer needed:
the spooler and the shell are stand-ins that record what they were given)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from privdesk.ui.print_service import PrintCancelled, choose_route, send

LP = "/usr/bin/lp"


def _which(found: dict[str, str]) -> Any:
    return lambda name: found.get(name)


@pytest.mark.parametrize("platform", ["linux", "darwin"])
def test_linux_and_macos_hand_the_pdf_to_lp_with_printer_copies_and_title(platform: str) -> None:
    route = choose_route(
        platform, "Office_Laser", True, 2, "PD-2026-000012 Acknowledgement", _which({"lp": LP})
    )
    assert route.way == "spooler"
    assert route.argv == (LP, "-d", "Office_Laser", "-n", "2", "-t", "PD-2026-000012 Acknowledgement")


def test_without_lp_or_to_a_file_qt_paints_the_pages() -> None:
    assert choose_route("darwin", "Office_Laser", True, which=_which({})).way == "qt"
    assert choose_route("linux", "Office_Laser", False, which=_which({"lp": LP})).way == "qt"  # a PDF file
    assert choose_route("linux", "", True, which=_which({"lp": LP})).way == "qt"  # no printer chosen


def test_windows_uses_the_shell_printto_verb_naming_the_printer() -> None:
    route = choose_route("win32", "HP LaserJet 400 (Front desk)", True, 1, which=_which({"lp": LP}))
    assert (route.way, route.verb, route.argument) == ("shell", "printto", '"HP LaserJet 400 (Front desk)"')
    assert choose_route("win32", "HP LaserJet", True, 3).way == "qt"  # one copy per shell job


def test_the_spooler_gets_the_stored_bytes_and_its_refusal_is_reported() -> None:
    seen: list[tuple[list[str], bytes]] = []

    def run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        seen.append((argv, kwargs["input"]))
        return subprocess.CompletedProcess(argv, 0, b"request id is Office-12", b"")

    route = choose_route("darwin", "Office", True, which=_which({"lp": LP}))
    steps: list[tuple[int, int]] = []
    assert send(route, b"%PDF-1.4 letter", lambda d, t: steps.append((d, t)), run=run) == (
        "sent to the print service"
    )
    assert seen == [([LP, "-d", "Office", "-n", "1", "-t", "letter"], b"%PDF-1.4 letter")]
    assert steps == [(0, 1), (1, 1)]

    def refuse(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        return subprocess.CompletedProcess(argv, 1, b"", b"lp: The printer or class does not exist.")

    with pytest.raises(OSError, match="does not exist"):
        send(route, b"%PDF", run=refuse)
    with pytest.raises(PrintCancelled):
        send(route, b"%PDF", cancelled=lambda: True, run=run)


def test_the_shell_gets_a_private_copy_of_the_pdf() -> None:
    opened: list[tuple[str, str, str]] = []
    route = choose_route("win32", "Front desk", True)
    send(route, b"%PDF-1.4 letter", start_file=lambda *args: opened.append(args))
    [(path, verb, argument)] = opened
    assert (verb, argument) == ("printto", '"Front desk"')
    copy = Path(path)
    assert copy.read_bytes() == b"%PDF-1.4 letter"
    assert copy.stat().st_mode & 0o077 == 0  # only this user can read it
    copy.unlink()
    copy.parent.rmdir()
