"""Log readers ("profiles"): ticket logs, call logs, sick-leave records and staff surveys.

A profile knows one export format: which columns hold what, how dates are
written, which states mean what. ``load(con, path, profile, params)`` reads the
file into a DuckDB connection and returns a ``LoadedLog``:

- kind ``tickets``: table ``tickets`` (one row per ticket, columns in
  ``TICKET_COLUMNS``) and, for event logs, ``ticket_states`` (state intervals);
- kind ``calls``: table ``calls`` (``CALL_COLUMNS``);
- kinds ``sick-leave`` and ``hme``: small in-memory records (``records``).

Malformed rows become findings with their line numbers and are left out;
a file that cannot be read at all raises ``UnreadableInput``. The formats and
reduction rules are documented in docs/metrics.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from styrkort.core.findings import Finding
from styrkort.sources.logs._files import UnreadableInput

__all__ = [
    "CALL_COLUMNS",
    "PROFILES",
    "TICKET_COLUMNS",
    "LoadedLog",
    "Profile",
    "UnreadableInput",
    "load",
    "profile_param_names",
]

TICKET_COLUMNS = (
    "ticket_id",
    "line",
    "opened_at",
    "responded_at",
    "resolved_first_at",
    "resolved_at",
    "closed_at",
    "priority_open",
    "priority_final",
    "category",
    "cancelled",
    "duplicate",
    "escalated",
    "resolving_group",
    "resolving_level",
    "reopened",
)
CALL_COLUMNS = (
    "call_id",
    "line",
    "arrived_at",
    "queue",
    "offered",
    "answered",
    "abandoned",
    "wait_s",
    "phantom",
)


@dataclass
class LoadedLog:
    """What a profile read: the kind, findings, and (for HR data) the records."""

    kind: str
    file: str
    findings: list[Finding] = field(default_factory=list)
    has_states: bool = False
    records: list[Any] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Profile:
    """One export format. ``params`` maps a parameter name to its Swedish description."""

    name: str
    kind: str
    description: str
    params: Mapping[str, str]
    columns: Mapping[str, str]
    """Logical column -> default column name; each can be changed with ``col.<logical>``."""
    loader: Callable[[Any, Path, Mapping[str, str]], LoadedLog]


PROFILES: dict[str, Profile] = {}


def register(profile: Profile) -> Profile:
    PROFILES[profile.name] = profile
    return profile


def profile_param_names(profile: Profile) -> set[str]:
    names = set(profile.params) | {"mapping"}
    names |= {f"col.{c}" for c in profile.columns}
    return names


def expand_mapping(path: Path, params: Mapping[str, str]) -> dict[str, str]:
    """Merge a YAML column mapping (``mapping=FILE``) under the explicit parameters.

    The YAML file holds ``columns: {logical: header}`` and any other profile
    parameter as a key (lists become comma-separated). A relative path is taken
    relative to the data file's folder.
    """
    merged: dict[str, str] = {}
    name = params.get("mapping")
    if name:
        import yaml

        mpath = Path(name)
        if not mpath.is_absolute():
            mpath = path.parent / mpath
        try:
            data = _load_mapping(mpath)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise UnreadableInput(
                mpath,
                f"Kolumnmappningen {mpath} kan inte läsas ({exc}).",
                "Kontrollera sökvägen och att filen är giltig YAML.",
            ) from exc
        if not isinstance(data, dict):
            raise UnreadableInput(mpath, f"Kolumnmappningen {mpath} är inte en YAML-tabell.", "")
        for key, value in data.items():
            if key == "columns" and isinstance(value, dict):
                for logical, column in value.items():
                    merged[f"col.{logical}"] = str(column)
            elif isinstance(value, dict):
                for sub, v in value.items():
                    merged[f"{key}.{sub}"] = _flat(v)
            else:
                merged[str(key)] = _flat(value)
    merged.update({k: v for k, v in params.items() if k != "mapping"})
    return merged


def _load_mapping(mpath: Path) -> Any:
    """The mapping file's YAML: a regular file within the size limit, depth and aliases bounded."""
    import yaml

    from styrkort.core.findings import Source
    from styrkort.core.limits import exceeded
    from styrkort.sources import confine, safe_yaml

    mpath.stat()  # a missing file is an OSError, reported as an unreadable mapping
    try:
        text = confine.read_bytes(mpath, Source(mpath.name)).decode("utf-8")
        safe_yaml.check(text)
    except confine.Refused as exc:
        raise UnreadableInput.from_finding(mpath, exc.finding) from exc
    except safe_yaml.YamlLimit as exc:
        finding = exceeded(exc.limit, Source(mpath.name, exc.line), exc.actual)
        raise UnreadableInput.from_finding(mpath, finding) from exc
    return yaml.safe_load(text) or {}


def _flat(value: object) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def column_names(profile: Profile, params: Mapping[str, str]) -> dict[str, str | None]:
    """Logical column -> header name after ``col.*`` overrides (an empty value drops the column)."""
    out: dict[str, str | None] = {}
    for logical, default in profile.columns.items():
        value = params.get(f"col.{logical}", default)
        out[logical] = value or None
    return out


def load(con: Any, path: Path, profile: Profile, params: Mapping[str, str]) -> LoadedLog:
    """Read ``path`` with ``profile`` into ``con``. Raises UnreadableInput."""
    merged = expand_mapping(path, params)
    return profile.loader(con, path, merged)


def _register_builtin() -> None:
    from styrkort.sources.logs import bpic2013, generic, hr, servicenow, technion

    for module in (servicenow, bpic2013, technion, generic, hr):
        for profile in module.PROFILES:
            register(profile)


_register_builtin()
