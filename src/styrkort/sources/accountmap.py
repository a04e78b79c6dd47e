"""The organisation's mapping from ledger accounts to report categories (driftredovisningens slag).

A mapping is a CSV file in the workspace (docs/sie.md), one rule per line,
either by prefix or by range::

    prefix,category,kind
    5,PERSONALKOSTNADER,cost
    654,"DATABEHANDLING, LICENSER",cost

    from,to,category,kind
    3600,3699,DRIFTBIDRAG FR KOMMUNER,revenue

The two column sets may be mixed in one file (``prefix,from,to,category,kind``
with the unused cells empty). ``kind`` (revenue/intäkt or cost/kostnad) is
optional: accounts in class 3 are revenue, others cost.

A range compares the first ``len(from)`` digits of the account, so
``3600,3699`` and ``36,36`` mean the same thing. The most specific rule wins
(the longest prefix or range bound): ``654`` beats ``65`` beats ``6``. Two rules
of the same length that both match and name different categories are an
ambiguity (``accountmap.ambiguous``); an account in the ledger's result classes
(3–8) that no rule matches is ``accountmap.unmapped``.

Without a file, :func:`default_kommunbas` gives the Kommun-Bas default and says
that it is a default (``accountmap.default``, info).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from styrkort.core.finance import RowKind
from styrkort.core.findings import Finding, Source, error, has_errors, info, warning
from styrkort.sources.table import Records, read_records, records_from_text

KINDS = {
    "revenue": RowKind.REVENUE,
    "intäkt": RowKind.REVENUE,
    "intakt": RowKind.REVENUE,
    "cost": RowKind.COST,
    "kostnad": RowKind.COST,
}

RESULT_CLASSES = ("3", "4", "5", "6", "7", "8")


@dataclass(frozen=True, slots=True)
class Rule:
    """Accounts whose first ``len(low)`` digits lie in ``low``..``high`` map to ``category``."""

    low: str
    high: str
    category: str
    kind: RowKind
    source: Source

    @property
    def length(self) -> int:
        return len(self.low)

    def matches(self, account: str) -> bool:
        head = account[: len(self.low)]
        return len(head) == len(self.low) and self.low <= head <= self.high


@dataclass(frozen=True, slots=True)
class AccountMap:
    """Rules in file order; ``categories`` in the order they first appear (the report's row order)."""

    rules: tuple[Rule, ...]
    is_default: bool = False
    name: str = ""

    @property
    def categories(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for r in self.rules:
            seen.setdefault(r.category, None)
        return tuple(seen)

    def kind_of(self, category: str) -> RowKind:
        for r in self.rules:
            if r.category == category:
                return r.kind
        return RowKind.COST

    def candidates(self, account: str) -> list[Rule]:
        """The most specific matching rules (more than one category means ambiguous)."""
        best: list[Rule] = []
        for r in self.rules:
            if r.matches(account):
                if not best or r.length > best[0].length:
                    best = [r]
                elif r.length == best[0].length:
                    best.append(r)
        return best

    def category(self, account: str) -> str | None:
        """The account's category, or None when no rule or two categories match."""
        best = self.candidates(account)
        cats = {r.category for r in best}
        return best[0].category if len(cats) == 1 else None

    def categorise(
        self, accounts: Mapping[str, Source] | Iterable[str], *, file: str = ""
    ) -> tuple[dict[str, str], list[Finding]]:
        """Map every account; findings for result accounts with no category or two.

        ``accounts`` maps an account to where it was first used (for the
        finding's file:line), or is a plain iterable of accounts.
        """
        where: Mapping[str, Source] = (
            accounts if isinstance(accounts, Mapping) else {a: Source(file) for a in accounts}
        )
        out: dict[str, str] = {}
        findings: list[Finding] = []
        for account in sorted(where):
            best = self.candidates(account)
            cats = sorted({r.category for r in best})
            if len(cats) == 1:
                out[account] = cats[0]
            elif len(cats) > 1:
                rules = ", ".join(str(r.source) for r in best)
                findings.append(
                    error(
                        where[account],
                        "accountmap.ambiguous",
                        f"Konto {account} hör till två kategorier: {' och '.join(cats)} (regler {rules}).",
                        "Ändra kontoplansmappningen så att kontot bara täcks av en regel av samma längd, "
                        "eller lägg till en mer specifik regel för kontot.",
                        account=account,
                        categories=cats,
                    )
                )
            elif account[:1] in RESULT_CLASSES:
                findings.append(
                    warning(
                        where[account],
                        "accountmap.unmapped",
                        f"Konto {account} hör inte till någon kategori; beloppet kommer inte med i driftredovisningen.",
                        f"Lägg till en regel för kontot i {self.name or 'kontoplansmappningen'} "
                        "(prefix eller intervall).",
                        account=account,
                    )
                )
        return out, findings


def default_kommunbas() -> tuple[AccountMap, list[Finding]]:
    """The Kommun-Bas default: 3 revenue, 4 and 6–7 other costs, 5 personnel, 79 depreciation, 8 financial.

    Licences and internal interest are booked differently by different
    municipalities, so this is only a starting point; the info finding says so.
    """
    src = Source("Kommun-Bas (standard)")
    rules = (
        Rule("3", "3", "Verksamhetens intäkter", RowKind.REVENUE, src),
        Rule("5", "5", "Personalkostnader", RowKind.COST, src),
        Rule("4", "4", "Övriga verksamhetskostnader", RowKind.COST, src),
        Rule("6", "7", "Övriga verksamhetskostnader", RowKind.COST, src),
        Rule("79", "79", "Avskrivningar", RowKind.COST, src),
        Rule("8", "8", "Finansiella poster", RowKind.COST, src),
    )
    note = info(
        src,
        "accountmap.default",
        "Kontona grupperas enligt standardindelningen för Kommun-Bas (klass 3 intäkter, 5 personal, "
        "4 och 6–7 övriga kostnader, 79 avskrivningar, 8 finansiella poster). Licenser och intern ränta "
        "bokförs olika i olika kommuner.",
        "Lägg en egen mappning (accounts.csv med from,to,category eller prefix,category) i arbetsytan "
        "för att få organisationens egna kategorier.",
    )
    return AccountMap(rules, is_default=True, name="Kommun-Bas (standard)"), [note]


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def parse_account_map(text: str, name: str) -> tuple[AccountMap | None, list[Finding]]:
    """Rules from CSV text; None (and error findings) when the file cannot be used."""
    return account_map_of(records_from_text(text, name, code="accountmap.read"))


def account_map_of(table: Records) -> tuple[AccountMap | None, list[Finding]]:
    """Rules from a table read by ``sources/table.py``; None (and findings) when unusable."""
    name = table.name
    findings: list[Finding] = list(table.findings)
    if table.header is None:
        return None, findings
    if not table.header:
        return None, [
            error(
                Source(name, 1),
                "accountmap.empty",
                "Kontoplansmappningen är tom.",
                "Första raden ska vara from,to,category eller prefix,category, sedan en regel per rad.",
            )
        ]
    header = table.header
    has_prefix = "prefix" in header
    has_range = "from" in header and "to" in header
    if "category" not in header or not (has_prefix or has_range):
        return None, [
            error(
                Source(name, table.header_line),
                "accountmap.columns",
                f"Rubrikraden {','.join(header)!r} saknar kolumnerna from,to,category eller prefix,category.",
                "Skriv rubrikraden from,to,category (intervall) eller prefix,category (kontoprefix); "
                "kolumnen kind (revenue/cost) är frivillig.",
            )
        ]
    rules: list[Rule] = []
    for record in table.rows:
        row = record.values
        src = Source(name, record.line)
        category = row.get("category", "")
        prefix = row.get("prefix", "")
        low, high = row.get("from", ""), row.get("to", "")
        if prefix:
            low = high = prefix
        if not category:
            findings.append(
                error(src, "accountmap.row", "Regeln saknar kategori.", "Fyll i kolumnen category.")
            )
            continue
        if not (_digits(low) and _digits(high)) or len(low) != len(high) or low > high:
            findings.append(
                error(
                    src,
                    "accountmap.row",
                    f"Regeln för {category!r} har inget giltigt prefix eller intervall ({low!r}–{high!r}).",
                    "Ange ett kontoprefix (t.ex. 5) eller from och to med lika många siffror och from ≤ to "
                    "(t.ex. 3600,3699).",
                )
            )
            continue
        kind_text = row.get("kind", "").lower()
        if kind_text:
            kind = KINDS.get(kind_text)
            if kind is None:
                findings.append(
                    error(
                        src,
                        "accountmap.row",
                        f"Okänd typ {row.get('kind')!r}.",
                        "Skriv revenue (intäkt) eller cost (kostnad), eller lämna tomt.",
                    )
                )
                continue
        else:
            kind = RowKind.REVENUE if low.startswith("3") else RowKind.COST
        rules.append(Rule(low, high, category, kind, src))
    # a category is revenue or cost, never both
    kinds: dict[str, Rule] = {}
    for r in rules:
        first = kinds.setdefault(r.category, r)
        if first.kind is not r.kind:
            findings.append(
                error(
                    r.source,
                    "accountmap.kind",
                    f"Kategorin {r.category!r} är {r.kind.value} här men {first.kind.value} på rad {first.source.line}.",
                    "En kategori är antingen intäkt eller kostnad; rätta kolumnen kind.",
                )
            )
    if has_errors(findings):
        return None, findings
    return AccountMap(tuple(rules), name=name), findings


def read_account_map(
    path: Path | str, *, name: str | None = None
) -> tuple[AccountMap | None, list[Finding]]:
    """Read an account mapping (CSV or XLSX, sources/table.py); None and findings when it
    cannot be used."""
    p = Path(path)
    return account_map_of(read_records(p, name=name or p.name, code="accountmap.read"))
