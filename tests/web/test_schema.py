"""The workspace schema (sources/schema.py) against every place that handles a field.

A field declared in the schema must be read by the reader, written by the canonical
writer, documented in docs/workspace.md and, when the database stores it, have its
column in web/models.py and survive web/mapping.py both ways. ``places_missing``
names each place that does not; a test adds a field to the schema and expects every
place to be named.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from styrkort.sources import schema
from styrkort.sources.workspace import load_workspace
from styrkort.sources.workspace_write import workspace_files, write_workspace
from styrkort.web import models as m
from styrkort.web.commands import import_or_replace
from styrkort.web.mapping import store_workspace, workspace_of

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = [REPO / "examples" / "sydnarke-it-2020", REPO / "examples" / "exempel-delar-2021"]
DOC = REPO / "docs" / "workspace.md"

pytestmark = pytest.mark.django_db

# Sections read elsewhere: finance.ledger by sources/ledger.py (tests/sources/test_ledger.py);
# the history section and its tables name files and folders the Sydnärke copy does not have
# (the published report prints no earlier year): tests/history/ reads, writes and stores them.
NOT_IN_EVERY_FIELD_FOLDER = {"ledger", "history", "operating_history", "investments_history"}
# The municipality's styrkort.yaml is another folder's file (tests/municipality/ reads every
# field of it; the web stores it as text).
NOT_IN_EVERY_FIELD_FOLDER |= {s.name for s in schema.SECTIONS if s.name.startswith("municipality")}

# Columns of the workspace models that are no workspace field, and why.
BOOKKEEPING = {
    "id": "primary key",
    "organisation": "foreign key",
    "period": "foreign key",
    "goal": "foreign key",
    "position": "the order of the rows (the order in the folder)",
    "version": "optimistic locking of the web",
    "state": "the web's workflow (open, approved, locked)",
    "finance_version": "optimistic locking of the finance screen",
    "word_template_data": "the bytes of publication.word_template",
}

WORKSPACE_MODELS = (
    "Organisation",
    "Member",
    "Period",
    "CouncilGoal",
    "Goal",
    "Indicator",
    "OperatingRow",
    "InvestmentRow",
    "FramePart",
    "NarrativeSection",
)


# ---------------------------------------------------------------------------
# Walking a YAML document by a section's path


def _paths(section: schema.Section) -> list[str]:
    return [p.strip() for p in section.path.split(",")] if section.path else [""]


def _first(doc: Any, path: str, *, create: bool = False) -> dict[str, Any] | None:
    """The first mapping at ``path`` (``goals[].indicators[]``) that exists; made when ``create``.

    ``dict.get`` does not count as the reader reading a key (``LocDict.get`` does).
    """
    if not isinstance(doc, dict):
        return None
    if not path:
        return doc
    head, _, rest = path.partition(".")
    key, is_list = head.removesuffix("[]"), head.endswith("[]")
    value = dict.get(doc, key)
    if value in ("", None) or value == []:
        if not create:
            return None
        value = doc[key] = [{}] if is_list else {}
    if not is_list:
        return _first(value, rest, create=create)
    if not isinstance(value, list):
        return None
    for item in value:
        found = _first(item, rest)
        if found is not None:
            return found
    return _first(value[0], rest, create=True) if create else None


def _example(f: schema.Field) -> Any:
    text = f.example or f.default or "x"
    if f.type in {"mapping", "list", "statuses"}:
        return yaml.safe_load(text)
    return text


def _sections_of(file: str) -> list[schema.Section]:
    return [
        s
        for s in schema.SECTIONS
        if s.file == file and not s.table and s.name not in NOT_IN_EVERY_FIELD_FOLDER
    ]


def every_field_folder(dst: Path) -> Path:
    """A copy of the Sydnärke example in which every field of the schema is set (first items)."""
    shutil.copytree(EXAMPLES[0], dst)
    for file in ("styrkort.yaml", "goals.yaml"):
        doc = yaml.safe_load((dst / file).read_text(encoding="utf-8"))
        for _round in range(3):  # nested sections appear once their parent is there
            for s in _sections_of(file):
                for path in _paths(s):
                    d = _first(doc, path, create=_round > 0)
                    for f in s.fields if d is not None else ():
                        if d.get(f.key) in (None, "") and not f.section:
                            d[f.key] = _example(f)
        (dst / file).write_text(
            yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    for s in schema.SECTIONS:
        if not s.table or s.name in NOT_IN_EVERY_FIELD_FOLDER:
            continue
        path = dst / s.file
        lines = path.read_text(encoding="utf-8").splitlines()
        text = "\n".join(ln for ln in lines if not ln.startswith("#"))
        rows = list(csv.DictReader(io.StringIO(text)))
        header = list(rows[0])
        for f in s.fields:
            if f.key not in header:
                header.append(f.key)
                for r in rows:
                    r[f.key] = f.example
        buf = io.StringIO()
        w = csv.DictWriter(buf, header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        path.write_text(buf.getvalue(), encoding="utf-8")
    return dst


def _documents(files: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, text in files.items():
        if name.endswith(".yaml"):
            out[name] = yaml.safe_load(text)
        elif name.endswith(".csv"):
            out[name] = list(csv.DictReader(io.StringIO(text)))
    return out


def _value(docs: dict[str, Any], s: schema.Section, path: str, key: str) -> Any:
    """The value of ``key`` at ``path`` of section ``s`` in parsed files (``_missing`` when absent)."""
    doc = docs.get(s.file)
    if s.table:
        return doc[0].get(key, _missing) if doc else _missing
    d = _first(doc, path)
    return _missing if d is None else dict.get(d, key, _missing)


_missing = object()


# ---------------------------------------------------------------------------
# Every place


def places_missing(tmp: Path) -> list[str]:
    """One line per (field, place) that does not handle the field."""
    problems: list[str] = []
    folder = every_field_folder(tmp / "every-field")
    loaded = load_workspace(folder)
    ws = loaded.workspace
    assert ws is not None, [str(f) for f in loaded.findings]
    # Alternatives (Field.when, e.g. a tolerance's ratio and bands) are both set: the one that
    # does not apply is read, and the reader says that it ignores it.
    ignored = [f for f in loaded.findings if f.code == "workspace.ignored_key"]
    wrong = [f for f in loaded.findings if f.code.startswith("workspace.") and f not in ignored]
    assert not wrong, [f"{f.source}: {f.code} {f.message}" for f in wrong]
    given = _documents(ws.files)
    written = _documents(workspace_files(ws))
    # the database both ways
    period = store_workspace(ws)
    from_db = _documents(workspace_files(workspace_of(period)))
    for s in schema.SECTIONS:
        if s.name in NOT_IN_EVERY_FIELD_FOLDER:
            continue
        for f in s.fields:
            name = f"{s.where}.{f.key}" if s.path else f"{s.file}: {f.key}"
            # a Markdown file's parts are checked by the round trip of the narrative below
            for path in _paths(s) if not s.markdown else []:
                if s.table:
                    read = True  # a table's columns are checked by the writer below
                else:
                    d = _first(loaded.documents.get(s.file), path)
                    read = d is None or f.key not in d or f.key in d.read
                if not read:
                    problems.append(f"{name}: not read by sources/workspace.py")
                set_in_folder = _value(given, s, path, f.key) is not _missing
                here = _first(given.get(s.file), path) if not s.table else None
                if set_in_folder and here is not None and not f.applies(s, here):
                    # ignored with a warning: neither written back nor stored
                    if not any(f"'{f.key}' i {s.what}" in w.message for w in ignored):
                        problems.append(
                            f"{name}: ignored without a warning by sources/workspace.py"
                        )
                    continue
                out, db = _value(written, s, path, f.key), _value(from_db, s, path, f.key)
                if set_in_folder and out is _missing:
                    problems.append(f"{name}: not written by sources/workspace_write.py")
                if f.stored and ((set_in_folder and db is _missing) or out != db):
                    problems.append(
                        f"{name}: lost or changed by web/mapping.py (store_workspace, workspace_of)"
                    )
            for model in [s.model] if s.model else ["Goal", "Indicator"]:
                column = schema.column_of(s, f).replace("….", f"{model}.")
                model_name, _, col = column.partition(".")
                if f.stored and col not in _columns(model_name):
                    problems.append(
                        f"{name}: web/models.py has no column {model_name}.{col} "
                        "(add it and a migration)"
                    )
                elif not f.stored and not f.not_stored and not f.section:
                    problems.append(f"{name}: neither stored nor says why (sources/schema.py)")
    if schema.with_field_reference(DOC.read_text(encoding="utf-8")) != DOC.read_text(
        encoding="utf-8"
    ):
        problems.append(
            "docs/workspace.md: the field reference is out of date "
            "(run python -m styrkort.sources.schema docs/workspace.md)"
        )
    return problems


def _columns(model_name: str) -> set[str]:
    model = getattr(m, model_name)
    return {f.name for f in model._meta.get_fields()}


def test_every_field_is_handled_by_every_place(tmp_path: Path) -> None:
    assert places_missing(tmp_path) == []


def test_every_workspace_column_is_declared_in_the_schema() -> None:
    declared: set[str] = set()
    for s in schema.SECTIONS:
        for f in s.fields:
            if f.stored:
                for model in [s.model] if s.model else ["Goal", "Indicator"]:
                    declared.add(schema.column_of(s, f).replace("….", f"{model}."))
    undeclared = [
        f"{name}.{f.name}"
        for name in WORKSPACE_MODELS
        for f in getattr(m, name)._meta.concrete_fields
        if f"{name}.{f.name}" not in declared and f.name not in BOOKKEEPING
        # a foreign key's column is <name>_id; its field name is what the schema names
    ]
    assert undeclared == [], (
        "columns of web/models.py that sources/schema.py does not declare: " + ", ".join(undeclared)
    )


def test_a_new_field_names_every_place_that_does_not_handle_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    indicator = schema.section("indicator")
    extra = schema.Field("shoe_size", "text", "Skostorlek.", column="shoe_size", example="42")
    grown = dataclasses.replace(indicator, fields=(*indicator.fields, extra))
    monkeypatch.setitem(schema.SCHEMA, "indicator", grown)
    monkeypatch.setattr(
        schema, "SECTIONS", tuple(grown if s is indicator else s for s in schema.SECTIONS)
    )
    problems = [p for p in places_missing(tmp_path) if "shoe_size" in p or "docs/" in p]
    text = "\n".join(problems)
    for place in (
        "not read by sources/workspace.py",
        "not written by sources/workspace_write.py",
        "web/mapping.py",
        "web/models.py has no column Indicator.shoe_size",
        "docs/workspace.md",
    ):
        assert place in text, (place, problems)
    assert all("goals[].indicators[].shoe_size" in p for p in problems if "docs/" not in p)


def _plain(value: Any) -> Any:
    """A core value without where it was read from (files, lines, screens)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in {"source", "sources", "files", "investment_total_label_source"}
        }
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize("which", ["sydnarke-it-2020", "exempel-delar-2021", "every-field"])
def test_folder_import_export_gives_the_folder_back(tmp_path: Path, which: str) -> None:
    """From the original folder (not from an export): nothing is lost on the way through the database."""
    src = (
        every_field_folder(tmp_path / "src")
        if which == "every-field"
        else REPO / "examples" / which
    )
    original = load_workspace(src)
    assert original.workspace is not None and original.ok
    period, _ = import_or_replace(original.workspace)
    assert period is not None
    write_workspace(workspace_of(period), tmp_path / "out")
    back = load_workspace(tmp_path / "out")
    assert back.workspace is not None and back.ok, [str(f) for f in back.findings]
    assert _plain(back.workspace) == _plain(original.workspace)


def test_word_template_survives_import_and_export(tmp_path: Path) -> None:
    """The defect of issue 11: publication.word_template was dropped on import."""
    src = tmp_path / "src"
    shutil.copytree(EXAMPLES[0], src)
    main = src / "styrkort.yaml"
    main.write_text(
        main.read_text(encoding="utf-8") + "publication: {word_template: templates/mall.docx}\n",
        encoding="utf-8",
    )
    ws = load_workspace(src).workspace
    assert ws is not None and ws.word_template == "templates/mall.docx"
    period, _ = import_or_replace(ws)
    assert period is not None
    write_workspace(workspace_of(period), tmp_path / "out")
    assert "word_template: templates/mall.docx" in (tmp_path / "out" / "styrkort.yaml").read_text(
        encoding="utf-8"
    )
    assert (tmp_path / "out" / "templates" / "mall.docx").read_bytes() == (
        src / "templates" / "mall.docx"
    ).read_bytes()


def test_docs_field_reference_is_generated_from_the_schema() -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert schema.with_field_reference(doc) == doc, (
        "docs/workspace.md is out of date: run python -m styrkort.sources.schema docs/workspace.md"
    )
    for s in schema.SECTIONS:
        assert f"### {s.where}\n" in doc


def test_api_and_openapi_show_the_schemas_api_fields(example_period: m.Period) -> None:
    from styrkort.web.api import OPENAPI, _indicator_json

    ind = m.Indicator.objects.filter(period=example_period).select_related("goal").first()
    assert ind is not None
    data = _indicator_json(ind, None)
    props = OPENAPI["components"]["schemas"]["Indicator"]["properties"]
    for f in schema.api_fields("indicator"):
        assert f.key in data, f"web/api.py: the indicator JSON lacks {f.key}"
        assert f.key in props, f"web/api.py: OpenAPI's Indicator lacks {f.key}"


def test_finance_findings_from_the_database_name_the_row_not_its_position(
    example_period: m.Period,
) -> None:
    """A finance row's source is its category or project, so a finding stays on its row when
    rows are added or reordered (issue 11: matched by id, never by position)."""
    ws = workspace_of(example_period)
    assert [r.source.file for r in ws.operating][:2] == [
        f"web:ekonomi/drift/{r.category}" for r in ws.operating[:2]
    ]
    assert {r.source.file for r in ws.investments} == {
        f"web:ekonomi/investeringar/{r.project}" for r in ws.investments
    }
    assert ws.frames[0].source.file == (
        f"web:ekonomi/ramar/{ws.frames[0].project}/{ws.frames[0].member}"
    )


def test_the_web_word_download_uses_the_stored_template(tmp_path: Path) -> None:
    """Issue 11: the web's Word download ignored the municipality's template (it was not stored)."""
    import docx

    src = tmp_path / "src"
    shutil.copytree(EXAMPLES[0], src)
    main = src / "styrkort.yaml"
    main.write_text(
        main.read_text(encoding="utf-8") + "publication: {word_template: templates/mall.docx}\n",
        encoding="utf-8",
    )
    ws = load_workspace(src).workspace
    assert ws is not None
    m.Organisation.objects.all().delete()
    period, _ = import_or_replace(ws)
    assert period is not None
    from django.contrib.auth import get_user_model
    from django.test import Client

    c = Client()
    reader = get_user_model().objects.create_user("mallen", password="x-123-abc-DEF")
    m.Membership.objects.create(user=reader, organisation=period.organisation, role=m.Role.READER)
    c.force_login(reader)
    resp = c.get(f"/period/{period.pk}/rapport/docx/")
    assert resp.status_code == 200
    document = docx.Document(io.BytesIO(resp.content))
    texts = [p.text for p in document.paragraphs]
    assert "LEKEBERGS KOMMUN" in texts  # the template's own first line
