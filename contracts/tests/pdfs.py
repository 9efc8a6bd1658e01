"""Hand-built PDFs for the evidence checks: plain objects, an object stream (compressed with
FlateDecode, as PDF 1.5 writers do) and a cross-reference stream, so a test controls every
byte an attacker would (name escapes, hex strings, compression)."""

import zlib

CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>"


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return dictionary[:-2] + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def build_pdf(catalog: bytes = CATALOG, extra: dict[int, bytes] | None = None, compressed: dict[int, bytes] | None = None,
              page: bytes = PAGE) -> bytes:
    """Objects 1-4 are catalog, pages, page, content; `extra` are more plain objects (5+);
    `compressed` objects live inside one FlateDecode object stream."""
    content = _stream(b"<< >>", b"BT /F1 12 Tf 20 100 Td (Invoice paid) Tj ET")
    plain = {1: catalog, 2: PAGES, 3: page, 4: content, **(extra or {})}
    compressed = compressed or {}
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, tuple] = {}
    for number in sorted(plain):
        offsets[number] = (1, len(out))
        out += b"%d 0 obj\n" % number + plain[number] + b"\nendobj\n"
    next_number = max([*plain, *compressed, 0]) + 1
    if compressed:
        stm = next_number
        next_number += 1
        header, bodies = b"", b""
        for index, number in enumerate(sorted(compressed)):
            header += b"%d %d " % (number, len(bodies))
            bodies += compressed[number] + b"\n"
            offsets[number] = (2, stm, index)
        data = zlib.compress(header + bodies)
        offsets[stm] = (1, len(out))
        out += b"%d 0 obj\n" % stm + _stream(
            b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode >>" % (len(compressed), len(header)), data
        ) + b"\nendobj\n"
    xref = next_number
    offsets[xref] = (1, len(out))
    rows = b""
    for number in range(xref + 1):
        entry = offsets.get(number)
        if entry is None:
            rows += bytes([0]) + (0).to_bytes(4, "big") + (65535 if number == 0 else 0).to_bytes(2, "big")
        elif entry[0] == 1:
            rows += bytes([1]) + entry[1].to_bytes(4, "big") + (0).to_bytes(2, "big")
        else:
            rows += bytes([2]) + entry[1].to_bytes(4, "big") + entry[2].to_bytes(2, "big")
    start = len(out)
    out += b"%d 0 obj\n" % xref + _stream(
        b"<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R >>" % (xref + 1), rows
    ) + b"\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % start
    return bytes(out)
