"""Column relations inferred from the figures: ``X = ±A ±B ±C ±D`` holding on most rows.

Works on a numeric grid (:class:`Grid`): every printed figure as an integer in
units of half the finest printed unit, with the half unit of its own rounding,
so that the search compares integers only. A candidate relation is a target
column and two to four other columns with signs; it *holds* on a row when the
printed target differs from the signed sum of the printed terms by no more than
rounding can explain (the rule of :mod:`styrkort.core.audit`). It is inferred
when it holds on at least :data:`MIN_ROWS` rows and fails on at most one row
in ten of those it can be evaluated on (one in any case). Relations that follow from relations already
chosen (``Utgående = Ingående + Kommunbidrag + Intäkter + Kostnader`` once
``Årets resultat = …`` and ``Utgående = Ingående + Disposition + Årets
resultat`` are in) are left out, so that every inferred relation says
something new.

Standard library only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations, product

MIN_ROWS = 3
MAX_TERMS = 4
# The first rows tried on every candidate; a candidate must hold on most of them.
_PROBE = 3

Figure = tuple[int, int] | None
"""(value, half unit) in the grid's integer unit; None for a blank cell."""

UNREADABLE: tuple[int, int] = (0, -1)
"""Marks a cell with text that is not a number: a row using it is not evaluated."""


@dataclass(frozen=True, slots=True)
class Grid:
    """The figures of a table as integers: ``rows[r][c]`` is a :data:`Figure`."""

    rows: tuple[tuple[Figure, ...], ...]

    def cell(self, row: int, column: int) -> Figure:
        cells = self.rows[row]
        return cells[column] if column < len(cells) else None


@dataclass(frozen=True, slots=True)
class Fit:
    """A relation and how many rows it was evaluated on and held on."""

    target: int
    terms: tuple[tuple[int, int], ...]  # (sign, column)
    matches: int
    evaluated: int


def holds(grid: Grid, row: int, target: int, terms: Sequence[tuple[int, int]]) -> bool | None:
    found = _holds(grid, row, target, terms)
    return None if found is None else found[0]


def _holds(
    grid: Grid, row: int, target: int, terms: Sequence[tuple[int, int]]
) -> tuple[bool, int] | None:
    """Whether the relation holds on ``row`` within rounding; None when it cannot be evaluated.

    A row whose figures are all zero, blank or within rounding of zero says
    nothing and is not evaluated.
    """
    t = grid.cell(row, target)
    if t is None or t is UNREADABLE:
        return None
    computed = bound = coarsest = 0
    filled = False
    largest = abs(t[0])
    for sign, column in terms:
        f = grid.cell(row, column)
        if f is None:
            continue
        if f is UNREADABLE:
            return None
        filled = True
        computed += sign * f[0]
        bound += f[1]
        coarsest = max(coarsest, f[1])
        largest = max(largest, abs(f[0]))
    if not filled:
        return None
    if t[1] > coarsest:
        bound += t[1]
    if largest <= bound:
        # Every figure within rounding of zero: the row fits any signs and says nothing.
        return None
    return abs(t[0] - computed) <= bound, bound


def fit(grid: Grid, target: int, terms: Sequence[tuple[int, int]]) -> Fit:
    matches = evaluated = 0
    columns = [target] + [c for _, c in terms]
    used = [0] * len(columns)
    for row in range(len(grid.rows)):
        found = _holds(grid, row, target, terms)
        if found is None:
            continue
        evaluated += 1
        ok, bound = found
        if ok:
            matches += 1
            for i, column in enumerate(columns):
                f = grid.cell(row, column)
                if f is not None and abs(f[0]) > bound:
                    used[i] += 1
    # A column that is within rounding of zero on nearly every row the relation holds
    # on is not a term of it: a mostly-zero column fits a relation with either sign.
    if min(used) < max(2, matches // 3):
        matches = 0
    return Fit(target, tuple(terms), matches, evaluated)


def accepted(f: Fit) -> bool:
    """Every row but one in ten (one in any case), and never fewer than :data:`MIN_ROWS` rows.

    A misprint breaks a relation on one row; a relation that fails on many rows
    is a regularity of the data, not a rule of the table (a multi-year budget
    that is last years' outcome plus this year's budget for most projects),
    and checking it would call every exception an error.
    """
    return f.matches >= MIN_ROWS and f.evaluated - f.matches <= max(1, f.evaluated // 10)


def _probe_rows(grid: Grid, columns: Sequence[int]) -> list[int]:
    """The rows with a figure in at least three of ``columns``: where a probe is informative."""
    found: list[int] = []
    for r, cells in enumerate(grid.rows):
        filled = sum(1 for c in columns if c < len(cells) and cells[c] not in (None, UNREADABLE))
        if filled >= 3:
            found.append(r)
    return found


def search(
    grid: Grid,
    columns: Sequence[int],
    *,
    known: Sequence[tuple[int, tuple[tuple[int, int], ...]]] = (),
    preference: Sequence[int] = (),
) -> list[Fit]:
    """Relations among ``columns`` that hold on most rows and do not follow from ``known`` ones.

    ``preference[c]`` ranks a column as a target (higher first: a deviation or
    result column over a budget column); ties go to the rightmost target.
    """
    probes = _probe_rows(grid, columns)
    if len(probes) < MIN_ROWS:
        return []
    head = probes[: max(_PROBE, 1)]
    width = max(columns, default=-1) + 1
    given: list[list[Fraction]] = []
    for target, terms in known:
        _independent(given, _vector(width, target, terms))
    targets = {target for target, _ in known}
    candidates: list[Fit] = []
    for target in columns:
        if target in targets:
            continue
        others = [c for c in columns if c != target]
        for k in range(2, MAX_TERMS + 1):
            for combo in combinations(others, k):
                for signs in product((1, -1), repeat=k):
                    terms = tuple(zip(signs, combo, strict=True))
                    ok = 0
                    tried = 0
                    for r in head:
                        result = holds(grid, r, target, terms)
                        if result is None:
                            continue
                        tried += 1
                        ok += result
                    if tried - ok > 1:
                        continue
                    if not _independent(list(given), _vector(width, target, terms)):
                        continue  # a known relation rearranged: nothing new to fit
                    f = fit(grid, target, terms)
                    if accepted(f):
                        candidates.append(f)
    candidates.sort(
        key=lambda f: (
            f.evaluated - f.matches,
            len(f.terms),
            -f.matches,
            -(preference[f.target] if f.target < len(preference) else 0),
            -f.target,
        )
    )
    basis = [list(row) for row in given]
    # One relation per target: two relations giving the same column would be a
    # relation among their terms, found on its own when it holds.
    chosen: list[Fit] = []
    for f in candidates:
        if f.target in targets:
            continue
        if _independent(basis, _vector(width, f.target, f.terms)):
            chosen.append(f)
            targets.add(f.target)
    return chosen


def _vector(width: int, target: int, terms: Sequence[tuple[int, int]]) -> list[Fraction]:
    v = [Fraction(0)] * width
    v[target] += 1
    for sign, column in terms:
        v[column] -= sign
    return v


def _independent(basis: list[list[Fraction]], vector: list[Fraction]) -> bool:
    """Add ``vector`` to the row-echelon ``basis`` if it is not in its span; say whether it was."""
    v = list(vector)
    for row in basis:
        pivot = next(i for i, x in enumerate(row) if x != 0)
        if v[pivot] != 0:
            factor = v[pivot] / row[pivot]
            v = [a - factor * b for a, b in zip(v, row, strict=True)]
    if all(x == 0 for x in v):
        return False
    basis.append(v)
    basis.sort(key=lambda row: next(i for i, x in enumerate(row) if x != 0))
    return True
