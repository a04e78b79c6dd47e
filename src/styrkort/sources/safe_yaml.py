"""A YAML pre-check that bounds depth and alias expansion before anything is built.

PyYAML's composer and constructor are recursive (deep nesting gives a
``RecursionError``), and aliases (``&a`` … ``*a``) share one node that every
reader walking the data expands again ("billion laughs": a 1 KB file that
stands for 10⁹ values). ``check`` walks the parser's event stream, which is
neither recursive nor expanding, and counts what a reader would see: the
nesting depth and the number of values with every alias expanded. A file
over ``core.limits.MAX_YAML_DEPTH`` or ``MAX_YAML_NODES``, or with an alias
to a node that contains itself, is refused before it is composed.
"""

from __future__ import annotations

import yaml

from styrkort.core.limits import MAX_YAML_DEPTH, MAX_YAML_NODES, Limit

#: libyaml's parser when PyYAML was built with it (ten times faster), else the Python one;
#: both read every scalar as text (no implicit types).
LOADER: type = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


class YamlLimit(Exception):
    """The text is over a limit; ``line`` is where it was noticed (1-based)."""

    def __init__(self, limit: Limit, actual: int | None, line: int | None) -> None:
        super().__init__(f"{limit.name} {actual}")
        self.limit = limit
        self.actual = actual
        self.line = line


def check(text: str) -> None:
    """Raise ``YamlLimit`` when ``text`` nests too deep or expands to too many values.

    Syntax errors are left to the real load (``yaml.YAMLError`` may propagate).
    """
    try:
        _walk(text)
    except yaml.MarkedYAMLError as exc:
        # libyaml stops at its own nesting limit (1000) while scanning ahead,
        # before the events reach ours
        if "maximum nesting depth" in str(exc.problem):
            mark = exc.problem_mark
            raise YamlLimit(MAX_YAML_DEPTH, None, mark.line + 1 if mark else None) from exc
        raise


def _walk(text: str) -> None:
    depth = 0
    total = 0
    sizes: dict[str, int] = {}
    open_nodes: list[tuple[str | None, int]] = []
    for event in yaml.parse(text, Loader=LOADER):
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        if isinstance(event, yaml.ScalarEvent):
            total += 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.CollectionStartEvent):
            total += 1
            depth += 1
            if depth > MAX_YAML_DEPTH.value:
                raise YamlLimit(MAX_YAML_DEPTH, depth, line)
            open_nodes.append((event.anchor, total))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
            anchor, start = open_nodes.pop()
            if anchor:
                sizes[anchor] = total - start + 1
        elif isinstance(event, yaml.AliasEvent):
            size = sizes.get(event.anchor or "")
            if size is None:
                if any(anchor == event.anchor for anchor, _ in open_nodes):
                    # an alias inside its own anchor: the data would contain itself
                    raise YamlLimit(MAX_YAML_NODES, None, line)
                continue  # an undefined alias: the composer reports it
            total += size
        if total > MAX_YAML_NODES.value:
            raise YamlLimit(MAX_YAML_NODES, total, line)
