"""SIE 4 reader (types 1–4, 4E and 4I) per the SIE 4B specification.

``read_sie(path)`` gives the whole ledger with every voucher; ``sum_sie(path,
dimensions=("1",))`` streams the file and keeps only sums per account ×
dimensions × month. Both return the value (or None) plus findings; see
docs/sie.md for the API, the finding codes and the CLI.
"""

from styrkort.sources.sie.codes import CODES
from styrkort.sources.sie.model import (
    Account,
    Balance,
    Dimension,
    FinancialYear,
    Header,
    Ledger,
    LedgerSums,
    ObjectBalance,
    Objects,
    PeriodBalance,
    SieResult,
    SumsResult,
    Transaction,
    Voucher,
)
from styrkort.sources.sie.reader import read_sie, sum_sie
from styrkort.sources.sie.writer import write_sie

__all__ = [
    "CODES",
    "Account",
    "Balance",
    "Dimension",
    "FinancialYear",
    "Header",
    "Ledger",
    "LedgerSums",
    "ObjectBalance",
    "Objects",
    "PeriodBalance",
    "SieResult",
    "SumsResult",
    "Transaction",
    "Voucher",
    "read_sie",
    "sum_sie",
    "write_sie",
]
