"""Importing 1,000 emails through the inbox service (parse, detect, store original and attachments,
audit), stored a chunk at a time with a savepoint per file, with progress and a cancel check, as the
GUI's worker does.

The baseline, measured in the same run over the same files, is the least any import does: Python's
``email.message_from_bytes`` on each file and its bytes inserted into an SQLite table, all in one
transaction. The target is 200 emails per second on the reference machine.

Run as a script (``python tests/benchmarks/bench_import_service.py [COUNT]``) or with
``pytest -m benchmark``.
"""

from __future__ import annotations

import email
import email.policy
import re
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from privdesk.paths import resource  # noqa: E402
from privdesk.services.hub import Services  # noqa: E402
from privdesk.services.intake import BATCH_CHUNK, IntakeResultDTO  # noqa: E402

DATA = ROOT / "tests" / "data" / "intake"
COUNT = 1000
TARGET_PER_SECOND = 200
_MESSAGE_ID = re.compile(rb"^Message-ID:[^\r\n]*\r?\n", re.IGNORECASE | re.MULTILINE)


def write_corpus(folder: Path, count: int = COUNT) -> list[Path]:
    """``count`` files cycling through the samples, each with its own Message-ID."""
    samples = [p.read_bytes() for p in sorted(DATA.glob("*.eml")) + sorted((DATA / "extra").glob("*.eml"))]
    paths = []
    for n in range(count):
        data = _MESSAGE_ID.sub(b"", samples[n % len(samples)], count=1)
        path = folder / f"bench-{n:05d}.eml"
        path.write_bytes(f"Message-ID: <bench-{n}@bench.example>\r\n".encode() + data)
        paths.append(path)
    return paths


def baseline(paths: list[Path], folder: Path) -> float:
    start = time.perf_counter()
    connection = sqlite3.connect(folder / "baseline.db")
    connection.execute("CREATE TABLE m (id INTEGER PRIMARY KEY, subject TEXT, data BLOB)")
    with connection:
        for path in paths:
            data = path.read_bytes()
            msg = email.message_from_bytes(data, policy=email.policy.default)
            connection.execute("INSERT INTO m (subject, data) VALUES (?, ?)", (str(msg["subject"]), data))
    connection.close()
    return time.perf_counter() - start


def measure(count: int = COUNT) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        services = Services.open(str(folder / "bench.db"), actor="bench")
        try:
            for slug in ("mstis", "coverys", "lossexpress"):
                services.organizations.import_profile_file(resource("demo", f"{slug}.toml"))
            inputs = folder / "in"
            inputs.mkdir()
            paths = write_corpus(inputs, count)
            base = baseline(paths, folder)
            ticks: list[int] = []
            start = time.perf_counter()
            outcomes = services.intake.import_files(
                paths, progress=lambda done, total: ticks.append(done), cancelled=lambda: False
            )
            elapsed = time.perf_counter() - start
            imported = sum(isinstance(o, IntakeResultDTO) and o.duplicate_of is None for o in outcomes)
            pending = len(services.intake.pending())
        finally:
            services.close()
    return {
        "emails": float(count),
        "imported": float(imported),
        "pending": float(pending),
        "progress_ticks": float(len(ticks)),
        "seconds": elapsed,
        "emails_per_second": count / elapsed,
        "baseline_per_second": count / base,
        "ratio_to_baseline": elapsed / base,
    }


def report(result: dict[str, float]) -> str:
    return (
        f"service import: {result['emails_per_second']:.0f} emails/s "
        f"({result['imported']:.0f} of {result['emails']:.0f} imported in {result['seconds']:.1f} s, "
        f"{BATCH_CHUNK} per transaction; target {TARGET_PER_SECOND}/s); "
        f"bare parse + SQLite insert: {result['baseline_per_second']:.0f} emails/s; "
        f"ratio {result['ratio_to_baseline']:.1f}x the baseline time"
    )


@pytest.mark.benchmark
def test_service_import_throughput() -> None:
    result = measure()
    print(report(result))
    assert result["imported"] == result["pending"] == result["progress_ticks"] == COUNT
    assert result["emails_per_second"] > 10  # a floor: a morning's mailbox must import in minutes


if __name__ == "__main__":
    print(report(measure(int(sys.argv[1]) if len(sys.argv) > 1 else COUNT)))
