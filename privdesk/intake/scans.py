"""Check a scanned page by decoding it, not by trusting its first bytes.

A scan is kept as evidence and shown to officers later, so what is stored must be what it claims to
be: its magic number at offset 0 (an executable with ``%PDF-`` at byte 64, or an HTML page that
mentions ``%PDF-``, is refused), and a real decoder must read it — pypdf counts a PDF's pages,
Pillow reads an image's size from its header and then decodes the pixels. An image over
``MAX_PIXELS`` (a 60000×60000 PNG, say) is refused from its header, before any pixel is decoded.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

MAX_PIXELS = 120_000_000  # a Letter page at 1200 dpi is 134 MB of RGB at 10200×13200: use 600 dpi
MAX_PDF_PAGES = 500

_MAGIC_AT_ZERO: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
)
_PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "tiff": "TIFF"}


@dataclass(frozen=True)
class ScanInfo:
    kind: str  # pdf, png, jpeg, tiff
    pages: int
    width: int = 0  # images: pixels
    height: int = 0


class ScanRefused(ValueError):
    """The bytes are not a scan privdesk keeps; the message says why (without the file's name)."""


def magic_kind(data: bytes) -> str | None:
    """The scan type whose magic number the data starts with (at offset 0, nowhere else)."""
    for magic, kind in _MAGIC_AT_ZERO:
        if data.startswith(magic):
            return kind
    return None


def inspect_scan(data: bytes, *, max_pixels: int = MAX_PIXELS) -> ScanInfo:
    """Decode ``data`` as a scanned page; raise :class:`ScanRefused` with the reason."""
    kind = magic_kind(data)
    if kind is None:
        raise ScanRefused("is not a PDF, PNG, JPEG or TIFF file (its first bytes are none of these)")
    if kind == "pdf":
        return _inspect_pdf(data)
    return _inspect_image(data, kind, max_pixels)


def _inspect_pdf(data: bytes) -> ScanInfo:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise ScanRefused("is a password-protected PDF: save an unprotected copy and add that")
            pages = len(reader.pages)
    except ScanRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise ScanRefused(f"starts like a PDF but cannot be read as one ({type(exc).__name__})") from None
    if pages < 1:
        raise ScanRefused("is a PDF without any page")
    if pages > MAX_PDF_PAGES:
        raise ScanRefused(f"is a PDF of {pages} pages, over the {MAX_PDF_PAGES}-page limit for one scan")
    return ScanInfo("pdf", pages)


def _inspect_image(data: bytes, kind: str, max_pixels: int) -> ScanInfo:
    from PIL import Image, UnidentifiedImageError

    name = kind.upper()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image = Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[kind]])
            width, height = image.size
            if width < 1 or height < 1:
                raise ScanRefused(f"is a {name} image without pixels")
            if width * height > max_pixels:
                raise ScanRefused(
                    f"is a {width}×{height} {name} image, over the limit of {max_pixels // 1_000_000} "
                    "million pixels for a scanned page: scan at 300 or 600 dpi"
                )
            frames = int(getattr(image, "n_frames", 1) or 1)
            image.load()  # decode the pixels: a truncated or corrupt file fails here
    except ScanRefused:
        raise
    except Image.DecompressionBombError:  # Pillow's own guard, at twice its pixel limit
        raise ScanRefused(
            f"is a {name} image of more than {max_pixels // 1_000_000} million pixels, over the limit "
            "for a scanned page: scan at 300 or 600 dpi"
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, MemoryError) as exc:
        raise ScanRefused(
            f"starts like a {name} image but cannot be decoded ({type(exc).__name__})"
        ) from None
    return ScanInfo(kind, frames, width, height)
