"""YAML that remembers where each value stood: mappings and lists carry their line numbers.

Every scalar is read as the text written (no implicit booleans or numbers:
``Ja``, ``0%`` and ``2020-12-31`` stay text), so the workspace reader decides
what a value means and can say where it came from.
"""

from __future__ import annotations

from typing import Any

import yaml

from styrkort.core.limits import Limit
from styrkort.sources import safe_yaml


class LocDict(dict[str, Any]):
    """A mapping with ``line`` (its own first line) and ``lines`` (key → line of the value).

    ``read`` holds the keys a reader has looked up (``get`` or ``[]``): a test of the
    workspace schema finds a declared field that the reader never reads.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = 0
        self.lines: dict[str, int] = {}
        self.key_lines: dict[str, int] = {}
        self.read: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)


class LocList(list[Any]):
    """A sequence with ``line`` and ``lines`` (index → line of the item)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.line = 0
        self.lines: list[int] = [0] * len(self)


class YamlError(Exception):
    """Unreadable YAML; ``limit`` is set when the text is over a limit (depth, alias expansion)."""

    def __init__(
        self, message: str, line: int | None, limit: Limit | None = None, actual: int | None = None
    ) -> None:
        super().__init__(message)
        self.line = line
        self.limit = limit
        self.actual = actual


def _convert(node: yaml.Node, duplicates: list[tuple[str, int]]) -> Any:
    if isinstance(node, yaml.MappingNode):
        d = LocDict()
        d.line = node.start_mark.line + 1
        for key_node, value_node in node.value:
            key = str(_convert(key_node, duplicates))
            if key in d:
                duplicates.append((key, key_node.start_mark.line + 1))
            d[key] = _convert(value_node, duplicates)
            d.lines[key] = value_node.start_mark.line + 1
            d.key_lines[key] = key_node.start_mark.line + 1
        return d
    if isinstance(node, yaml.SequenceNode):
        lst = LocList()
        lst.line = node.start_mark.line + 1
        for item in node.value:
            lst.append(_convert(item, duplicates))
            lst.lines.append(item.start_mark.line + 1)
        return lst
    value = node.value
    style = getattr(node, "style", None)
    if node.tag == "tag:yaml.org,2002:null" or (style is None and value in {"", "~", "null"}):
        return ""
    return str(value)


def _within(text: str, line: int) -> int:
    """``line`` clamped to the text's lines (as PyYAML's own parser counts them): libyaml
    marks an error at the end of a text without a final newline one line past it."""
    last = text.count("\n") + 1
    return max(1, min(line, last))


def load(text: str) -> tuple[Any, list[tuple[str, int]]]:
    """Parse ``text``; returns the data and a list of (duplicate key, line). Raises YamlError.

    Depth and alias expansion are bounded first (``safe_yaml.check``).
    """
    try:
        safe_yaml.check(text)
        node = yaml.compose(text, Loader=safe_yaml.LOADER)
    except safe_yaml.YamlLimit as exc:
        raise YamlError(str(exc), exc.line, exc.limit, exc.actual) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = _within(text, mark.line + 1) if mark is not None else None
        raise YamlError(f"{exc.problem or exc.context}", line) from exc
    except yaml.YAMLError as exc:
        raise YamlError(str(exc), None) from exc
    duplicates: list[tuple[str, int]] = []
    if node is None:
        return LocDict(), duplicates
    return _convert(node, duplicates), duplicates
