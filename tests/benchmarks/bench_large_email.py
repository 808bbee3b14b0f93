"""A 45 MB plain-text email (under the 50 MB file limit) imported through the inbox service: under
10 s and under 500 MB of peak memory on the reference machine. The parser reads the headers; the body
of a message of one text part is decoded straight from the file's bytes (no parser lines, no joined
payload), and detection reads a bounded prefix.

Each import runs in a fresh child process so its peak resident memory (``ru_maxrss``) is its own.
The baseline, measured in the same run, is Python's bare ``email.message_from_bytes`` on the same
bytes in a child of its own.

Run as a script (``python tests/benchmarks/bench_large_email.py [MB]``) or with ``pytest -m benchmark``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SIZE_MB = 45
TIME_LIMIT_S = 10.0
MEMORY_LIMIT_MB = 500.0


def write_email(path: Path, megabytes: int = SIZE_MB) -> None:
    """A consumer's deletion request followed by a pasted log: ``megabytes`` of 7-bit text lines."""
    head = (
        b"From: Ana Ruiz <ana.ruiz@example.com>\r\nTo: privacy@mstis.example\r\n"
        b"Subject: Please delete my data\r\nDate: Mon, 2 Mar 2026 09:00:00 -0800\r\n"
        b"Message-ID: <large-1@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        b"I am a California resident. Please delete my personal information.\r\n"
        b"The error log the app showed me is below.\r\n\r\n"
    )
    line = b"2026-03-02 09:00:00 INFO worker-7 request served in 12 ms, cache hit, nothing to report\r\n"
    with path.open("wb") as out:
        out.write(head)
        target = megabytes * 1024 * 1024
        block = line * 4096
        written = len(head)
        while written + len(block) <= target:
            out.write(block)
            written += len(block)
        out.write(line * ((target - written) // len(line)))


_CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    from pathlib import Path
    mode, path, db = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    start = time.perf_counter()
    if mode == "baseline":
        import email, email.policy
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        ok = len(msg.get_content()) > 0
    else:
        from privdesk.paths import resource as bundled
        from privdesk.services.hub import Services
        from privdesk.services.intake import IntakeResultDTO
        services = Services.open(db, actor="bench")
        services.organizations.import_profile_file(bundled("demo", "mstis.toml"))
        start = time.perf_counter()
        outcome = services.intake.import_files([path])[0]
        ok = isinstance(outcome, IntakeResultDTO) and outcome.types == ["delete"]
        services.close()
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "peak_mb": peak, "ok": ok}))
    """
)


def _child(mode: str, path: Path, db: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, mode, str(path), str(db)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def measure(megabytes: int = SIZE_MB) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "large.eml"
        write_email(path, megabytes)
        baseline = _child("baseline", path, Path(tmp) / "unused.db")
        ours = _child("import", path, Path(tmp) / "bench.db")
    return {
        "megabytes": float(megabytes),
        "seconds": ours["seconds"],
        "peak_mb": ours["peak_mb"],
        "ok": float(bool(ours["ok"])),
        "baseline_seconds": baseline["seconds"],
        "baseline_peak_mb": baseline["peak_mb"],
        "time_ratio": ours["seconds"] / baseline["seconds"],
        "memory_ratio": ours["peak_mb"] / baseline["peak_mb"],
    }


def report(result: dict[str, float]) -> str:
    return (
        f"{result['megabytes']:.0f} MB email imported in {result['seconds']:.1f} s "
        f"(limit {TIME_LIMIT_S:.0f} s), peak {result['peak_mb']:.0f} MB (limit {MEMORY_LIMIT_MB:.0f} MB); "
        f"bare email.message_from_bytes: {result['baseline_seconds']:.1f} s, "
        f"{result['baseline_peak_mb']:.0f} MB; "
        f"ratio {result['time_ratio']:.1f}x time, {result['memory_ratio']:.1f}x memory"
    )


@pytest.mark.benchmark
def test_large_plain_text_email() -> None:
    result = measure()
    print(report(result))
    assert result["ok"], "the request at the top of the email was not detected"
    assert result["seconds"] < TIME_LIMIT_S
    assert result["peak_mb"] < MEMORY_LIMIT_MB


if __name__ == "__main__":
    print(report(measure(int(sys.argv[1]) if len(sys.argv) > 1 else SIZE_MB)))
