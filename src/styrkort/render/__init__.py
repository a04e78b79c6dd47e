"""Renderers: the report model → HTML, PDF, DOCX, XLSX (and charts).

Each format is a module ``styrkort.render.<name>`` with ``write(report, out_dir) -> Path``.
"""

from __future__ import annotations

import importlib

# format name → (module in styrkort.render, label shown to people)
FORMATS: dict[str, tuple[str, str]] = {
    "html": ("html", "HTML"),
    "pdf": ("pdf", "PDF"),
    "docx": ("docx", "Word (DOCX)"),
    "xlsx": ("xlsx", "Excel (XLSX)"),
}


def available_formats() -> list[str]:
    """The formats whose renderer imports in this installation."""
    out = []
    for name, (module, _) in FORMATS.items():
        try:
            importlib.import_module(f"styrkort.render.{module}")
        except ImportError:
            continue
        out.append(name)
    return out
