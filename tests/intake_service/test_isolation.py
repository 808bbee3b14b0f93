"""One bad file costs that file alone: whatever goes wrong while reading it, the rest are imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from privdesk.services.hub import Services
from privdesk.services.intake import ImportFailureDTO, IntakeResultDTO
from tests.intake_service.support import DATA


def _batch(tmp_path: Path) -> list[Path]:
    files = []
    for index, path in enumerate(sorted(DATA.glob("sample-0[1-4].eml"))):
        target = tmp_path / f"{index}-{path.name}"
        target.write_bytes(path.read_bytes())
        files.append(target)
    return files


@pytest.mark.parametrize("charset", ["zlib", "idna", "punycode", "undefined"])
def test_a_charset_that_is_no_text_encoding_imports(inbox: Services, tmp_path: Path, charset: str) -> None:
    odd = tmp_path / "odd.eml"
    odd.write_bytes(
        b"From: Ana <ana@example.com>\r\nTo: privacy@mstis.example\r\nSubject: delete\r\n"
        b"Content-Type: text/plain; charset="
        + charset.encode()
        + b"\r\n\r\n"
        + "Please delete my personal information. Müller\r\n".encode()
    )
    outcomes = inbox.intake.import_files([*_batch(tmp_path), odd])
    assert all(isinstance(o, IntakeResultDTO) for o in outcomes), outcomes
    assert len(inbox.intake.pending()) == 5


def test_an_unexpected_failure_in_one_file_costs_that_file_alone(
    inbox: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import privdesk.services.intake.common as intake_service

    real = intake_service.parse_bytes

    def parse(data: bytes, filename: str = "", *args, **kwargs):  # type: ignore[no-untyped-def]
        if "sample-02" in filename:
            raise LookupError("unknown encoding: x-broken")
        return real(data, filename, *args, **kwargs)

    monkeypatch.setattr(intake_service, "parse_bytes", parse)
    outcomes = inbox.intake.import_files(_batch(tmp_path))
    failures = [o for o in outcomes if isinstance(o, ImportFailureDTO)]
    assert len(failures) == 1 and len(outcomes) == 4
    assert failures[0].error == "'1-sample-02.eml' could not be read (LookupError); its original is unchanged"
    assert len(inbox.intake.pending()) == 3
