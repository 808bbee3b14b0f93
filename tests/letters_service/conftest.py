"""A demo database whose queued letters were all generated once, shared by the read-back tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from privdesk.domain.letterdata import LetterData
from privdesk.services.hub import Services
from privdesk.services.letters import OutboxLetterDTO
from tests.conftest import demo_target, fixed_now, pg_server
from tests.letters.pdftext import flat_text


@dataclass(frozen=True)
class GeneratedLetter:
    letter: OutboxLetterDTO
    data: LetterData
    pdf: bytes
    text: str


@dataclass(frozen=True)
class GeneratedDemo:
    services: Services
    letters: list[GeneratedLetter]

    def of_kind(self, kind: str) -> list[GeneratedLetter]:
        return [g for g in self.letters if g.letter.kind == kind]


@pytest.fixture(scope="module")
def generated_demo(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GeneratedDemo]:
    target = demo_target(demo_template, tmp_path_factory.mktemp("letters"), per_test=False)
    services = Services.open(target, actor="tester", now=fixed_now)
    found = []
    for letter in sorted(services.letters.outbox(status="queued"), key=lambda x: x.id):
        generated = services.letters.generate(letter.id)
        pdf = services.letters.stored_pdf(letter.id)
        found.append(GeneratedLetter(generated, services.letters.letter_data(letter.id), pdf, flat_text(pdf)))
    yield GeneratedDemo(services, found)
    services.close()
    if pg_server():
        from tests.pg import drop_database

        drop_database(target)
