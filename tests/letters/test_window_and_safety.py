"""Addresses stay inside the envelope windows; data cannot break the markup; templates are sandboxed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from privdesk.domain.errors import ValidationError
from privdesk.domain.letterdata import LetterKind, PostalAddress
from privdesk.letters import (
    LetterRenderer,
    TemplateError,
    UnprintableTextError,
    geometry,
    render_template_text,
)
from privdesk.letters.fonts import unsupported_characters
from privdesk.letters.templating import BulletBlock, HeadingBlock, ParagraphBlock, TableBlock
from tests.letters.pdftext import flat_text, words
from tests.letters.sample_letters import LOSSEXPRESS_EU, sample

RENDERER = LetterRenderer()
LONG_ADDRESS = PostalAddress(
    "Maximilian Alexander Worthington-Smythe",
    ("Apartment 1204, Building C", "10400 Wilshire Boulevard", "Los Angeles, CA 90024-4505"),
)


def _address_words(
    pdf: bytes, address: PostalAddress, g: geometry.PageGeometry
) -> list[dict[str, float | str]]:
    """The recipient's words printed in the page head (above the body, left of the date block)."""
    wanted = {w for line in address.all_lines() for w in line.split()}
    found = [
        w
        for w in words(pdf)
        if w["text"] in wanted
        and float(w["top"]) < g.first_body_top
        and float(w["x0"]) < g.info_box.left
        and float(w["top"]) > g.return_box.bottom - 0.5
    ]
    assert {w["text"] for w in found} == wanted
    return found


@pytest.mark.parametrize(
    ("letterhead_change", "box", "window"),
    [
        (
            {},
            geometry.US_LETTER.address_box,
            geometry.ENVELOPE_10.always_visible(geometry.ENVELOPE_10.window),
        ),
        ({"page_size": "a4"}, geometry.A4_DIN_B.address_box, geometry.A4_DIN_WINDOW),
    ],
    ids=["us-letter-10", "a4-din-b"],
)
@pytest.mark.parametrize(
    "address", [sample(LetterKind.ACKNOWLEDGEMENT).recipient, LONG_ADDRESS], ids=["short", "long"]
)
def test_recipient_address_lies_inside_the_window(letterhead_change, box, window, address) -> None:  # type: ignore[no-untyped-def]
    data = sample(LetterKind.ACKNOWLEDGEMENT)
    data = replace(data, recipient=address, letterhead=replace(data.letterhead, **letterhead_change))
    pdf = RENDERER.render(data)
    for word in _address_words(pdf, address, geometry.geometry_for(data.letterhead.page_size)):
        coords = (float(word["x0"]), float(word["top"]), float(word["x1"]), float(word["bottom"]))
        assert box.contains(*coords), (word["text"], coords, box)
        assert window.contains(*coords)


def test_an_address_too_long_for_the_window_is_refused() -> None:
    lines = tuple(f"Line {i} of a very long address" for i in range(8))
    data = replace(sample(LetterKind.ACKNOWLEDGEMENT), recipient=PostalAddress("Someone", lines))
    with pytest.raises(ValidationError, match="window"):
        RENDERER.render(data)


def test_markup_in_data_prints_literally() -> None:
    name = "Smith & <b>Jones</b>"
    data = replace(sample(LetterKind.DELETION_DENIED), recipient=PostalAddress(name, ("1 Main St",)))
    data = replace(
        data, items=(replace(data.items[0], reason_text="| fake | cell |\n# not a heading **x** <i>y</i>"),)
    )
    text = flat_text(RENDERER.render(data))
    assert "Dear Smith & <b>Jones</b>," in text
    assert "| fake | cell | # not a heading **x** <i>y</i>" in text


def test_values_cannot_inject_line_markup() -> None:
    blocks = render_template_text(
        "Name: {{ a }}\n{{ b }}\n{{ c }}", {"a": "x | y", "b": "# H", "c": "- item\n===\n@signature"}
    )
    assert [type(b) for b in blocks] == [ParagraphBlock]


def test_template_markup_becomes_blocks() -> None:
    source = "# Heading\nSome **bold** text\nnext line\n\n- a bullet\n| A | B |\n\n| 1 | {{ v }} |\n"
    blocks = render_template_text(source, {"v": "2 & 3"})
    assert blocks[0] == HeadingBlock("Heading", 1)
    assert blocks[1] == ParagraphBlock("Some <b>bold</b> text<br/>next line", 2)
    assert isinstance(blocks[2], BulletBlock)
    assert blocks[3] == TableBlock(("A", "B"), (("1", "2 &amp; 3"),), 6)


def test_template_error_names_the_line() -> None:
    data = sample(LetterKind.ACKNOWLEDGEMENT)
    with pytest.raises(TemplateError) as err:
        RENDERER.render(data, "Dear {{ consumer_name }},\n\nYour request of {{ recieved_date }} is noted.\n")
    assert err.value.line == 3
    assert "line 3" in str(err.value) and "recieved_date" in str(err.value)


def test_template_syntax_error_names_the_line() -> None:
    with pytest.raises(TemplateError) as err:
        RENDERER.render(sample(LetterKind.ACKNOWLEDGEMENT), "one\ntwo\n{% if reference %}\nthree\n")
    assert err.value.line is not None and err.value.line >= 3


def test_unclosed_bold_and_bad_inline_markup_are_template_errors() -> None:
    data = sample(LetterKind.ACKNOWLEDGEMENT)
    with pytest.raises(TemplateError, match="line 2"):
        RENDERER.render(data, "fine\nthis is **not closed\n")
    with pytest.raises(TemplateError, match="line 3: invalid markup"):
        RENDERER.render(data, "fine\n\n<b>unclosed tag\n")


@pytest.mark.parametrize(
    "attack",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ reference.__class__.__mro__ }}",
        "{{ letter.__init__.__globals__ }}",
        "{{ recipient.all_lines.__func__.__globals__['__builtins__'] }}",
        "{% for c in ''.__class__.__mro__[1].__subclasses__() %}{{ c }}{% endfor %}",
    ],
)
def test_sandbox_refuses_reaching_python(attack: str) -> None:
    with pytest.raises(TemplateError, match="not allowed"):
        RENDERER.render(sample(LetterKind.ACKNOWLEDGEMENT), "Hello\n" + attack + "\n")


def test_unsupported_script_is_refused_with_the_field_named() -> None:
    assert unsupported_characters("王小明") == {"王", "小", "明"}
    assert unsupported_characters("தமிழ்") == set("தமிழ்")
    assert unsupported_characters("Nguyễn Thị Hương Γιώργος Straße Łódź") == set()
    data = replace(sample(LetterKind.ACKNOWLEDGEMENT), recipient=PostalAddress("தமிழ்செல்வி", ("1 Main St",)))
    with pytest.raises(UnprintableTextError) as err:
        RENDERER.render(data)
    assert "recipient.name" in err.value.problems
    assert "TAMIL" in str(err.value)


def test_unprintable_template_text_is_refused() -> None:
    with pytest.raises(UnprintableTextError, match="template text"):
        RENDERER.render(sample(LetterKind.ACKNOWLEDGEMENT), "Greetings 你好\n")


def test_officer_edited_template_is_used() -> None:
    source = RENDERER.default_template_source("acknowledgement", "ccpa").replace(
        "Thank you for contacting", "We appreciate you writing to"
    )
    text = flat_text(RENDERER.render(sample(LetterKind.ACKNOWLEDGEMENT), source))
    assert "We appreciate you writing to MST Insurance Solutions" in text


def test_family_specific_template_is_preferred() -> None:
    assert "Article 15" in RENDERER.default_template_source("know_specific_response", "gdpr")
    assert "Article 15" not in RENDERER.default_template_source("know_specific_response", "ccpa")
    data = replace(sample(LetterKind.EXTENSION_NOTICE), jurisdiction_family="gdpr", letterhead=LOSSEXPRESS_EU)
    assert "two further months" in flat_text(RENDERER.render(data))
