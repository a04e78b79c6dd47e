"""YAML depth and alias expansion are bounded before anything is built (issue 18, item 6)."""

from __future__ import annotations

import pytest

from styrkort.core.limits import MAX_YAML_DEPTH, MAX_YAML_NODES
from styrkort.sources.safe_yaml import YamlLimit, check
from styrkort.sources.yamlloc import YamlError, load


def billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(levels):
        prev, cur = chr(97 + i), chr(98 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_before_expansion() -> None:
    with pytest.raises(YamlLimit) as info:
        check(billion_laughs())
    assert info.value.limit is MAX_YAML_NODES


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    with pytest.raises(YamlError) as info:
        load("[" * 100_000 + "]" * 100_000)
    assert info.value.limit is MAX_YAML_DEPTH


def test_self_containing_alias_is_refused() -> None:
    with pytest.raises(YamlError) as info:
        load("a: &a [1, *a]\n")
    assert info.value.limit is MAX_YAML_NODES


def test_small_aliases_still_work() -> None:
    data, _ = load("base: &b {x: 1}\nother: *b\n")
    assert data["other"] == {"x": "1"}
