from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privdesk.domain.errors import ValidationError
from privdesk.intake import detect, parse_email
from tests.intake.support import DATA

SAMPLE = (DATA / "sample-04.eml").read_bytes()
HEADERISH = st.lists(
    st.sampled_from(
        [
            b"From: ",
            b"To: ",
            b"Subject: =?utf-8?q?",
            b"Content-Type: multipart/mixed; boundary=",
            b"\n",
            b"\r\n",
            b"--",
            b"=?",
            b"?=",
            b"charset=x",
            b"Content-Transfer-Encoding: base64",
            b"<",
            b">",
            b"@",
        ]
    )
    | st.binary(max_size=20),
    max_size=40,
).map(b"".join)


def _parse(data: bytes) -> None:
    try:
        parsed = parse_email(data)
    except ValidationError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    detect(parsed)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data: bytes) -> None:
    _parse(data)


@settings(max_examples=300, deadline=None)
@given(HEADERISH)
def test_header_like_bytes(data: bytes) -> None:
    _parse(data)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(SAMPLE)), st.binary(max_size=30))
def test_mutated_real_email(cut: int, noise: bytes) -> None:
    _parse(SAMPLE[:cut] + noise + SAMPLE[cut + len(noise) :])
