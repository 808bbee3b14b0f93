"""Every measure of the letter layout, in points (1 in = 72 pt, 1 mm = 72 / 25.4 pt).

Rectangles are given from the page's top-left corner (how envelope makers and DIN 5008 state them);
``Box.bottom_y`` converts to ReportLab's bottom-left origin.

US Letter in a #10 double-window envelope
-----------------------------------------
The envelope is 9 1/2 x 4 1/8 in. Its lower (recipient) window is 4 1/2 x 1 1/8 in, 7/8 in from the
left edge and 1/2 in from the bottom edge; its upper (return) window about 3 1/2 x 1 in, 7/8 in from the
left and 7/16 in from the top. The sheet, folded in thirds, is 8 1/2 x 3 2/3 in: it can slide 0.458 in
up and down and 1 in sideways inside the envelope, and nobody controls where it ends up.

``ENVELOPE_10`` models that travel. For a window, the part of the page that shows *at every position*
of the sheet is the intersection of all positions (``always_visible``); the part that shows *at some
position* is their union (``ever_visible``). For the lower window:

- always visible: 0.875-4.375 in from the page's left edge, 2.500-3.167 in from its top (3 1/2 x 2/3 in);
- ever visible:  -0.125-5.375 in from the left, 2.042-3.625 in from the top.

The recipient's address is laid out inside the always-visible area; nothing else on page 1 (letterhead,
date and reference, the subject line) may touch the ever-visible area. A four-line domestic address
at 8 pt (the USPS minimum) with 1.15 leading needs 36.9 pt of the 48 pt the window always shows, so
the physics leaves 5.5 pt (0.077 in) above and below at the two ends of the sheet's travel; that is the
clearance the layout keeps (``ADDRESS_CLEARANCE``), and shorter addresses are set larger (up to 10 pt)
only while they keep it. Sideways, 4 pt are kept inside each edge of the 3 1/2 in strip.
Five or six lines (foreign addresses) cannot be visible at every position: they are laid out in the
window as it is with the sheet resting at the bottom (2.042-3.167 in), and the letter is flagged so
the officer taps the sheet down before sealing. The return address, likewise, sits in the upper
window's always-visible area (0.875-3.375 in, 0.438-0.979 in).

A4 in a DL window envelope (DIN 5008 Form B)
--------------------------------------------
The DL envelope is 220 x 110 mm; its window (DIN 680, EN ISO 269) is 90 x 45 mm, 20 mm from the left
edge and 15 mm from the bottom edge, so 50 mm from the top. An A4 sheet folded for Form B (folds at 105
and 210 mm) puts a 210 x 105 mm panel behind the window: it slides 5 mm up and down and 10 mm sideways.
``ENVELOPE_DL`` models that travel the same way as ``ENVELOPE_10``:

- always visible: 20-100 mm from the page's left edge, 50-90 mm from its top (80 x 40 mm);
- ever visible:   10-110 mm from the left, 45-95 mm from the top.

DIN 5008 Form B puts the address field at 20 mm from the left and 45 mm from the top (85 x 45 mm): its
top 17.7 mm hold the return line (the lowest 5 mm, 57.7-62.7 mm) and notes, its lower 27.3 mm the
address (62.7-90 mm). Both lie inside the always-visible area, so on A4 the address shows at every
position of the sheet and no address needs the sheet tapped down: the address is set in the address
zone cut to the always-visible width (20-100 mm), with the same clearances as on US Letter (which
leaves 3.6 mm of the 27.3 mm above and below a four-line address at 8 pt, more than the 5.5 pt kept),
and up to six lines. Letterhead (from 115 mm), the date and reference block (from 125 mm) and the
body (from 98.5 mm down) stay outside the ever-visible area.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch, mm


@dataclass(frozen=True)
class Box:
    """A rectangle on the page: ``left`` and ``top`` measured from the top-left corner, in points."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def bottom_y(self, page_height: float) -> float:
        """The box's lower edge in ReportLab coordinates (origin bottom-left)."""
        return page_height - self.bottom

    def contains(self, x0: float, top: float, x1: float, bottom: float) -> bool:
        """Whether a rectangle given in top-left coordinates lies inside this box."""
        return self.left <= x0 and x1 <= self.right and self.top <= top and bottom <= self.bottom

    def overlaps(self, x0: float, top: float, x1: float, bottom: float) -> bool:
        """Whether a rectangle given in top-left coordinates shares any area with this box."""
        return x0 < self.right and self.left < x1 and top < self.bottom and self.top < bottom


@dataclass(frozen=True)
class Envelope:
    """A window envelope and the folded sheet inside it; windows are measured on the envelope's face."""

    width: float
    height: float
    window: Box  # the recipient window
    return_window: Box | None  # the upper window of a double-window envelope
    sheet_width: float
    folded_height: float  # the top panel of the folded sheet, the one behind the windows

    @property
    def vertical_travel(self) -> float:
        return self.height - self.folded_height

    @property
    def sideways_travel(self) -> float:
        return self.width - self.sheet_width

    def positions(self, steps: int = 8) -> list[tuple[float, float]]:
        """Sheet positions (sideways offset, downward offset of its top edge) across the whole travel."""
        return [
            (self.sideways_travel * i / steps, self.vertical_travel * j / steps)
            for i in range(steps + 1)
            for j in range(steps + 1)
        ]

    @staticmethod
    def seen(window: Box, sideways: float, down: float) -> Box:
        """The part of the page a window shows when the sheet sits at this position."""
        return Box(window.left - sideways, window.top - down, window.width, window.height)

    def always_visible(self, window: Box) -> Box:
        """What the window shows wherever the sheet is: the intersection of all positions."""
        return Box(
            window.left,
            window.top,
            window.width - self.sideways_travel,
            window.height - self.vertical_travel,
        )

    def ever_visible(self, window: Box) -> Box:
        """What the window shows at some position of the sheet: the union of all positions."""
        return Box(
            window.left - self.sideways_travel,
            window.top - self.vertical_travel,
            window.width + self.sideways_travel,
            window.height + self.vertical_travel,
        )

    def at_rest(self, window: Box) -> Box:
        """What the window shows with the sheet tapped down to the bottom, wherever it is sideways."""
        return Box(
            window.left,
            window.top - self.vertical_travel,
            window.width - self.sideways_travel,
            window.height,
        )


ENVELOPE_10 = Envelope(
    width=9.5 * inch,
    height=4.125 * inch,
    window=Box(0.875 * inch, (4.125 - 0.5 - 1.125) * inch, 4.5 * inch, 1.125 * inch),
    return_window=Box(0.875 * inch, 0.4375 * inch, 3.5 * inch, 1.0 * inch),
    sheet_width=8.5 * inch,
    folded_height=11 * inch / 3,
)


@dataclass(frozen=True)
class PageGeometry:
    name: str
    width: float
    height: float
    margin_left: float
    margin_right: float
    first_body_top: float  # where the body starts on page 1, from the top
    later_body_top: float  # where the body starts on later pages, from the top
    body_bottom: float  # lowest point of the body, from the top
    footer_baseline: float  # from the top
    letterhead: Box  # organization name, logo and contacts (top right)
    return_box: Box  # return address (upper window / DIN return line)
    return_single_line: bool  # DIN: one underlined line; #10: a small block
    address_box: Box  # recipient: the window area the address shows in wherever the sheet sits
    address_rest_box: Box  # recipient: the window area with the sheet tapped down (long addresses)
    info_box: Box  # date, reference, received (right of the address)
    fold_marks: tuple[float, ...]  # from the top, drawn in the left margin
    punch_mark: float | None
    keep_clear: tuple[Box, ...]  # page areas a window may show: only the addresses may print there

    @property
    def body_width(self) -> float:
        return self.width - self.margin_left - self.margin_right


_LETTER_W, _LETTER_H = LETTER
_LOWER_REACH = ENVELOPE_10.ever_visible(ENVELOPE_10.window)
assert ENVELOPE_10.return_window is not None
_UPPER_REACH = ENVELOPE_10.ever_visible(ENVELOPE_10.return_window)
US_LETTER = PageGeometry(
    name="letter",
    width=_LETTER_W,
    height=_LETTER_H,
    margin_left=1.0 * inch,
    margin_right=1.0 * inch,
    first_body_top=_LOWER_REACH.bottom + 0.07 * inch,  # the subject line never reaches the window
    later_body_top=1.05 * inch,
    body_bottom=_LETTER_H - 0.8 * inch,
    footer_baseline=_LETTER_H - 0.55 * inch,
    # Right of the upper window's reach, and ending above the lower window's reach.
    letterhead=Box(
        _UPPER_REACH.right + 0.125 * inch,
        0.5 * inch,
        7.5 * inch - _UPPER_REACH.right - 0.125 * inch,
        1.45 * inch,
    ),
    return_box=ENVELOPE_10.always_visible(ENVELOPE_10.return_window),
    return_single_line=False,
    address_box=ENVELOPE_10.always_visible(ENVELOPE_10.window),
    address_rest_box=ENVELOPE_10.at_rest(ENVELOPE_10.window),
    info_box=Box(
        _LOWER_REACH.right + 0.125 * inch,
        2.1 * inch,
        7.5 * inch - _LOWER_REACH.right - 0.125 * inch,
        0.9 * inch,
    ),
    fold_marks=(_LETTER_H / 3, 2 * _LETTER_H / 3),
    punch_mark=None,
    keep_clear=(_UPPER_REACH, _LOWER_REACH),
)

_A4_W, _A4_H = A4
ENVELOPE_DL = Envelope(
    width=220 * mm,
    height=110 * mm,
    window=Box(20 * mm, (110 - 15 - 45) * mm, 90 * mm, 45 * mm),
    return_window=None,  # one window: the return line shows through it, above the address
    sheet_width=210 * mm,
    folded_height=105 * mm,  # Form B's first fold
)
_DL_ALWAYS = ENVELOPE_DL.always_visible(ENVELOPE_DL.window)
_DL_REACH = ENVELOPE_DL.ever_visible(ENVELOPE_DL.window)
# The DIN address field itself (return line, notes and address together), for tests and overlays.
A4_DIN_WINDOW = Box(20 * mm, 45 * mm, 85 * mm, 45 * mm)
_DIN_ADDRESS_TOP = 45 * mm + 17.7 * mm
# Its lower edge, 90 mm from the top, is where the always-visible area ends.
_DIN_ADDRESS = Box(_DL_ALWAYS.left, _DIN_ADDRESS_TOP, _DL_ALWAYS.width, _DL_ALWAYS.bottom - _DIN_ADDRESS_TOP)
A4_DIN_B = PageGeometry(
    name="a4",
    width=_A4_W,
    height=_A4_H,
    margin_left=25 * mm,
    margin_right=20 * mm,
    first_body_top=98.5 * mm,
    later_body_top=27 * mm,
    body_bottom=_A4_H - 24 * mm,
    footer_baseline=_A4_H - 14 * mm,
    letterhead=Box(115 * mm, 12 * mm, 75 * mm, 30 * mm),
    return_box=Box(25 * mm, 45 * mm + 12.7 * mm, 75 * mm, 5 * mm),
    return_single_line=True,
    address_box=_DIN_ADDRESS,
    address_rest_box=_DIN_ADDRESS,  # always visible already: nothing to gain by tapping the sheet down
    info_box=Box(125 * mm, 50 * mm, 65 * mm, 40 * mm),
    fold_marks=(105 * mm, 210 * mm),
    punch_mark=_A4_H / 2,
    keep_clear=(_DL_REACH,),
)


def envelope_for(page_size: str) -> Envelope:
    """The window envelope a page size is folded into: #10 for US Letter, DL for A4."""
    return ENVELOPE_DL if page_size == "a4" else ENVELOPE_10


def geometry_for(page_size: str) -> PageGeometry:
    return A4_DIN_B if page_size == "a4" else US_LETTER


# Type sizes and spacing (points).
BODY_SIZE = 10.0
BODY_LEADING = 14.0
SMALL_SIZE = 8.0
ADDRESS_SIZE = 10.0  # the largest address type
ADDRESS_MIN_SIZE = 8.0  # USPS: 8 pt or larger
ADDRESS_LEADING = 1.15  # line pitch as a multiple of the type size
ADDRESS_CLEARANCE = 5.5  # kept above and below the address block (see the module docstring)
ADDRESS_SIDE_CLEARANCE = 4.0  # kept inside the left and right edges of the address area
ORG_NAME_SIZE = 15.0
HEADING_SIZE = 11.0
TABLE_SIZE = 8.5
PARAGRAPH_SPACE = 7.0
SIGNATURE_GAP = 0.4 * inch  # room for the handwritten signature
LOGO_MAX_WIDTH = 1.8 * inch
LOGO_MAX_HEIGHT = 0.45 * inch


class AddressFitError(ValueError):
    """An address the window cannot show; ``field`` names the line (``recipient.lines[1]``)."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"the address does not fit the envelope window: {reason}")


@dataclass(frozen=True)
class AddressFit:
    size: float
    leading: float
    left: float
    top: float  # top of the first line's box, from the page top
    tap_down: bool  # shows only with the sheet tapped down: the officer checks it before sealing


def _sizes() -> list[float]:
    sizes, size = [], ADDRESS_SIZE
    while size >= ADDRESS_MIN_SIZE - 0.01:
        sizes.append(size)
        size -= 0.5
    return sizes


def fit_address(
    lines: Sequence[str],
    measure: Callable[[str, float], float],
    line_box: float,
    g: PageGeometry,
    field_names: Sequence[str] | None = None,
) -> AddressFit:
    """Where and how large the recipient's lines go.

    ``measure(text, size)`` is a line's width; ``line_box`` the height of one line's box (ascent plus
    descent) per point of type size. Raises ``AddressFitError`` naming the offending line.
    """
    names = list(field_names or [f"recipient line {i + 1}" for i in range(len(lines))])
    if not lines:
        raise AddressFitError("recipient", "the letter has no recipient address")
    for box, tap_down in ((g.address_box, False), (g.address_rest_box, True)):
        width = box.width - 2 * ADDRESS_SIDE_CLEARANCE
        for size in _sizes():
            leading = size * ADDRESS_LEADING
            height = (len(lines) - 1) * leading + line_box * size
            if height + 2 * ADDRESS_CLEARANCE > box.height:
                continue
            if any(measure(line, size) > width for line in lines):
                continue
            top = box.top + (box.height - height) / 2
            return AddressFit(size, leading, box.left + ADDRESS_SIDE_CLEARANCE, top, tap_down)
    rest = g.address_rest_box
    width = rest.width - 2 * ADDRESS_SIDE_CLEARANCE
    for index, line in enumerate(lines):
        needed = measure(line, ADDRESS_MIN_SIZE)
        if needed > width:
            shown = int(len(line) * width / needed)
            return_reason = (
                f"{names[index]} has {len(line)} characters; at {ADDRESS_MIN_SIZE:g} pt the window shows "
                f"about {shown}: shorten it (e.g. abbreviate the street type, move the unit to its own line)"
            )
            raise AddressFitError(names[index], return_reason)
    most = (
        int(
            (rest.height - 2 * ADDRESS_CLEARANCE - line_box * ADDRESS_MIN_SIZE)
            // (ADDRESS_MIN_SIZE * ADDRESS_LEADING)
        )
        + 1
    )
    raise AddressFitError(
        "recipient", f"the address has {len(lines)} lines; the window holds at most {most}: use fewer lines"
    )
