"""A minimal Compound File Binary (MS-CFB v3) writer, enough to build Outlook .msg test fixtures.

No genuine .msg with a redistributable licence ships in the environment, so the tests build one from
the MS-OXMSG layout: property streams, a recipient storage and an attachment storage.
"""

from __future__ import annotations

import itertools
import struct
from datetime import UTC, datetime

ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
SECTOR = 512
MINI = 64
CUTOFF = 4096

Tree = dict[str, "bytes | Tree"]


def _sort_key(name: str) -> tuple[int, str]:
    return (len(name), name.upper())


def build_cfb(tree: Tree) -> bytes:
    entries: list[dict[str, object]] = [{"name": "Root Entry", "type": 5, "data": b"", "kids": []}]

    def add(storage_index: int, subtree: Tree) -> None:
        for name in sorted(subtree, key=_sort_key):
            value = subtree[name]
            index = len(entries)
            entries.append(
                {
                    "name": name,
                    "type": 2 if isinstance(value, bytes) else 1,
                    "data": value if isinstance(value, bytes) else b"",
                    "kids": [],
                }
            )
            entries[storage_index]["kids"].append(index)  # type: ignore[attr-defined]
            if not isinstance(value, bytes):
                add(index, value)

    add(0, tree)

    mini = bytearray()
    minifat: list[int] = []
    big: list[tuple[int, bytes]] = []
    for index, entry in enumerate(entries):
        data = entry["data"]
        assert isinstance(data, bytes)
        if entry["type"] != 2 or not data:
            entry["start"] = ENDOFCHAIN if entry["type"] == 2 else 0
            continue
        if len(data) < CUTOFF:
            start = len(minifat)
            count = -(-len(data) // MINI)
            minifat.extend(start + i + 1 if i < count - 1 else ENDOFCHAIN for i in range(count))
            mini += data + b"\0" * (count * MINI - len(data))
            entry["start"] = start
        else:
            big.append((index, data))

    dir_bytes_len = len(entries) * 128
    groups = [
        ("dir", -(-dir_bytes_len // SECTOR)),
        ("minifat", -(-len(minifat) * 4 // SECTOR)),
        ("mini", -(-len(mini) // SECTOR)),
    ] + [(f"big{i}", -(-len(d) // SECTOR)) for i, (_, d) in enumerate(big)]
    others = sum(n for _, n in groups)
    fat_count = 1
    while fat_count * 128 < others + fat_count:
        fat_count += 1
    fat = [FATSECT] * fat_count
    starts: dict[str, int] = {}
    for name, count in groups:
        starts[name] = len(fat) if count else ENDOFCHAIN
        base = len(fat)
        fat.extend(base + i + 1 if i < count - 1 else ENDOFCHAIN for i in range(count))
    fat += [FREESECT] * (fat_count * 128 - len(fat))

    entries[0]["start"] = starts["mini"]
    entries[0]["data_len"] = len(mini)
    for i, (index, _data) in enumerate(big):
        entries[index]["start"] = starts[f"big{i}"]

    def chain(kids: list[int]) -> None:
        for a, b in itertools.pairwise(kids):
            entries[a]["right"] = b

    for entry in entries:
        kids = entry["kids"]
        assert isinstance(kids, list)
        if kids:
            entry["child"] = kids[0]
            chain(kids)

    directory = bytearray()
    for entry in entries:
        name = str(entry["name"]).encode("utf-16-le") + b"\0\0"
        size = int(entry.get("data_len", len(entry["data"])))  # type: ignore[arg-type]
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name,
            len(name),
            int(entry["type"]),
            1,  # type: ignore[call-overload]
            NOSTREAM,
            int(entry.get("right", NOSTREAM)),
            int(entry.get("child", NOSTREAM)),  # type: ignore[call-overload]
            b"\0" * 16,
            0,
            0,
            0,
            int(entry["start"]),
            size,  # type: ignore[call-overload]
        )
    directory += b"\0" * (-len(directory) % SECTOR)
    minifat_bytes = b"".join(struct.pack("<I", v) for v in minifat)
    minifat_bytes += struct.pack("<I", FREESECT) * ((-len(minifat_bytes) % SECTOR) // 4)

    difat = list(range(fat_count)) + [FREESECT] * (109 - fat_count)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\0" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        fat_count,
        starts["dir"],
        0,
        CUTOFF,
        starts["minifat"],
        -(-len(minifat) * 4 // SECTOR),
        ENDOFCHAIN,
        0,
    ) + b"".join(struct.pack("<I", v) for v in difat)
    body = b"".join(struct.pack("<I", v) for v in fat) + bytes(directory) + minifat_bytes
    body += bytes(mini) + b"\0" * (-len(mini) % SECTOR)
    for _index, data in big:
        body += data + b"\0" * (-len(data) % SECTOR)
    return header + body


def _unicode(text: str) -> bytes:
    return text.encode("utf-16-le")


def _props(header: bytes, entries: list[tuple[int, int, bytes]]) -> bytes:
    out = bytearray(header)
    for ptype, pid, value in entries:
        out += struct.pack("<HHI", ptype, pid, 6) + value.ljust(8, b"\0")
    return bytes(out)


def _filetime(moment: datetime) -> bytes:
    ticks = int((moment - datetime(1601, 1, 1, tzinfo=UTC)).total_seconds() * 10_000_000)
    return struct.pack("<Q", ticks)


def build_msg(
    *,
    subject: str,
    body: str,
    sender_name: str,
    sender_address: str,
    to: list[str],
    sent_at: datetime,
    attachments: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
    transport_headers: str | None = None,
    codepage: int | None = None,
    embedded: list[Tree] = (),  # type: ignore[assignment]
) -> bytes:
    """An Outlook message with Unicode string properties (0x001F), as Outlook 2007+ writes them;
    with ``codepage``, 8-bit string properties (0x001E) in that Windows code page, as older Outlook
    versions write them, and PR_INTERNET_CPID set to it. ``embedded`` are Outlook items attached
    inside (see ``embedded_item``)."""
    return build_cfb(
        message_tree(
            subject=subject,
            body=body,
            sender_name=sender_name,
            sender_address=sender_address,
            to=to,
            sent_at=sent_at,
            attachments=attachments,
            transport_headers=transport_headers,
            codepage=codepage,
            embedded=embedded,
            header_size=32,
        )
    )


def embedded_item(**fields: object) -> Tree:
    """An Outlook item to attach inside another (same arguments as ``build_msg``)."""
    return message_tree(**fields, header_size=24)  # type: ignore[arg-type]


def message_tree(
    *,
    subject: str,
    body: str,
    sender_name: str,
    sender_address: str,
    to: list[str],
    sent_at: datetime,
    attachments: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
    transport_headers: str | None = None,
    codepage: int | None = None,
    embedded: list[Tree] = (),  # type: ignore[assignment]
    header_size: int = 32,
) -> Tree:
    def text(pid: int, value: str) -> tuple[str, bytes]:
        if codepage is None:
            return f"__substg1.0_{pid:04X}001F", _unicode(value)
        return f"__substg1.0_{pid:04X}001E", value.encode(_PY_CODEC.get(codepage, f"cp{codepage}")) + b"\0"

    root: Tree = {
        **dict([text(0x0037, subject), text(0x1000, body), text(0x0C1A, sender_name)]),
        **dict([text(0x5D01, sender_address)]),
        "__substg1.0_001A001F": _unicode("IPM.Note"),
        "__nameid_version1.0": {
            "__substg1.0_00020102": b"",
            "__substg1.0_00030102": b"",
            "__substg1.0_00040102": b"",
        },
    }
    if transport_headers is not None:
        root["__substg1.0_007D001F"] = _unicode(transport_headers)
    if header_size != 32:
        del root["__nameid_version1.0"]
    count = len(attachments) + len(embedded)
    header = struct.pack("<8sIIII8s", b"", len(to), count, len(to), count, b"")[:header_size]
    fixed = [(0x0040, 0x0039, _filetime(sent_at)), (0x0040, 0x0E06, _filetime(sent_at))]
    if codepage is not None:
        fixed.append((0x0003, 0x3FDE, struct.pack("<I", codepage)))
    root["__properties_version1.0"] = _props(header, fixed)
    for index, address in enumerate(to):
        root[f"__recip_version1.0_#{index:08X}"] = {
            "__substg1.0_3001001F": _unicode(address),
            "__substg1.0_3003001F": _unicode(address),
            "__substg1.0_39FE001F": _unicode(address),
            "__properties_version1.0": _props(b"\0" * 8, [(0x0003, 0x0C15, struct.pack("<I", 1))]),
        }
    for index, (name, mime, data) in enumerate(attachments):
        root[f"__attach_version1.0_#{index:08X}"] = {
            "__substg1.0_3707001F": _unicode(name),
            "__substg1.0_3704001F": _unicode(name[:8]),
            "__substg1.0_370E001F": _unicode(mime),
            "__substg1.0_37010102": data,
            "__properties_version1.0": _props(b"\0" * 8, [(0x0003, 0x3705, struct.pack("<I", 1))]),
        }
    for index, item in enumerate(embedded, len(attachments)):
        root[f"__attach_version1.0_#{index:08X}"] = {
            "__substg1.0_3707001F": _unicode("forwarded item"),
            "__substg1.0_3701000D": item,
            "__properties_version1.0": _props(b"\0" * 8, [(0x0003, 0x3705, struct.pack("<I", 5))]),
        }
    return root


# Windows code pages with no Python codec of that name.
_PY_CODEC = {
    20127: "ascii",
    28591: "latin-1",
    28592: "iso-8859-2",
    28605: "iso-8859-15",
    20866: "koi8-r",
    54936: "gb18030",
}
