"""docs/api.md: the public API as documented, its examples run in order; ``__all__`` is all there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import styrkort

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "api.md"


def _examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)


def test_the_examples_in_docs_api_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    import styrkort.render  # noqa: F401  (as a program that also uses the renderers has)

    namespace: dict[str, object] = {"out": tmp_path}
    examples = _examples()
    assert len(examples) >= 5
    for number, code in enumerate(examples, start=1):
        try:
            exec(compile(code, f"docs/api.md example {number}", "exec"), namespace)
        except Exception as exc:  # name the example that failed
            raise AssertionError(f"docs/api.md example {number} fails: {exc!r}") from exc


def test_every_name_in_all_exists_and_is_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    for name in styrkort.__all__:
        assert getattr(styrkort, name) is not None
        if not name.startswith("_") and name[0].islower():
            assert f"{name}(" in doc or f"styrkort.{name}" in doc, f"docs/api.md lacks {name}"


def test_no_public_name_is_shadowed_by_a_subpackage() -> None:
    """Importing ``styrkort.render`` sets the package's attribute ``render``: a public function
    of that name would be replaced by the module as soon as any code imports the renderers."""
    import pkgutil

    subpackages = {m.name for m in pkgutil.iter_modules(styrkort.__path__)}
    assert not set(styrkort.__all__) & subpackages


def test_the_package_is_typed() -> None:
    assert (REPO / "src" / "styrkort" / "py.typed").is_file()
    assert '"py.typed"' in (REPO / "pyproject.toml").read_text(encoding="utf-8")
