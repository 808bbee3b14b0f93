"""Letters as PDF/A-2b (ISO 19005-2, level B), the archival form of the stored record.

ReportLab's open-source edition writes no XMP metadata stream and no output intent, so it cannot
produce PDF/A by itself (its commercial edition has a PDF/A mode). What ReportLab does write is what
level B needs of the page content: every font embedded (DejaVu subsets as symbolic TrueType fonts with
one ``cmap`` encoding and no ``/Encoding`` entry, and no PDF names a font it does not carry), colours
in DeviceRGB and DeviceGray only, no encryption, no JavaScript, no annotations. pikepdf (qpdf,
MPL-2.0) adds the rest without laying anything out again:

- an output intent (``/S /GTS_PDFA1``) whose ``DestOutputProfile`` is an sRGB ICC profile made at
  run time by LittleCMS through Pillow (a display-class, version 4 profile: nothing to license, no
  file to ship);
- an XMP metadata stream in the catalogue claiming ``pdfaid:part`` 2 and ``pdfaid:conformance`` B,
  with the title, kept in step with the document information dictionary;
- a file identifier in the trailer (deterministic: the same letter gives the same bytes).

``tests/letters/test_pdfa.py`` checks those claims on every kind. No PDF/A validator (veraPDF) runs in
this project's checks, so "PDF/A-2b" here means the file carries what the standard asks of it as far
as these checks read it, not that a validator passed it.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence

import pikepdf
from PIL import ImageCms

SRGB = "sRGB IEC61966-2.1"


@functools.cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile (LittleCMS's built-in description of IEC 61966-2-1)."""
    return bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())


def _mark(doc: pikepdf.Pdf, title: str) -> None:
    profile = doc.make_stream(srgb_profile())
    profile.N = 3
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFA1,
        OutputConditionIdentifier=SRGB,
        RegistryName="http://www.color.org",
        Info=SRGB,
        DestOutputProfile=profile,
    )
    doc.Root.OutputIntents = pikepdf.Array([doc.make_indirect(intent)])
    with doc.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
        if title:
            meta["dc:title"] = title
        meta["pdf:Producer"] = "privdesk (ReportLab, pikepdf)"


def _save(doc: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    doc.save(out, deterministic_id=True)
    return out.getvalue()


def archival(pdf: bytes, title: str = "") -> bytes:
    """The same PDF, marked and completed as PDF/A-2b."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        _mark(doc, title)
        return _save(doc)


def split_archival(combined: bytes, page_counts: Sequence[int], titles: Sequence[str]) -> list[bytes]:
    """The combined print file cut back into one PDF/A-2b file per letter, without laying anything
    out again."""
    out: list[bytes] = []
    with pikepdf.open(io.BytesIO(combined)) as source:
        if sum(page_counts) != len(source.pages):
            raise ValueError(f"{sum(page_counts)} pages expected, the file has {len(source.pages)}")
        start = 0
        for count, title in zip(page_counts, titles, strict=True):
            with pikepdf.new() as doc:
                doc.pages.extend(source.pages[start : start + count])
                _mark(doc, title)
                out.append(_save(doc))
            start += count
    return out


def unembedded_fonts(pdf: bytes) -> list[str]:
    """Fonts a PDF uses without carrying them (PDF/A allows none), by their base names."""
    missing: set[str] = set()
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            resources = page.obj.get("/Resources")
            fonts = resources.get("/Font") if resources is not None else None
            for font in (fonts or pikepdf.Dictionary()).values():
                descendants = font.get("/DescendantFonts")
                for part in [font, *(descendants or [])]:
                    if part.get("/Subtype") == pikepdf.Name.Type0:
                        continue
                    descriptor = part.get("/FontDescriptor")
                    embedded = descriptor is not None and any(
                        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                    )
                    if not embedded:
                        missing.add(str(part.get("/BaseFont", "?")))
    return sorted(missing)


__all__ = ["SRGB", "archival", "split_archival", "srgb_profile", "unembedded_fonts"]
