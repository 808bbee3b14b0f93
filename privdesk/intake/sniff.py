"""Recognise a file by its first bytes, not by its name."""

from __future__ import annotations

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File Binary: Outlook .msg

_DOCUMENT_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
)


def sniff_document(data: bytes) -> str | None:
    """``"pdf"``, ``"png"``, ``"jpeg"`` or ``"tiff"`` when the bytes start like one; otherwise None.

    A PDF may have a little junk before its header (readers accept up to 1 KB), so look that far.
    """
    for magic, kind in _DOCUMENT_MAGIC:
        if data.startswith(magic):
            return kind
    if b"%PDF-" in data[:1024]:
        return "pdf"
    return None


def is_msg(data: bytes) -> bool:
    return data.startswith(CFB_MAGIC)


# What a claimed type should sniff as; attachments whose content disagrees get a warning.
CLAIMED_DOCUMENT_KIND = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/jpg": "jpeg",
    "image/pjpeg": "jpeg",
    "image/tiff": "tiff",
    ".pdf": "pdf",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".tif": "tiff",
    ".tiff": "tiff",
}
