"""Splitting a SIE line into fields (SIE 4B §5: fields, quoting, object lists).

Fields are separated by spaces or tabs. A field may be quoted with ``"``; inside
quotes ``\\"`` is a quote and every other character (a backslash too) stands for
itself. An object list ``{1 "100" 6 P1}`` is one field; we return it as a tuple
of ``(dimension, object)`` pairs.

Most lines of a real file have no quotes and no braces; those take the fast
path (``str.split``). The character scanner runs only for the others.
"""

from __future__ import annotations

from typing import NamedTuple

from styrkort.sources.sie.model import Objects

Field = str | Objects


class Split(NamedTuple):
    """The fields of a line, and what was wrong with its quoting or braces (None when nothing)."""

    fields: list[Field]
    problem: str | None = None
    """``"quote"`` (a quote never closed), ``"brace"`` (``{`` never closed or odd pairs)."""


def split_words(text: str) -> list[str]:
    """``text`` split at spaces and tabs only (``str.split()`` would also split at U+00A0 and others)."""
    if text.isascii():
        return text.split()
    return [
        t for t in text.replace("\t", " ").replace("\r", " ").replace("\n", " ").split(" ") if t
    ]


def object_pairs(inner: str) -> Objects | None:
    """The (dimension, object) pairs of an object list's inside, or None when they are odd.

    Quoted parts are taken whole; the rest is split at spaces and tabs. The fast paths
    (``#TRANS`` heads in the reader, object lists in vector.py) share this.
    """
    if '"' in inner:
        parts = inner.split('"')
        if len(parts) % 2 == 0:
            return None
        tokens: list[str] = []
        for i, part in enumerate(parts):
            if i % 2:
                tokens.append(part)
            else:
                tokens.extend(split_words(part))
    else:
        tokens = split_words(inner)
    if len(tokens) % 2:
        return None
    return tuple(zip(tokens[0::2], tokens[1::2], strict=True))


def split_fields(line: str) -> Split:
    """The fields of ``line`` (label included), never raising."""
    if '"' not in line and "{" not in line:
        return Split(list[Field](split_words(line)))
    fields = _segments(line)
    if fields is not None:
        return Split(fields)
    return _scan(line)


def quoted_words(seg: str) -> list[str] | None:
    """Fields of a stretch without braces, or None when its quoting needs the full scanner."""
    if '"' not in seg:
        return split_words(seg)
    parts = seg.split('"')
    last = len(parts) - 1
    if last % 2 != 0:
        return None
    out: list[str] = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(part)
        elif part:
            # a quote must stand between separators: x"y" or "x"y goes to the scanner
            if (i > 0 and part[0] not in " \t") or (i < last and part[-1] not in " \t"):
                return None
            out.extend(split_words(part))
    return out


def _segments(line: str) -> list[Field] | None:
    """The common quoted line, split with str methods; None sends it to the character scanner."""
    if "\\" in line:
        return None
    b = line.find("{")
    if b < 0:
        return quoted_words(line)  # type: ignore[return-value]
    e = line.find("}", b)
    n = len(line)
    if (
        e < 0
        or b == 0
        or line[b - 1] not in " \t"
        or (e + 1 < n and line[e + 1] not in " \t")
        or line.find("{", b + 1) >= 0
        or line.find("}", e + 1) >= 0
    ):
        return None
    pre = quoted_words(line[:b])
    inner = quoted_words(line[b + 1 : e])
    post = quoted_words(line[e + 1 :])
    if pre is None or inner is None or post is None or len(inner) % 2:
        return None
    pairs: Objects = tuple(zip(inner[0::2], inner[1::2], strict=True))
    fields: list[Field] = list(pre)
    fields.append(pairs)
    fields.extend(post)
    return fields


def _objects(tokens: list[str]) -> tuple[Objects, bool]:
    ok = len(tokens) % 2 == 0
    pairs = tuple(zip(tokens[0::2], tokens[1::2], strict=False))
    return pairs, ok


def _scan(line: str) -> Split:
    fields: list[Field] = []
    problem: str | None = None
    i = 0
    n = len(line)
    while i < n:
        c = line[i]
        if c in " \t\r\n":
            i += 1
            continue
        if c == "{":
            tokens: list[str] = []
            i += 1
            closed = False
            while i < n:
                c = line[i]
                if c in " \t\r\n":
                    i += 1
                elif c == "}":
                    i += 1
                    closed = True
                    break
                elif c == '"':
                    text, i, ok = _quoted(line, i + 1)
                    if not ok:
                        problem = problem or "quote"
                    tokens.append(text)
                else:
                    j = i
                    while j < n and line[j] not in ' \t\r\n}"':
                        j += 1
                    tokens.append(line[i:j])
                    i = j
            pairs, even = _objects(tokens)
            if not closed or not even:
                problem = "brace"
            fields.append(pairs)
        elif c == '"':
            text, i, ok = _quoted(line, i + 1)
            if not ok:
                problem = problem or "quote"
            fields.append(text)
        else:
            j = i
            while j < n and line[j] not in " \t\r\n":
                j += 1
            word = line[i:j]
            if '"' in word:
                # a quote in the middle of an unquoted word: the file is broken here
                problem = problem or "quote"
                word = word.replace('"', "")
            fields.append(word)
            i = j
    return Split(fields, problem)


def _quoted(line: str, i: int) -> tuple[str, int, bool]:
    """The text of a quoted field starting after its opening quote; (text, next index, closed)."""
    parts: list[str] = []
    n = len(line)
    start = i
    while i < n:
        c = line[i]
        if c == "\\" and i + 1 < n and line[i + 1] == '"':
            parts.append(line[start:i])
            parts.append('"')
            i += 2
            start = i
        elif c == '"':
            parts.append(line[start:i])
            return "".join(parts), i + 1, True
        else:
            i += 1
    parts.append(line[start:n].rstrip("\r\n"))
    return "".join(parts), n, False


def quote(text: str) -> str:
    """``text`` as a SIE field: quoted when it is empty or holds spaces, quotes or braces."""
    if text and not any(c in text for c in ' \t"{}\\') and not text.startswith("#"):
        return text
    return '"' + text.replace('"', '\\"') + '"'


def format_objects(objects: Objects) -> str:
    return "{" + " ".join(f"{quote(d)} {quote(o)}" for d, o in objects) + "}"
