"""States shown to people as a symbol and a word, never by colour alone (WCAG 1.4.1)."""

from __future__ import annotations

import enum


class SymbolWord(enum.Enum):
    """An enum whose values are ``(symbol, word)``; subclasses list the states."""

    @property
    def symbol(self) -> str:
        return str(self.value[0])

    @property
    def label(self) -> str:
        return str(self.value[1])

    @property
    def css(self) -> str:
        """The state's CSS class (its name in lower case)."""
        return self.name.lower()
