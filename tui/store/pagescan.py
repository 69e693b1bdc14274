"""Reading rows straight off the pages of an SQLite file whose schema cannot be read.

When a cache is cut short, the schema table itself (page 1 and the pages it points to) may
be gone, and then SQLite refuses every query. The rows are still there on the surviving
pages: every table leaf page (type 13) holds records in SQLite's documented file format
(sqlite.org/fileformat2.html). This module walks the pages, decodes each record (following
overflow chains while their pages exist) and yields ``(rowid, values)``. Which table a row
belongs to is for the caller to judge (by column count and types); nothing here writes.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

LEAF_TABLE = 13
MAX_FILE = 4 * 1024**3


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = 0
    for index in range(9):
        if pos + index >= len(data):
            raise ValueError("varint past the end")
        byte = data[pos + index]
        if index == 8:
            return (value << 8) | byte, pos + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, pos + index + 1
    raise ValueError("bad varint")


def _values(record: bytes) -> list[object]:
    header_size, pos = _varint(record, 0)
    types: list[int] = []
    while pos < header_size:
        kind, pos = _varint(record, pos)
        types.append(kind)
    pos = header_size
    values: list[object] = []
    sizes = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}
    for kind in types:
        if kind == 0:
            values.append(None)
        elif kind in sizes:
            size = sizes[kind]
            values.append(int.from_bytes(record[pos:pos + size], "big", signed=True))
            pos += size
        elif kind == 7:
            values.append(struct.unpack(">d", record[pos:pos + 8])[0])
            pos += 8
        elif kind in (8, 9):
            values.append(kind - 8)
        elif kind >= 12:
            size = (kind - 12) // 2
            chunk = record[pos:pos + size]
            if len(chunk) != size:
                raise ValueError("record cut short")
            values.append(chunk.decode("utf-8", errors="replace") if kind % 2 else chunk)
            pos += size
        else:
            raise ValueError("reserved serial type")
    if pos > len(record):
        raise ValueError("record cut short")
    return values


def scan_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    """Every decodable row of every table leaf page of the file at ``path``."""
    data = path.read_bytes()[:MAX_FILE]
    if len(data) < 100:
        return
    page_size = int.from_bytes(data[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return
    usable = page_size - data[20]
    pages = len(data) // page_size
    free = _freelist(data, page_size, pages)
    for number in range(1, pages + 1):
        if number in free:
            continue  # freed pages hold rows that were deleted: never bring those back
        start = (number - 1) * page_size
        page = data[start:start + page_size]
        header = 100 if number == 1 else 0
        if page[header] != LEAF_TABLE:
            continue
        cells = int.from_bytes(page[header + 3:header + 5], "big")
        for index in range(min(cells, page_size // 4)):
            pointer_at = header + 8 + 2 * index
            pointer = int.from_bytes(page[pointer_at:pointer_at + 2], "big")
            try:
                yield _cell(data, page, pointer, usable, page_size)
            except (ValueError, IndexError, struct.error):
                continue


def _freelist(data: bytes, page_size: int, pages: int) -> set[int]:
    free: set[int] = set()
    trunk = int.from_bytes(data[32:36], "big")
    while 0 < trunk <= pages and trunk not in free:
        free.add(trunk)
        start = (trunk - 1) * page_size
        count = min(int.from_bytes(data[start + 4:start + 8], "big"), page_size // 4 - 2)
        for index in range(count):
            at = start + 8 + 4 * index
            free.add(int.from_bytes(data[at:at + 4], "big"))
        trunk = int.from_bytes(data[start:start + 4], "big")
    return free


def _cell(data: bytes, page: bytes, pointer: int, usable: int,
          page_size: int) -> tuple[int, list[object]]:
    size, pos = _varint(page, pointer)
    rowid, pos = _varint(page, pos)
    if size > 64 * 1024 * 1024:
        raise ValueError("implausible payload")
    most = usable - 35
    if size <= most:
        return rowid, _values(page[pos:pos + size])
    least = ((usable - 12) * 32 // 255) - 23
    local = least + (size - least) % (usable - 4)
    if local > most:
        local = least
    payload = bytearray(page[pos:pos + local])
    following = int.from_bytes(page[pos + local:pos + local + 4], "big")
    seen: set[int] = set()
    while len(payload) < size:
        if following == 0 or following in seen or following * page_size > len(data):
            raise ValueError("overflow chain broken")
        seen.add(following)
        start = (following - 1) * page_size
        following = int.from_bytes(data[start:start + 4], "big")
        payload += data[start + 4:start + usable][: size - len(payload)]
    return rowid, _values(bytes(payload))
