"""Shared test data: the demo organizations' addressing and label checking."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from privdesk.intake import OrgAddressing, detect, parse_intake_file

DATA = Path(__file__).resolve().parent.parent / "data" / "intake"
EXTRA = DATA / "extra"

DEMO_ORGS = (
    OrgAddressing(
        "mstis", ("MST Insurance Solutions", "MSTIS"), ("privacy@mstis.example", "privacy@mstis.com")
    ),
    OrgAddressing(
        "coverys",
        ("Coverys", "Medical Professional Mutual", "Med-IQ"),
        ("coverysprivacy@coverys.example", "coverysprivacy@coverys.com"),
    ),
    OrgAddressing(
        "lossexpress", ("LossExpress", "Loss Express"), ("info@lossexpress.example", "info@lossexpress.com")
    ),
)


def load_labels(folder: Path) -> dict[str, dict[str, object]]:
    return json.loads((folder / "labels.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Outcome:
    name: str
    expected: dict[str, object]
    actual: dict[str, object]

    @property
    def correct(self) -> bool:
        return self.expected == self.actual


def score(folder: Path) -> list[Outcome]:
    """Detection of every labelled file in ``folder`` compared field by field with its label."""
    outcomes = []
    for name, label in sorted(load_labels(folder).items()):
        found = detect(parse_intake_file(folder / name), DEMO_ORGS)
        expected = {k: label[k] for k in ("types", "jurisdiction", "agent", "organization", "is_request")}
        expected["types"] = sorted(expected["types"])  # type: ignore[arg-type]
        actual = {
            "types": sorted(found.types),
            "jurisdiction": found.jurisdiction,
            "agent": found.agent,
            "organization": found.organization,
            "is_request": found.is_request,
        }
        outcomes.append(Outcome(name, expected, actual))
    return outcomes
