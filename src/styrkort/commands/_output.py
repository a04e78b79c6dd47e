"""What every command prints the same way: the JSON envelope and the exit codes (docs/cli.md).

Every ``--json`` output is one JSON object ``{"ok": …, "findings": […], …}``: ``ok`` is
False when the command failed or found an error, ``findings`` lists every finding as
``Finding.as_dict()`` (code, severity, file, line, message, hint), and the other keys are
the command's own result. The exit codes below are the same for every command.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from styrkort.core.findings import Finding, has_errors

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

EXIT_CODES = {
    EXIT_OK: "done; no error-level finding",
    EXIT_FINDINGS: "an error-level finding, or the input could not be read (nothing produced)",
    EXIT_USAGE: "the command line is wrong (unknown option or format, bad value, output folder not empty)",
}


def exit_code(findings: Iterable[Finding]) -> int:
    """:data:`EXIT_FINDINGS` when any finding is an error, else :data:`EXIT_OK`."""
    return EXIT_FINDINGS if has_errors(list(findings)) else EXIT_OK


def envelope(
    findings: Iterable[Finding | Mapping[str, Any]], *, ok: bool | None = None, **result: Any
) -> dict[str, Any]:
    """The JSON envelope: ``ok`` (default: no error among ``findings``), ``findings``, ``result``."""
    items = list(findings)
    as_dicts = [f.as_dict() if isinstance(f, Finding) else dict(f) for f in items]
    if ok is None:
        ok = not any(d.get("severity") == "error" for d in as_dicts)
    return {"ok": ok, "findings": as_dicts, **result}


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def print_json(data: Mapping[str, Any], stream: Any = None) -> None:
    """Print an envelope (``ok`` and ``findings`` first) as indented UTF-8 JSON."""
    assert "ok" in data and "findings" in data, "every --json output is an envelope"
    out = stream or sys.stdout
    out.write(json.dumps(data, ensure_ascii=False, indent=2, default=_default) + "\n")
