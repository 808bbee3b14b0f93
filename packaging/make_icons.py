"""Render the SVG icon into the bitmap icons the Windows and macOS builds need.

    python packaging/make_icons.py ico  packaging/windows/privdesk.ico
    python packaging/make_icons.py icns packaging/macos/privdesk.icns

Renders with Qt's own SVG renderer and writes the two containers itself: both hold PNG images (ICO
since Windows Vista, ICNS with the ic07-ic10 and icp4-icp6 types), several sizes in one file. Qt's
own ICO and ICNS writers store a single size only.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SVG = Path(__file__).resolve().parent / "linux" / "org.privdesk.Privdesk.svg"
SIZES = {"ico": [256, 64, 48, 32, 16], "icns": [1024, 512, 256, 128, 64, 32, 16]}
ICNS_TYPES = {1024: b"ic10", 512: b"ic09", 256: b"ic08", 128: b"ic07", 64: b"icp6", 32: b"icp5", 16: b"icp4"}


def png(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, blob in images.items():
        side = 0 if size >= 256 else size  # 0 means 256 in the directory
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset + len(blobs))
        blobs += blob
    return header + entries + blobs


def icns(images: dict[int, bytes]) -> bytes:
    body = b"".join(
        ICNS_TYPES[size] + struct.pack(">I", 8 + len(blob)) + blob for size, blob in images.items()
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main(kind: str, target: Path) -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 (the image plugins load through the application)
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"make_icons: cannot read {SVG}", file=sys.stderr)
        return 1
    images = {size: png(renderer, size) for size in SIZES[kind]}
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(ico(images) if kind == "ico" else icns(images))
    print(f"make_icons: wrote {target} ({len(images)} sizes, {target.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in SIZES:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
