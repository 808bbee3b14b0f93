"""The tap test: slide the folded sheet through its whole travel in a #10 envelope and look through
the windows at the printed page (read back from the PDF), the way a clerk taps an envelope on the desk."""

from __future__ import annotations

import io
from dataclasses import replace

import pdfplumber
import pytest

from privdesk.domain.letterdata import Letterhead, LetterKind, PostalAddress
from privdesk.letters import LetterRenderer, geometry
from privdesk.letters.geometry import ENVELOPE_10, AddressFitError, Box
from privdesk.letters.layout import address_fit
from tests.letters.sample_letters import COVERYS, LOSSEXPRESS, MSTIS, MSTIS_RETURN, sample

RENDERER = LetterRenderer()
G = geometry.US_LETTER
LONG_ORG = Letterhead(
    org_name="Pacific Northwest Mutual Casualty and Indemnity Reciprocal Exchange",
    legal_name="Pacific Northwest Mutual Casualty and Indemnity Reciprocal Exchange of Washington",
    address_lines=("1200 Sixth Avenue, Suite 3100", "Seattle, WA 98101-3148"),
    email="privacy-office@pnwmutual.example",
    phone="800-555-0199",
    signatory_name="Ngozi Adebayo-Thompson",
    signatory_title="Chief Privacy Officer",
)
ADDRESSES = {
    "two-lines": PostalAddress("Li Wei", ("Torrance, CA 90501",)),
    "four-lines": PostalAddress(
        "Maximilian Alexander Worthington-Smythe",
        ("Apartment 1204, Building C", "10400 Wilshire Boulevard", "Los Angeles, CA 90024-4505"),
    ),
    "accents": PostalAddress(
        "José Ñúñez-Østergård", ("1458 Alvarado Street, Apt 3", "Los Angeles, CA 90026")
    ),
}


def _page_objects(pdf: bytes) -> tuple[list[dict[str, float | str]], list[tuple[float, float, float, float]]]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        words = list(page.extract_words(x_tolerance=1.5))
        ink = [
            (float(o["x0"]), float(o["top"]), float(o["x1"]), float(o["bottom"]))
            for o in (*page.lines, *page.rects, *page.images, *page.curves)
        ]
    return words, ink


def _box(word: dict[str, float | str]) -> tuple[float, float, float, float]:
    return float(word["x0"]), float(word["top"]), float(word["x1"]), float(word["bottom"])


def _split(
    words: list[dict[str, float | str]],
    address: PostalAddress,
    sender: PostalAddress,
    g: geometry.PageGeometry = G,
) -> tuple[list[dict[str, float | str]], list[dict[str, float | str]], list[dict[str, float | str]]]:
    """The recipient's words, the return address's words and everything else on page 1."""
    wanted = {w for line in address.all_lines() for w in line.split()}
    returned = {w for line in sender.all_lines() for w in line.split()}
    if g.return_single_line:
        returned |= {"·", "…"}  # the DIN return line: parts joined by middle dots, cut with an ellipsis
    recipient, sender_words, other = [], [], []
    for word in words:
        top, x0 = float(word["top"]), float(word["x0"])
        if word["text"] in wanted and g.return_box.bottom < top < g.first_body_top and x0 < g.info_box.left:
            recipient.append(word)
        elif word["text"] in returned and top < g.address_rest_box.top and x0 < g.letterhead.left:
            sender_words.append(word)
        else:
            other.append(word)
    assert {w["text"] for w in recipient} == wanted
    assert {w["text"] for w in sender_words} <= returned and sender_words
    return recipient, sender_words, other


def _in_return_line(rect: tuple[float, float, float, float], g: geometry.PageGeometry) -> bool:
    box = g.return_box
    x0, top, x1, bottom = rect
    return (
        box.left - 0.5 <= x0 and x1 <= box.right + 0.5 and box.top - 0.5 <= top and bottom <= box.bottom + 0.5
    )


def _tap(
    pdf: bytes,
    address: PostalAddress,
    sender: PostalAddress,
    *,
    tapped_down: bool = False,
    g: geometry.PageGeometry = G,
    envelope: geometry.Envelope = ENVELOPE_10,
) -> None:
    words, ink = _page_objects(pdf)
    recipient, sender_words, other = _split(words, address, sender, g)
    positions = envelope.positions()
    if tapped_down:
        positions = [(side, down) for side, down in positions if down == envelope.vertical_travel]
    for side, down in positions:
        lower = envelope.seen(envelope.window, side, down)
        # A single-window envelope (DL) shows the return line through the address window.
        upper = lower if envelope.return_window is None else envelope.seen(envelope.return_window, side, down)
        where = f"sheet {side / 72:.3f} in sideways, {down / 72:.3f} in down"
        for word in recipient:
            assert lower.contains(*_box(word)), f"{word['text']!r} hidden with the {where}"
        for word in sender_words:
            assert upper.contains(*_box(word)), f"return {word['text']!r} hidden with the {where}"
        for word in other:
            for window in (lower, upper):
                assert not window.overlaps(*_box(word)), f"{word['text']!r} shows through with the {where}"
        for rect in ink:
            if g.return_single_line and _in_return_line(rect, g):
                continue  # the DIN return line's underline belongs to it
            for window in (lower, upper):
                assert not window.overlaps(*rect), f"a line or image at {rect} shows with the {where}"


@pytest.mark.parametrize("letterhead", [MSTIS, COVERYS, LOSSEXPRESS, LONG_ORG], ids=lambda h: h.org_name[:12])
@pytest.mark.parametrize("address", list(ADDRESSES.values()), ids=list(ADDRESSES))
def test_the_address_shows_and_nothing_else_does_wherever_the_sheet_slides(letterhead, address) -> None:  # type: ignore[no-untyped-def]
    data = replace(
        sample(LetterKind.UNVERIFIABLE), letterhead=letterhead, recipient=address, return_address=None
    )
    pdf = RENDERER.render(data)
    _tap(pdf, address, data.sender_address)
    assert address_fit(data).size >= 8


def test_a_return_address_with_an_attention_line_stays_in_the_upper_window() -> None:
    data = replace(sample(LetterKind.ACKNOWLEDGEMENT), letterhead=MSTIS, return_address=MSTIS_RETURN)
    _tap(RENDERER.render(data), data.recipient, MSTIS_RETURN)


def test_a_four_line_address_is_set_at_8_pt_or_more_with_clearance_at_both_ends() -> None:
    data = replace(sample(LetterKind.ACKNOWLEDGEMENT), recipient=ADDRESSES["four-lines"])
    fit = address_fit(data)
    assert fit.size >= geometry.ADDRESS_MIN_SIZE and not fit.tap_down
    words, _ = _page_objects(RENDERER.render(data))
    recipient, _, _ = _split(words, data.recipient, data.sender_address)
    top = min(float(w["top"]) for w in recipient)
    bottom = max(float(w["bottom"]) for w in recipient)
    always = ENVELOPE_10.always_visible(ENVELOPE_10.window)
    assert top - always.top >= geometry.ADDRESS_CLEARANCE - 0.5
    assert always.bottom - bottom >= geometry.ADDRESS_CLEARANCE - 0.5


def test_a_six_line_foreign_address_fits_at_rest_and_is_flagged_for_a_check() -> None:
    address = PostalAddress(
        "Ms Aoife Ní Bhriain",
        ("Flat 4, Marine Court", "12 Strand Road", "Sandymount", "Dublin 4 D04 X2Y6", "IRELAND"),
    )
    data = replace(sample(LetterKind.ACKNOWLEDGEMENT), recipient=address)
    fit = address_fit(data)
    assert fit.tap_down and fit.size >= geometry.ADDRESS_MIN_SIZE
    _tap(RENDERER.render(data), address, data.sender_address, tapped_down=True)


def test_a_70_character_street_line_is_refused_naming_the_line() -> None:
    street = "Apartment 12B, The Residences at Harbor Point, 4100 Pacific Coast Hwy."
    assert len(street) == 70
    data = replace(
        sample(LetterKind.ACKNOWLEDGEMENT), recipient=PostalAddress("Ann Lee", (street, "Long Beach, CA"))
    )
    with pytest.raises(AddressFitError) as err:
        address_fit(data)
    assert err.value.field == "recipient address line 1"
    assert "70 characters" in err.value.reason


def test_the_model_matches_the_envelope_makers_figures() -> None:
    inch = 72
    always = ENVELOPE_10.always_visible(ENVELOPE_10.window)
    reach = ENVELOPE_10.ever_visible(ENVELOPE_10.window)
    assert (always.left, always.top, always.right) == pytest.approx((0.875 * inch, 2.5 * inch, 4.375 * inch))
    assert always.bottom == pytest.approx((11 / 3 - 0.5) * inch)
    assert (reach.left, reach.top, reach.right, reach.bottom) == pytest.approx(
        (-0.125 * inch, (2.5 - (4.125 - 11 / 3)) * inch, 5.375 * inch, 3.625 * inch)
    )
    assert G.address_box == always
    assert isinstance(G.address_rest_box, Box) and G.address_rest_box.height == 1.125 * inch


# -- A4 in a DL window envelope (DIN 5008 Form B) --------------------------------------------------

A4 = geometry.A4_DIN_B
DL = geometry.ENVELOPE_DL
FOREIGN = PostalAddress(
    "Ms Aoife Ní Bhriain",
    ("Flat 4, Marine Court", "12 Strand Road", "Sandymount", "Dublin 4 D04 X2Y6", "IRELAND"),
)


def test_the_dl_model_matches_the_envelope_makers_figures() -> None:
    mm = 72 / 25.4
    always = DL.always_visible(DL.window)
    reach = DL.ever_visible(DL.window)
    assert (DL.vertical_travel, DL.sideways_travel) == pytest.approx((5 * mm, 10 * mm))
    assert (always.left, always.top, always.right, always.bottom) == pytest.approx(
        (20 * mm, 50 * mm, 100 * mm, 90 * mm)
    )
    assert (reach.left, reach.top, reach.right, reach.bottom) == pytest.approx(
        (10 * mm, 45 * mm, 110 * mm, 95 * mm)
    )
    assert geometry.envelope_for("a4") is DL and geometry.envelope_for("letter") is ENVELOPE_10
    assert always.contains(
        A4.address_box.left, A4.address_box.top, A4.address_box.right, A4.address_box.bottom
    )
    assert always.contains(A4.return_box.left, A4.return_box.top, A4.return_box.right, A4.return_box.bottom)
    for other in (A4.letterhead, A4.info_box):
        assert not reach.overlaps(other.left, other.top, other.right, other.bottom)
    assert A4.first_body_top > reach.bottom


@pytest.mark.parametrize("letterhead", [COVERYS, LONG_ORG], ids=lambda h: h.org_name[:12])
@pytest.mark.parametrize("address", [*ADDRESSES.values(), FOREIGN], ids=[*ADDRESSES, "six-lines-foreign"])
def test_on_a4_the_address_shows_and_nothing_else_does_wherever_the_sheet_slides(letterhead, address) -> None:  # type: ignore[no-untyped-def]
    data = replace(
        sample(LetterKind.UNVERIFIABLE),
        jurisdiction="GB",
        jurisdiction_family="uk_gdpr",
        letterhead=replace(letterhead, page_size="a4"),
        recipient=address,
        return_address=None,
    )
    fit = address_fit(data)
    assert fit.size >= geometry.ADDRESS_MIN_SIZE and not fit.tap_down  # no tapping down on A4
    _tap(RENDERER.render(data), address, data.sender_address, g=A4, envelope=DL)
