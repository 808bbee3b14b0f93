"""Detection time on a 1 MB body: under 0.5 s, whatever the size, because detection reads a bounded
prefix (subject plus the first ``BODY_LIMIT`` characters) and every rule is linear in it.

The baseline, measured in the same run, is one case-insensitive regular expression over the whole
1 MB body: the cost of reading it once.

Run as a script (``python tests/benchmarks/bench_detection.py``) or with ``pytest -m benchmark``.
"""

from __future__ import annotations

import dataclasses
import re
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from privdesk.intake import detect, load_detection_rules, parse_intake_file  # noqa: E402

DATA = ROOT / "tests" / "data" / "intake"
LIMIT_S = 0.5


def _best(call, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(megabytes: float = 1.0) -> dict[str, float]:
    parsed = parse_intake_file(DATA / "sample-01.eml")
    paragraph = parsed.body_text + "\n\n"
    size = int(megabytes * 1024 * 1024)
    body = (paragraph * (size // len(paragraph) + 1))[:size]
    large = dataclasses.replace(parsed, body_text=body)
    small = dataclasses.replace(parsed, body_text=parsed.body_text)
    rules = load_detection_rules()
    pattern = re.compile(r"\bdelete\b", re.IGNORECASE)
    baseline = _best(lambda: sum(1 for _ in pattern.finditer(body)))
    ours = _best(lambda: detect(large, (), rules))
    single = _best(lambda: detect(small, (), rules))
    return {
        "megabytes": megabytes,
        "seconds": ours,
        "small_seconds": single,
        "baseline_seconds": baseline,
        "ratio_to_baseline": ours / baseline,
    }


def report(result: dict[str, float]) -> str:
    return (
        f"detection on a {result['megabytes']:.0f} MB body: {result['seconds'] * 1000:.0f} ms "
        f"(limit {LIMIT_S * 1000:.0f} ms; "
        f"the same email at its own size: {result['small_seconds'] * 1000:.1f} ms); "
        f"one regular expression over the whole body: {result['baseline_seconds'] * 1000:.0f} ms; "
        f"ratio {result['ratio_to_baseline']:.1f}x"
    )


@pytest.mark.benchmark
def test_one_megabyte_body() -> None:
    result = measure()
    print(report(result))
    assert result["seconds"] < LIMIT_S


if __name__ == "__main__":
    print(report(measure(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)))
