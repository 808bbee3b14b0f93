"""The full print run against bare ReportLab drawing the same letters and files in the same run.

privdesk: every letter checked (pre-flight: address fit, fonts, facts, template), the run laid out
once into the combined print file, cut into one PDF per letter, the address sheet and the labels,
and everything stored (hashed and written to disk). Bare ReportLab: the same text with the same fonts
and styles laid out into the combined file and, as a hand-written script must, once more per letter;
the same address sheet and labels; the same files written.

    python tests/benchmarks/bench_batch.py [count]
    pytest -m benchmark -s tests/benchmarks/bench_batch.py

Target: privdesk at most 1.5 x bare ReportLab.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import time
from pathlib import Path

import pytest

if __name__ == "__main__":  # make the repository importable when run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from privdesk.domain.letterdata import LetterData
from privdesk.letters import fonts, preflight
from privdesk.letters.batch import address_sheet, labels, letter_filename, split_pdf
from privdesk.letters.layout import build_pdf
from tests.benchmarks.bench_letters import bare_reportlab_run, make_letters

TARGET_RATIO = 1.5


def _store(folder: Path, files: list[tuple[str, bytes]]) -> None:
    for name, data in files:
        hashlib.sha256(data).hexdigest()
        (folder / name).write_bytes(data)


def privdesk_run(letters: list[LetterData], folder: Path) -> float:
    start = time.perf_counter()
    checked = [preflight.check(d) for d in letters]
    prepared = [c.prepared for c in checked if c.printable and c.prepared is not None]
    pages: list[int] = []
    combined = build_pdf(prepared, page_counts=pages)
    singles = split_pdf(combined, pages)
    addresses = [p.data.recipient.all_lines() for p in prepared]
    files = [
        ("mail.pdf", combined),
        ("addresses.pdf", address_sheet(addresses, [p.data.reference for p in prepared])),
        ("labels.pdf", labels(addresses)),
        *((letter_filename(p.data), pdf) for p, pdf in zip(prepared, singles, strict=True)),
    ]
    _store(folder, files)
    return time.perf_counter() - start


def bare_run(letters: list[LetterData], folder: Path) -> float:
    """The text is produced outside the timing (as in bench_letters); the drawing is timed."""
    seconds = bare_reportlab_run(letters)  # the combined file
    for data in letters:  # one file per letter: laid out again, as a script without splitting does
        seconds += bare_reportlab_run([data])
    start = time.perf_counter()
    addresses = [d.recipient.all_lines() for d in letters]
    files = [
        ("addresses.pdf", address_sheet(addresses, [d.reference for d in letters])),
        ("labels.pdf", labels(addresses)),
    ]
    _store(folder, files)
    return seconds + time.perf_counter() - start


def measure(count: int = 500, repeats: int = 2) -> tuple[float, float, float]:
    fonts.register_fonts()
    letters = [d for d in make_letters(count) if preflight.check(d).printable]
    with tempfile.TemporaryDirectory() as tmp:
        warm = Path(tmp)
        privdesk_run(letters[:20], warm)
        bare_run(letters[:20], warm)
        ours, bare, once = float("inf"), float("inf"), float("inf")
        for _ in range(repeats):
            ours = min(ours, privdesk_run(letters, warm))
            bare = min(bare, bare_run(letters, warm))
            once = min(once, bare_reportlab_run(letters))
    return ours, bare, once


def report(count: int = 500) -> float:
    ours, bare, once = measure(count)
    ratio = ours / bare
    print(f"privdesk print run: {count} letters in {ours:.2f} s ({count / ours:.0f} letters/s)")
    print(f"bare ReportLab:     {count} letters in {bare:.2f} s (combined file and one file per letter)")
    print(f"ratio {ratio:.2f} (target <= {TARGET_RATIO})")
    print(f"bare ReportLab, the combined file alone: {once:.2f} s ({ours / once:.2f}x)")
    return ratio


@pytest.mark.benchmark
def test_full_print_run_within_target_of_bare_reportlab() -> None:
    assert report(500) <= TARGET_RATIO


if __name__ == "__main__":
    sys.exit(0 if report(int(sys.argv[1]) if len(sys.argv) > 1 else 500) <= TARGET_RATIO else 1)
