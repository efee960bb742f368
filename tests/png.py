"""A tiny PNG reader for tests that look at what a browser drew (no imaging library).

Reads 8-bit, non-interlaced PNGs (grey, grey with alpha, RGB, RGBA), which is
what Chromium's screenshots and poppler's ``pdftoppm -png`` write, and undoes
the five row filters, so a test can count the pixels that are not background.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


@dataclass
class Image:
    """Pixels as rows of bytes, ``channels`` bytes a pixel."""

    width: int
    height: int
    channels: int
    rows: list[bytes]

    def pixel(self, x: int, y: int) -> tuple[int, ...]:
        start = x * self.channels
        return tuple(self.rows[y][start : start + self.channels])

    def ink(self, x0: int = 0, y0: int = 0, x1: int | None = None, y1: int | None = None) -> float:
        """The share of pixels in the box that are not near-white (0.0 to 1.0)."""
        x1 = self.width if x1 is None else x1
        y1 = self.height if y1 is None else y1
        colour = min(self.channels, 3)
        dark = 0
        for y in range(y0, y1):
            row = self.rows[y]
            for x in range(x0, x1):
                start = x * self.channels
                if min(row[start : start + colour]) < 235:
                    dark += 1
        return dark / max(1, (x1 - x0) * (y1 - y0))


def read_png(data: bytes) -> Image:
    """Decode a PNG's pixels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, bytearray()
    width = height = bits = colour = interlace = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, bits, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    if bits != 8 or colour not in _CHANNELS or interlace:
        raise ValueError(
            f"unsupported PNG: {bits} bits, colour type {colour}, interlace {interlace}"
        )
    channels = _CHANNELS[colour]
    stride = width * channels
    raw = zlib.decompress(bytes(idat))
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                near = min(
                    (abs(guess - left), 0, left),
                    (abs(guess - up), 1, up),
                    (abs(guess - corner), 2, corner),
                )
                line[i] = (line[i] + near[2]) & 0xFF
        rows.append(bytes(line))
        previous = line
    return Image(width, height, channels, rows)
