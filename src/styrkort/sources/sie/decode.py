"""Bytes → lines: chunked reading and the encoding a SIE file really has.

SIE 4 says CP437 (``#FORMAT PC8``). Real files are also UTF-8 or ISO-8859-15
while claiming PC8. ASCII reads the same in all three, so the choice is made at
the first chunk that holds a non-ASCII byte: valid UTF-8 with multi-byte
sequences is UTF-8; otherwise the Swedish letters decide between CP437
(å 0x86, ä 0x84, ö 0x94, Å 0x8F, Ä 0x8E, Ö 0x99, é 0x82) and ISO-8859-15
(å 0xE5, ä 0xE4, ö 0xF6, Å 0xC5, Ä 0xC4, Ö 0xD6, é 0xE9); a tie is CP437.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

CHUNK = 4 * 1024 * 1024
SAMPLE = 256 * 1024
"""Bytes the encoding is chosen on, from the first line with a non-ASCII byte."""
WINDOW = 64 * 1024
"""Bytes at a chunk's end searched for where its block ends (see Decoded.blocks)."""

_CP437_LETTERS = frozenset(b"\x86\x84\x94\x8f\x8e\x99\x82\x81\x90\x9a")
_LATIN9_LETTERS = frozenset(b"\xe5\xe4\xf6\xc5\xc4\xd6\xe9\xfc\xc9\xdc")
_C1 = frozenset(range(0x80, 0xA0))
_NON_ASCII = re.compile("[^\x00-\x7f]")
_FIRST_NON_ASCII = re.compile(rb"[\x80-\xff]")


def guess_encoding(sample: bytes) -> str:
    """``"utf-8"``, ``"iso-8859-15"`` or ``"cp437"`` for a sample holding non-ASCII bytes."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        return _cp437_or_latin9(sample)
    # valid UTF-8; CP437 box drawing can be too (╤¡ is D1 AD), so ask for plausible letters
    # only the non-ASCII characters are counted (found in C: a 4 MB chunk is mostly ASCII)
    others = _NON_ASCII.findall(text)
    total = len(others)
    plausible = sum(
        1
        for ch in others
        if "\xa0" <= ch <= "\u024f" or "\u2000" <= ch <= "\u20ff" or ch == "\ufffd"
    )
    if plausible * 2 >= total:
        return "utf-8"
    return _cp437_or_latin9(sample)


def _count(sample: bytes, values: frozenset[int]) -> int:
    """How many bytes of ``sample`` are in ``values`` (one pass, in C)."""
    return len(sample) - len(sample.translate(None, bytes(sorted(values))))


def _cp437_or_latin9(sample: bytes) -> str:
    cp = _count(sample, _CP437_LETTERS)
    latin = _count(sample, _LATIN9_LETTERS)
    c1 = _count(sample, _C1)
    if latin > cp and c1 == 0:
        return "iso-8859-15"
    return "cp437"


class Decoded:
    """Byte chunks of a SIE byte stream, each ending at a line end, with the encoding chosen.

    ``encoding`` is None until the first non-ASCII byte is seen (then the file
    is pure ASCII and reads the same in every encoding). ``first_non_ascii_line``
    is the 1-based line where the choice was made. ``replaced`` counts chunks
    that did not decode in the chosen encoding (read with U+FFFD).
    """

    def __init__(self, stream: BinaryIO, chunk_size: int = CHUNK) -> None:
        self._stream = stream
        self._chunk_size = chunk_size
        self.encoding: str | None = None
        self.first_non_ascii_line: int | None = None
        self.replaced = 0
        self._lines_before = 0
        self._head = b""
        try:
            self._start: int | None = stream.tell() if stream.seekable() else None
        except (AttributeError, OSError, ValueError):
            self._start = None

    def head(self, size: int = 4096) -> bytes:
        """The first bytes, for recognising what the file is (read once, kept for blocks())."""
        if not self._head:
            self._head = self._stream.read(size)
        return self._head

    def blocks(self, ends: tuple[bytes, ...] = ()) -> Iterator[bytes]:
        """Byte chunks, each ending at a line end (the last one perhaps not).

        The encoding is chosen as each block goes by (``encoding`` is set before the
        block is yielded); :meth:`decode` turns any part of it into text.

        ``ends``: line endings a block should preferably end with (each beginning with a
        line end, as ``b"\\n}\\n"``). From a stream that can seek, a block then ends at
        the last of them in the chunk's final ``WINDOW`` bytes (else at its last line end)
        and is read as exactly that: each block is one read, never joined to or cut from
        another (four copies of 4 MB fewer per chunk).
        """
        if ends and self._start is not None:
            yield from self._exact_blocks(ends)
            return
        carry = self._head
        self._head = b""
        while True:
            data = self._stream.read(self._chunk_size)
            if not data:
                if carry:
                    yield self._detect(carry, b"")
                return
            data = carry + data
            cut = data.rfind(b"\n")
            if cut < 0:
                carry = data
                continue
            carry = data[cut + 1 :]
            block = data[: cut + 1]
            if self.encoding is None and not block.isascii():
                # the sample the choice is made on must not depend on the chunk size: read
                # ahead so that it is always SAMPLE bytes from the first non-ASCII line on
                while len(carry) < SAMPLE:
                    more = self._stream.read(SAMPLE)
                    if not more:
                        break
                    carry += more
            yield self._detect(block, carry)

    def _exact_blocks(self, ends: tuple[bytes, ...]) -> Iterator[bytes]:
        stream = self._stream
        assert self._start is not None
        pos = self._start
        self._head = b""
        chunk = self._chunk_size
        while True:
            # where the block ends: found in its last bytes, then read up to there at once
            window = min(chunk, WINDOW)
            stream.seek(pos + chunk - window)
            tail = stream.read(window)
            stream.seek(pos)
            if len(tail) < window:  # the rest of the stream is the last block
                data = stream.read()
                if data:
                    yield self._detect(data, b"")
                return
            cut = max((tail.rfind(end) + len(end) for end in ends if end in tail), default=0)
            if not cut:
                cut = tail.rfind(b"\n") + 1
            if not cut:  # no line end in the window: look at a longer stretch
                chunk *= 2
                continue
            data = stream.read(chunk - window + cut)
            pos += len(data)
            chunk = self._chunk_size
            ahead = b""
            if self.encoding is None and not data.isascii():
                # the sample the choice is made on must not depend on the chunk size (as in
                # blocks()): SAMPLE bytes ahead
                ahead = stream.read(SAMPLE)
                stream.seek(pos)
            yield self._detect(data, ahead)

    def _detect(self, block: bytes, ahead: bytes) -> bytes:
        """Choose the encoding at the first block with a non-ASCII byte; drop a BOM."""
        if self.encoding is None:
            if block.isascii():
                self._lines_before += block.count(b"\n")
                return block
            found = _FIRST_NON_ASCII.search(block)
            first = found.start() if found else 0
            start = block.rfind(b"\n", 0, first) + 1
            sample = block[start : start + SAMPLE]
            if len(sample) < SAMPLE:
                sample += ahead[: SAMPLE - len(sample)]
            if len(block) - start + len(ahead) > SAMPLE:
                sample = sample[: sample.rfind(b"\n") + 1] or sample  # whole lines only
            if block.startswith(b"\xef\xbb\xbf") and start > 0:
                sample = b"\xef\xbb\xbf" + sample
            self.encoding = guess_encoding(sample)
            self.first_non_ascii_line = self._lines_before + block.count(b"\n", 0, first) + 1
        if block.startswith(b"\xef\xbb\xbf"):
            block = block[3:]
        return block

    @property
    def one_byte(self) -> bool:
        """True while every byte is one character (ASCII so far, CP437 or ISO-8859-15)."""
        return self.encoding in (None, "cp437", "iso-8859-15")

    def decode(self, block: bytes) -> str:
        """``block`` (from :meth:`blocks`, or a part of one) as text in the chosen encoding."""
        if self.encoding is None:
            return block.decode("ascii")
        try:
            return block.decode(self.encoding)
        except UnicodeDecodeError:
            self.replaced += 1
            return block.decode(self.encoding, errors="replace")
