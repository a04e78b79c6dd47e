"""Text that XML can hold: the Word and Excel writers refuse control characters.

Text reaches the report from many hands (an owner's comment through the API,
a narrative copied from Word, a cell of an imported table). XML 1.0 allows no
C0 control character other than tab, newline and carriage return, no lone
surrogate and not U+FFFE/U+FFFF; lxml raises on any of them, which once made
one comment break the Word download for everyone. ``xml_safe`` returns the
report model with every string cleaned: a vertical tab or form feed (Word's
manual line and page breaks, pasted) becomes a newline, anything else
invalid is dropped.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

T = TypeVar("T")

_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
_INVALID = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """``text`` without characters that XML 1.0 cannot hold."""
    if text.isprintable():
        return text
    return _INVALID.sub("", text.translate(_BREAKS))


def xml_safe(value: T) -> T:
    """``value`` (a report model, or any nest of dataclasses, tuples, lists, dicts) with clean text."""
    return _clean(value)  # type: ignore[no-any-return]


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            if not f.init:
                continue
            old = getattr(value, f.name)
            new = _clean(old)
            if new is not old:
                changes[f.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    if isinstance(value, tuple):
        items = [_clean(v) for v in value]
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value
