"""Every measure of the letter layout, in points (1 in = 72 pt, 1 mm = 72 / 25.4 pt).

Rectangles are given from the page's top-left corner (how envelope makers and DIN 5008 state them);
``Box.bottom_y`` converts to ReportLab's bottom-left origin.

US Letter, #10 double-window envelope (4 1/8 x 9 1/2 in), sheet tri-folded into thirds (3 2/3 in):
- lower (recipient) window 4 1/2 x 1 1/8 in, 7/8 in from the envelope's left edge and 5/8 in from its
  bottom. The folded sheet is 0.46 in shorter than the envelope and 1 in narrower, so it can slide; the
  address box below is the part of the page that shows through the window wherever the sheet rests
  (bottom of the envelope: page 2.04-3.17 in from the top; horizontally centred +/- 1/2 in), with an
  1/8 in margin for skew.
- upper (return) window about 3 1/2 x 1 in, 7/8 in from the left and 7/16 in from the top.
A4, DIN 5008 Form B window envelope (DL/C6-5): window 85 x 45 mm, 20 mm from the left, 45 mm from the
top; the top 17.7 mm of the field hold the return line, the lower 27.3 mm the address.
"""

from __future__ import annotations

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
    address_box: Box  # recipient: the window area the address must stay inside
    address_text_inset: float  # the address starts this far right of the box's left edge
    info_box: Box  # date, reference, received (right of the address)
    fold_marks: tuple[float, ...]  # from the top, drawn in the left margin
    punch_mark: float | None

    @property
    def body_width(self) -> float:
        return self.width - self.margin_left - self.margin_right


_LETTER_W, _LETTER_H = LETTER
US_LETTER = PageGeometry(
    name="letter",
    width=_LETTER_W,
    height=_LETTER_H,
    margin_left=1.0 * inch,
    margin_right=1.0 * inch,
    first_body_top=3.3 * inch,
    later_body_top=1.05 * inch,
    body_bottom=_LETTER_H - 0.95 * inch,
    footer_baseline=_LETTER_H - 0.55 * inch,
    letterhead=Box(4.45 * inch, 0.5 * inch, 3.05 * inch, 1.3 * inch),
    return_box=Box(0.875 * inch, 0.5 * inch, 3.5 * inch, 0.5 * inch),
    return_single_line=False,
    address_box=Box(0.875 * inch, 2.125 * inch, 3.5 * inch, 0.875 * inch),
    address_text_inset=0.125 * inch,
    info_box=Box(4.95 * inch, 2.125 * inch, 2.55 * inch, 0.95 * inch),
    fold_marks=(_LETTER_H / 3, 2 * _LETTER_H / 3),
    punch_mark=None,
)

_A4_W, _A4_H = A4
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
    address_box=Box(20 * mm, 45 * mm + 17.7 * mm, 85 * mm, 27.3 * mm),
    address_text_inset=5 * mm,
    info_box=Box(125 * mm, 50 * mm, 65 * mm, 40 * mm),
    fold_marks=(105 * mm, 210 * mm),
    punch_mark=_A4_H / 2,
)

# The DIN window itself (return line and address together), for tests and debugging overlays.
A4_DIN_WINDOW = Box(20 * mm, 45 * mm, 85 * mm, 45 * mm)
# The #10 lower window as seen on the page when the sheet rests at the bottom, centred.
US_LETTER_10_WINDOW = Box(0.375 * inch, 2.042 * inch, 4.5 * inch, 1.125 * inch)


def geometry_for(page_size: str) -> PageGeometry:
    return A4_DIN_B if page_size == "a4" else US_LETTER


# Type sizes and spacing (points).
BODY_SIZE = 10.0
BODY_LEADING = 14.0
SMALL_SIZE = 8.0
ADDRESS_SIZE = 10.0
ADDRESS_MIN_SIZE = 7.5
ORG_NAME_SIZE = 15.0
HEADING_SIZE = 11.0
TABLE_SIZE = 8.5
PARAGRAPH_SPACE = 7.0
SIGNATURE_GAP = 0.5 * inch  # room for the handwritten signature
LOGO_MAX_WIDTH = 1.8 * inch
LOGO_MAX_HEIGHT = 0.6 * inch
