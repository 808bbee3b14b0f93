"""The project's labelled messages (sample, extra and labelled sets: over 100 messages of varied
style, written before the rules were read) scored per request type. Prints precision and recall
per type; no request may be missed: each is suggested, or at least shown as a possible request."""

from __future__ import annotations

from pathlib import Path

from privdesk.intake import detect, parse_intake_file
from privdesk.intake.detection import Detection
from tests.intake.support import DATA, DEMO_ORGS, EXTRA, load_labels

LABELLED = DATA / "labelled"
_FOLDERS = (DATA, EXTRA, LABELLED)


def _all() -> list[tuple[str, dict[str, object], Detection]]:
    found = []
    for folder in _FOLDERS:
        for name, label in sorted(load_labels(folder).items()):
            result = detect(parse_intake_file(Path(folder) / name), DEMO_ORGS)
            found.append((f"{folder.name}/{name}", label, result))
    return found


RESULTS = _all()


def _table() -> tuple[dict[str, tuple[int, int, int]], list[str]]:
    counts: dict[str, list[int]] = {}
    lines = []
    for _, label, result in RESULTS:
        expected = set(label["types"])  # type: ignore[arg-type]
        actual = set(result.types)
        for code in expected | actual:
            row = counts.setdefault(code, [0, 0, 0])  # true positive, false positive, false negative
            row[0] += code in expected and code in actual
            row[1] += code in actual and code not in expected
            row[2] += code in expected and code not in actual
    for code, (tp, fp, fn) in sorted(counts.items()):
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        lines.append(f"{code:20} precision {precision:5.0%}  recall {recall:5.0%}  ({tp + fn} labelled)")
    return {k: (v[0], v[1], v[2]) for k, v in counts.items()}, lines


def test_set_is_large_and_varied() -> None:
    assert len(RESULTS) >= 100
    requests = [r for r in RESULTS if r[1]["is_request"]]
    assert len(requests) >= 60 and len(RESULTS) - len(requests) >= 25


def test_precision_and_recall_per_type() -> None:
    counts, lines = _table()
    print("\n" + "\n".join(lines))
    [(n, r) for n, label, r in RESULTS if label["is_request"]]
    others = [(n, r) for n, label, r in RESULTS if not label["is_request"]]
    flagged = sum(1 for _, r in others if r.is_request)
    checked = sum(1 for _, r in others if r.possible)
    print(f"not requests: {flagged} of {len(others)} suggested as requests, {checked} as possible requests")
    total_tp = sum(tp for tp, _, _ in counts.values())
    total_fp = sum(fp for _, fp, _ in counts.values())
    total_fn = sum(fn for _, _, fn in counts.values())
    assert total_tp / (total_tp + total_fp) >= 0.85
    assert total_tp / (total_tp + total_fn) >= 0.85
    assert flagged <= len(others) // 10, [n for n, r in others if r.is_request]


def test_no_request_is_missed() -> None:
    missed = [name for name, label, r in RESULTS if label["is_request"] and not (r.is_request or r.possible)]
    assert missed == []


def test_every_suggestion_shows_its_phrases() -> None:
    for name, _, result in RESULTS:
        for code in result.types:
            assert result.evidence.get(code), (name, code)
