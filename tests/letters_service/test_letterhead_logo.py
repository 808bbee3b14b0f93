"""The logo an administrator stores with the organization prints on page 1 of its letters."""

from __future__ import annotations

import io

import pdfplumber
from PIL import Image

from privdesk.services.dto import CaseFilter
from privdesk.services.hub import Services


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 60, 120)).save(out, format="PNG")
    return out.getvalue()


def test_a_stored_logo_prints_on_the_letterhead(demo_services: Services) -> None:
    row = demo_services.cases.list(CaseFilter(limit=1))[0]
    case = demo_services.cases.show(row.reference)
    slug = case.organization
    before = pdfplumber.open(io.BytesIO(demo_services.letters.preview(row.reference, "acknowledgement")))
    assert not before.pages[0].images

    org = demo_services.organizations.show(slug)
    demo_services.organizations.set_logo(slug, png(300, 100), "logo.png", expected_version=org.version)
    pdf = pdfplumber.open(io.BytesIO(demo_services.letters.preview(row.reference, "acknowledgement")))
    images = pdf.pages[0].images
    assert len(images) == 1
    # Scaled to fit the letterhead box, keeping its 3:1 shape, in the top part of the page.
    image = images[0]
    assert abs((image["x1"] - image["x0"]) / (image["bottom"] - image["top"]) - 3) < 0.05
    assert image["bottom"] < pdf.pages[0].height / 4
    if len(pdf.pages) > 1:
        assert not pdf.pages[1].images
