"""Parse + detect throughput for email intake, against a bare ``email.message_from_bytes`` baseline.

Run as a script (``python tests/benchmarks/bench_intake.py``) or with ``pytest -m benchmark``.
"""

from __future__ import annotations

import email
import email.policy
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from privdesk.intake import OrgAddressing, detect, load_detection_rules, parse_email  # noqa: E402

DATA = ROOT / "tests" / "data" / "intake"
ORGS = (
    OrgAddressing("mstis", ("MST Insurance Solutions",), ("privacy@mstis.example",)),
    OrgAddressing("coverys", ("Coverys",), ("coverysprivacy@coverys.example",)),
    OrgAddressing("lossexpress", ("LossExpress",), ("info@lossexpress.example",)),
)
COUNT = 1000


def corpus(count: int = COUNT) -> list[bytes]:
    files = sorted(DATA.glob("*.eml")) + sorted((DATA / "extra").glob("*.eml"))
    samples = [p.read_bytes() for p in files]
    return [samples[i % len(samples)] for i in range(count)]


def measure(count: int = COUNT) -> dict[str, float]:
    messages = corpus(count)
    rules = load_detection_rules()
    start = time.perf_counter()
    for data in messages:
        email.message_from_bytes(data, policy=email.policy.default)
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    for data in messages:
        detect(parse_email(data), ORGS, rules)
    ours = time.perf_counter() - start
    return {
        "emails": float(count),
        "emails_per_second": count / ours,
        "baseline_emails_per_second": count / baseline,
        "ratio_to_baseline": ours / baseline,
    }


def report(result: dict[str, float]) -> str:
    return (
        f"parse + detect: {result['emails_per_second']:.0f} emails/s over {result['emails']:.0f} emails; "
        f"bare email.message_from_bytes: {result['baseline_emails_per_second']:.0f} emails/s; "
        f"ratio {result['ratio_to_baseline']:.1f}x the baseline time"
    )


@pytest.mark.benchmark
def test_intake_throughput() -> None:
    result = measure()
    print(report(result))
    assert result["emails_per_second"] > 50  # a generous floor: an import of a mailbox must not crawl


if __name__ == "__main__":
    print(report(measure(int(sys.argv[1]) if len(sys.argv) > 1 else COUNT)))
