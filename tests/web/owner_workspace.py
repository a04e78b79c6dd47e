"""A workspace for the owners' tools tests: the Sydnärke example plus a goal with eight more
Servicedeskchef indicators, so that one owner has 15, as a zip (imported through the web app).

Shared by tests/web/test_owner_tools.py and tests/web/e2e/test_owner_e2e.py; no Django here.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sydnarke-it-2020"
LABEL = "Uppföljning med ägare"
OWNER = "Servicedeskchef"
EXTRA = 8  # the example has 7 Servicedeskchef indicators


def extra_indicator_ids() -> list[str]:
    return [f"tjanst-{n}" for n in range(1, EXTRA + 1)]


def owner_workspace(root: Path) -> Path:
    """Write the workspace folder under ``root`` and return it."""
    folder = root / "sydnarke-agare"
    shutil.copytree(EXAMPLE, folder)
    main = folder / "styrkort.yaml"
    main.write_text(
        main.read_text(encoding="utf-8").replace(
            "period:\n  year: 2020\n", f"period:\n  year: 2020\n  label: {LABEL}\n", 1
        ),
        encoding="utf-8",
    )
    goals = folder / "goals.yaml"
    lines = [
        "",
        "  - id: tjanster",
        "    title: Tjänsterna levereras i tid",
        "    indicators:",
    ]
    for n, key in enumerate(extra_indicator_ids(), start=1):
        lines += [
            f"      - id: {key}",
            f"        text: Andel leveranser i tid, tjänst {n}",
            '        unit: "%"',
            "        direction: increase",
            '        outcome: ""',
            "        target: minst 80 %",
            f"        owner: {OWNER}",
        ]
    goals.write_text(
        goals.read_text(encoding="utf-8").rstrip("\n") + "\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    assert LABEL in main.read_text(encoding="utf-8"), "the example's period block changed"
    return folder


def zipped(folder: Path) -> bytes:
    """``folder`` as a zip with the folder itself at the top, as a user would pack it."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return buf.getvalue()
