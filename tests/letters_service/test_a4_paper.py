"""An organization that answers only under the GDPR or UK GDPR prints on A4 for a DL window envelope
unless its profile says otherwise; its letters put the address where the DL window shows it."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pdfplumber

from privdesk.letters import geometry
from privdesk.paths import resource
from privdesk.services.cases import NewCase
from privdesk.services.hub import Services
from tests.conftest import TODAY


def _profile(tmp_path: Path, jurisdictions: str, page_size: str | None) -> Path:
    text = resource("demo", "coverys.toml").read_text(encoding="utf-8")
    text = text.replace('slug = "coverys"', 'slug = "coverys-uk"')
    text = re.sub(r"(?m)^jurisdictions = .*$", f"jurisdictions = {jurisdictions}", text)
    text = re.sub(
        r'(?m)^page_size = ".*"\n', "" if page_size is None else f'page_size = "{page_size}"\n', text
    )
    path = tmp_path / "coverys-uk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_european_organization_prints_on_a4_with_the_address_in_the_dl_window(
    services: Services, tmp_path: Path
) -> None:
    org = services.organizations.import_profile_file(_profile(tmp_path, '["GB", "EU"]', None))
    assert org.page_size == "a4"
    reference = services.cases.create(
        NewCase(
            organization="coverys-uk",
            jurisdiction="GB",
            types=["delete"],
            channel="mail",
            received=TODAY - dt.timedelta(days=2),
            name="Siobhán Ní Bhriain",
            address="27 Rathgar Road\nBelfast BT9 6AB\nUnited Kingdom",
        )
    ).reference
    letter = services.letters.create(reference, "acknowledgement")
    with pdfplumber.open(io.BytesIO(services.letters.render(letter.id))) as pdf:
        page = pdf.pages[0]
        assert (round(page.width), round(page.height)) == (595, 842)  # A4
        words = page.extract_words()
    always = geometry.ENVELOPE_DL.always_visible(geometry.ENVELOPE_DL.window)
    for part in ("Rathgar", "BT9", "Kingdom"):
        word = next(w for w in words if w["text"] == part)
        assert always.contains(word["x0"], word["top"], word["x1"], word["bottom"]), part


def test_a_profile_that_names_its_paper_keeps_it(services: Services, tmp_path: Path) -> None:
    org = services.organizations.import_profile_file(_profile(tmp_path, '["GB"]', "letter"))
    assert org.page_size == "letter"
    mixed = services.organizations.import_profile_file(_profile(tmp_path, '["US-CA", "GB"]', None))
    assert mixed.page_size == "letter"
