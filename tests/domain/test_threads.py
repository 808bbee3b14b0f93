from __future__ import annotations

import pytest

from privdesk.domain.threads import MAX_REFERENCES, normalize_message_id, thread_ids


def test_thread_ids_nearest_first() -> None:
    references = "<first@a.example>\r\n <second@b.example>   <parent@c.example>"
    assert thread_ids("<parent@c.example> (Dana's message)", references) == [
        "<parent@c.example>",
        "<second@b.example>",
        "<first@a.example>",
    ]
    long = " ".join(f"<m{n}@x.example>" for n in range(100))
    found = thread_ids("", long)
    assert len(found) == MAX_REFERENCES and found[0] == "<m99@x.example>"
    assert thread_ids("", "") == [] and thread_ids("not an id", "<no-at-sign>") == []


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("<abc.123@mail.example>", "<abc.123@mail.example>"),
        ("  abc.123@mail.example ", "<abc.123@mail.example>"),
        ("< abc@x >", "<abc@x>"),
        ("sent from my phone", None),
        ("<two@x> <ids@y>", None),
        ("", None),
    ],
)
def test_a_typed_message_id_is_kept_in_the_headers_form(typed: str, kept: str | None) -> None:
    assert normalize_message_id(typed) == kept
