"""Misprint localisation: the one cell whose correction makes every broken check hold.

A check is a linear equation over printed cells (a total and its parts, a row
under a column relation): ``target - Σ sign × term`` is its residual, and it
holds when the residual is within its rounding bound. When several checks
break and they share a cell, correcting that one cell by some amount may make
all of them hold while every check that holds today still holds. That cell is
the likely misprint; the other breaks are its consequences.

The breaks are grouped into components (breaks sharing a cell); in each, the
cells common to every break are tried. A cell is named when exactly one
candidate explains the component, or when exactly one of several candidates'
corrections looks like a typing slip (:func:`likely_cause`): two digits
swapped, one digit wrong, the sign lost, the decimal point moved.

Standard library only.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal

CellKey = tuple[int, int]  # (row index, column index)

CAUSES = {
    "sign": "omvänt tecken",
    "transposed": "två siffror har bytt plats",
    "digit": "en siffra är fel",
    "decimal": "decimaltecknet har hamnat fel",
}


@dataclass(frozen=True, slots=True)
class Misprint:
    """A cell whose correction to ``implied`` makes every check in ``explains`` hold."""

    cell: CellKey
    printed: Decimal
    implied: Decimal
    cause: str  # a key of CAUSES, or ""
    explains: tuple[Hashable, ...]


def localise(
    broken: Sequence[Hashable],
    *,
    cells_of: Callable[[Hashable], dict[CellKey, int]],
    residual: Callable[[Hashable], tuple[Decimal, Decimal]],
    checks_of: Callable[[CellKey], Sequence[Hashable]],
    value_of: Callable[[CellKey], tuple[Decimal, int] | None],
) -> list[Misprint]:
    """One misprint per group of breaks that a single cell explains (see the module doc).

    ``cells_of(check)`` gives each cell's coefficient in the check's residual
    (+1 for the total, -sign for a term); ``residual(check)`` the printed
    residual and its rounding bound; ``checks_of(cell)`` every check the cell
    takes part in (holding or not); ``value_of(cell)`` its printed value and
    decimals (None for a blank cell, which is never named).
    """
    found: list[Misprint] = []
    for component in _components(broken, cells_of):
        common = set(cells_of(component[0]))
        for check in component[1:]:
            common &= set(cells_of(check))
        candidates: list[Misprint] = []
        for cell in sorted(common):
            printed = value_of(cell)
            if printed is None:
                continue
            m = _correct(cell, printed, component, cells_of, residual, checks_of)
            if m is not None:
                candidates.append(m)
        if len(candidates) > 1:
            slips = [m for m in candidates if m.cause]
            candidates = slips if len(slips) == 1 else []
        if len(candidates) == 1:
            found.append(candidates[0])
    return found


def _components(
    broken: Sequence[Hashable], cells_of: Callable[[Hashable], dict[CellKey, int]]
) -> list[list[Hashable]]:
    parent = list(range(len(broken)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[CellKey, int] = {}
    for i, check in enumerate(broken):
        for cell in cells_of(check):
            if cell in owner:
                parent[root(i)] = root(owner[cell])
            else:
                owner[cell] = i
    groups: dict[int, list[Hashable]] = {}
    for i, check in enumerate(broken):
        groups.setdefault(root(i), []).append(check)
    return list(groups.values())


def _correct(
    cell: CellKey,
    printed: tuple[Decimal, int],
    component: Sequence[Hashable],
    cells_of: Callable[[Hashable], dict[CellKey, int]],
    residual: Callable[[Hashable], tuple[Decimal, Decimal]],
    checks_of: Callable[[CellKey], Sequence[Hashable]],
) -> Misprint | None:
    """The correction of ``cell`` that makes every check it is in hold, or None."""
    value, decimals = printed
    low: Decimal | None = None
    high: Decimal | None = None
    centre: Decimal | None = None
    tightest: Decimal | None = None
    for check in checks_of(cell):
        a = cells_of(check).get(cell, 0)
        r, bound = residual(check)
        if a == 0:
            if abs(r) > bound:
                return None
            continue
        # |r + a·δ| ≤ bound
        lo, hi = (-bound - r) / a, (bound - r) / a
        lo, hi = min(lo, hi), max(lo, hi)
        low = lo if low is None else max(low, lo)
        high = hi if high is None else min(high, hi)
        if tightest is None or bound < tightest:
            tightest, centre = bound, -r / a
    if low is None or high is None or centre is None or low > high:
        return None
    unit = Decimal(1).scaleb(-decimals)
    # The printed value's own decimals: the correction is a figure as it would be printed.
    first = (low / unit).to_integral_value(rounding="ROUND_CEILING")
    last = (high / unit).to_integral_value(rounding="ROUND_FLOOR")
    if first > last or first == last == 0:
        return None
    steps = [first + i for i in range(int(min(last - first, Decimal(40))) + 1)]
    options = [value + s * unit for s in steps if s != 0]
    if not options:
        return None
    options.sort(key=lambda v: abs(v - value - centre))
    for option in options:
        cause = likely_cause(value, option, decimals)
        if cause:
            return Misprint(cell, value, option, cause, tuple(component))
    return Misprint(cell, value, options[0], "", tuple(component))


def likely_cause(printed: Decimal, implied: Decimal, decimals: int) -> str:
    """Which typing slip turns ``implied`` into ``printed`` (a key of CAUSES), or ""."""
    scale = Decimal(1).scaleb(decimals)
    p, q = printed * scale, implied * scale
    if p != p.to_integral_value() or q != q.to_integral_value() or p == q:
        return ""
    if p != 0 and p == -q:
        return "sign"
    if p != 0 and q != 0 and (p < 0) == (q < 0):
        for k in (1, 2, 3):
            factor = Decimal(10) ** k
            if p == q * factor or q == p * factor:
                return "decimal"
    if (p < 0) != (q < 0) and p != 0 and q != 0:
        return ""
    a, b = str(abs(int(p))), str(abs(int(q)))
    if len(a) != len(b):
        return ""
    differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(differ) == 1:
        return "digit"
    if len(differ) == 2 and a[differ[0]] == b[differ[1]] and a[differ[1]] == b[differ[0]]:
        return "transposed"
    return ""
