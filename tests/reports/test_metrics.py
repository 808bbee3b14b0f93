"""The §7102 metrics equal a plain count over a generated set of cases with known fates and dates."""

from __future__ import annotations

import io
import json
from collections import Counter

import pytest
from pypdf import PdfReader

from privdesk.cli import run
from privdesk.domain.reports import METRICS_FOOTNOTE
from privdesk.services.hub import Services
from privdesk.services.reports import ReportService
from tests.conftest import cli_database
from tests.reports.factory import ORGS, GenCase, generate, insert

GROUPS = {
    "know": {"know_categories", "know_specific", "portability"},
    "delete": {"delete"},
    "correct": {"correct"},
    "opt_out": {"opt_out_sale_share"},
    "limit": {"limit_sensitive"},
}
EXEMPT = {"exemption_glba", "exemption_hipaa_cmia", "exemption_fcra", "legal_obligation"}


def _median(values: list[int]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (ordered[mid - 1] + ordered[mid]) / 2


def expected(cases: list[GenCase], year: int, org: str | None) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for key, types in GROUPS.items():
        received = complied = denied = 0
        buckets: Counter[str] = Counter()
        days: list[int] = []
        for case in cases:
            if case.received_on.year != year or (org is not None and case.organization != org):
                continue
            for item in case.items:
                if item.request_type not in types:
                    continue
                received += 1
                if item.fate in ("fulfilled", "partly_fulfilled"):
                    complied += 1
                elif item.fate == "denied":
                    denied += 1
                    if "unverifiable" in item.reasons:
                        buckets["unverifiable"] += 1
                    elif "not_a_consumer" in item.reasons:
                        buckets["not_consumer"] += 1
                    elif EXEMPT & set(item.reasons):
                        buckets["exempt"] += 1
                    else:
                        buckets["other"] += 1
                else:
                    continue
                assert item.responded_on is not None
                days.append((item.responded_on - case.received_on).days)
        out[key] = {
            "received": received,
            "complied": complied,
            "denied": denied,
            "denied_unverifiable": buckets["unverifiable"],
            "denied_not_consumer": buckets["not_consumer"],
            "denied_exempt": buckets["exempt"],
            "denied_other": buckets["other"],
            "neither": received - complied - denied,
            "median_days": _median(days),
            "mean_days": round(sum(days) / len(days), 1) if days else None,
            "responses_timed": len(days),
        }
    return out


@pytest.fixture
def generated(services: Services) -> tuple[Services, list[GenCase]]:
    cases = generate()
    insert(services, cases)
    return services, cases


def test_generated_set_covers_the_edge_cases() -> None:
    cases = generate()
    fates = Counter(i.fate for c in cases if c.received_on.year == 2026 for i in c.items)
    assert all(
        fates[f] > 0
        for f in (
            "fulfilled",
            "partly_fulfilled",
            "denied",
            "withdrawn",
            "open",
            "redirected",
            "not_applicable",
        )
    )
    assert any(
        c.received_on.year == 2025 and i.responded_on and i.responded_on.year == 2026
        for c in cases
        for i in c.items
    )
    assert any(i.extended and i.fate == "fulfilled" for c in cases for i in c.items)


def test_metrics_equal_an_independent_count(generated: tuple[Services, list[GenCase]]) -> None:
    services, cases = generated
    reports = ReportService(services.ctx)
    for year in (2025, 2026):
        for org in (None, *ORGS):
            metrics = reports.metrics(year, org)
            want = expected(cases, year, org)
            got = {r.key: {k: getattr(r, k) for k in want[r.key]} for r in metrics.rows}
            assert got == want, (year, org)
            assert sum(r.received for r in metrics.rows) > 0


def test_year_end_and_jurisdiction_scope(
    generated: tuple[Services, list[GenCase]],
) -> None:
    services, _ = generated
    reports = ReportService(services.ctx)
    with_late = reports.metrics(2026)
    denied_know = next(r for r in with_late.rows if r.key == "know")
    # PD-EDGE-0001: received 2026-12-28, denied 2027-01-25 as unverifiable: a 2026 denial of 28 days.
    assert denied_know.denied_unverifiable >= 1
    assert reports.metrics(2027).rows[0].received == 0
    elsewhere = reports.metrics(2026, jurisdiction="US-VA")
    assert all(r.received == 0 for r in elsewhere.rows)
    assert "only requests handled under the US-VA rules" in elsewhere.footnote


def test_footnote_is_returned_and_printed(generated: tuple[Services, list[GenCase]]) -> None:
    services, _ = generated
    reports = ReportService(services.ctx)
    metrics = reports.metrics(2026, "acme")
    assert metrics.footnote == METRICS_FOOTNOTE
    html = reports.render_metrics(metrics, "html").decode()
    assert "<table>" in html and "Acme" in html and "How these numbers are counted" in html
    pdf = reports.render_metrics(metrics, "pdf")
    text = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    assert "Consumer privacy request metrics, 2026" in flat
    assert "How these numbers are counted" in flat
    know = next(r for r in metrics.rows if r.key == "know")
    assert f"Requests to know {know.received} {know.complied} {know.denied}" in flat
    csv_text = reports.render_metrics(metrics, "csv").decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("request,received,complied_in_whole_or_part,denied")
    assert csv_text.splitlines()[1].startswith(
        f"Requests to know,{know.received},{know.complied},{know.denied}"
    )


def test_metrics_command_prints_json(
    generated: tuple[Services, list[GenCase]], capsys: pytest.CaptureFixture[str]
) -> None:
    services, cases = generated
    db = cli_database(services)
    services.close()
    assert run(["--db", db, "report", "metrics", "--year", "2026", "--org", "globex", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    want = expected(cases, 2026, "globex")
    assert {m["key"]: m["received"] for m in payload["metrics"]} == {
        k: v["received"] for k, v in want.items()
    }
    assert payload["footnote"] == METRICS_FOOTNOTE


def test_unknown_organization_is_refused(services: Services) -> None:
    from privdesk.domain.errors import NotFound

    with pytest.raises(NotFound):
        ReportService(services.ctx).metrics(2026, "nope")
