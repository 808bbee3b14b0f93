"""Every message of the shared real-world corpus (../shared/corpus: the .eml and .msg test fixtures of
public mail libraries) read as Python's ``email`` package reads it with ``policy=default``, or better.

- no exception other than a refusal, and a refusal only where Python finds no From/To/Subject/Date
  header either (a header-less MIME fragment, an empty file);
- no replacement character or raw "=?" in a subject or sender name that Python decodes cleanly;
- no message suggested as a request, nor as a possible one: none of these is a privacy request.
"""

from __future__ import annotations

import email
import email.policy
from functools import cache
from pathlib import Path

import pytest

from privdesk.domain.errors import ValidationError
from privdesk.intake import ParsedEmail, detect, parse_intake_file

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
_KEY = ("from", "to", "subject", "date", "message-id", "sender")

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="the shared real-world corpus (../shared/corpus) is not in this checkout"
)


def _files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in (".eml", ".msg"))


@cache
def _ours(path: Path) -> ParsedEmail | str:
    try:
        return parse_intake_file(path)
    except ValidationError as exc:
        return str(exc)


def _python_header(path: Path, name: str) -> str | None:
    """The header as Python decodes it; None when Python fails on it."""
    try:
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        return " ".join(str(msg.get(name, "")).split())
    except Exception:
        return None


def test_corpus_is_all_there() -> None:
    assert len(_files()) >= 379


@pytest.mark.parametrize("path", _files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_message(path: Path) -> None:
    result = _ours(path)
    if isinstance(result, str):
        assert "\n" not in result and len(result) < 300
        assert path.suffix == ".eml", f"an Outlook message was refused: {result}"
        python = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        found = [k for k in python if k.lower() in _KEY]
        assert not found, f"refused ({result}) though Python reads {found}"
        return
    if path.suffix == ".eml":
        expected = _python_header(path, "subject")
        if expected is not None and "\ufffd" not in expected and "=?" not in expected:
            assert "\ufffd" not in result.subject and "=?" not in result.subject, (expected, result.subject)
        sender = _python_header(path, "from")
        if sender is not None and "\ufffd" not in sender and "=?" not in sender:
            assert "\ufffd" not in result.from_name, (sender, result.from_name)
    else:
        assert "\ufffd" not in result.subject
    found = detect(result)
    assert not found.is_request and not found.possible, (found.types, found.evidence)
