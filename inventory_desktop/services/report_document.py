"""A report as the window, the CSV and PDF files and the command line all show it.

Every report is turned into one `Report`: figures (label and amount), then
tables whose columns say what kind of number they hold. The window, the
files and the command line format the same cells, so what a manager sees is
what the file holds. Money cells are exact Decimals; `None` in a money
column means the value is not known (shown as such, never as 0), and "" a
cell with nothing to say (the average cost of a total).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ..money import format_amount
from ..quantity import format_decimal

# COST: a price per unit, shown with up to 4 places (a gram of basil costs 0.031).
TEXT, QUANTITY, MONEY, COST, PERCENT = "text", "quantity", "money", "cost", "percent"
LINE, STACKED, BARS = "line", "stacked", "bars"
NOT_KNOWN = "value not known"

Cell = str | Decimal | None


@dataclass(frozen=True)
class Column:
    title: str  # what a person reads: "Closing value"
    key: str  # the CSV header and JSON key: "closing_value"
    kind: str = TEXT

    @property
    def numeric(self) -> bool:
        return self.kind != TEXT


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[Cell, ...]]
    total: tuple[Cell, ...] | None = None  # a last row that sums the others
    empty: str = "Nothing to show."  # said instead of an empty table

    def column(self, key: str) -> int:
        """The position of the column with this key."""
        return [column.key for column in self.columns].index(key)


@dataclass(frozen=True)
class Figure:
    label: str
    key: str
    value: Cell
    kind: str = MONEY


@dataclass(frozen=True)
class Chart:
    """What a chart shows: one value per label in each named series (money)."""

    kind: str  # LINE (over days), STACKED (bars per week, one part per series), BARS
    title: str
    labels: list[str]
    series: list[tuple[str, list[Decimal]]]
    empty: str = "Nothing to draw for this period."

    @property
    def has_data(self) -> bool:
        return any(any(values) for _name, values in self.series)


@dataclass(frozen=True)
class Report:
    kind: str  # "valuation", "period", "usage", "waste", "low_stock", "order"
    title: str
    period: str  # "1 Nov 2026 – 30 Nov 2026", or "at 2026-11-30 18:00"
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # sentences shown under the figures
    charts: list[Chart] = field(default_factory=list)
    flat: Table | None = None  # the CSV's table when it is not the first one
    page_per_table: bool = False  # printed with each table on a page of its own
    generated_at: str = field(
        default_factory=lambda: dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M"))

    @property
    def main_table(self) -> Table:
        """The table the CSV export holds: the report's line per item."""
        return self.flat or self.tables[0]

    def table(self, title: str) -> Table:
        return next(table for table in self.tables if table.title == title)


def cell_text(value: Cell, kind: str, symbol: str = "") -> str:
    """A cell as a person reads it: money with 2 places and the symbol, '32.5 %'."""
    if value is None:
        return NOT_KNOWN if kind in (MONEY, COST) else ""
    if isinstance(value, str):
        return value
    if kind == MONEY:
        return format_amount(money_units(value), symbol)  # type: ignore[arg-type]
    if kind == COST:
        exact = money_exact(value)  # type: ignore[arg-type]
        whole, _, places = exact.lstrip("-").partition(".")
        return f"{'-' if exact.startswith('-') else ''}{symbol}{int(whole):,}.{places}"
    if kind == QUANTITY:
        return format_decimal(value)  # type: ignore[arg-type]
    if kind == PERCENT:
        return f"{value} %"
    return str(value)


def figure_text(figure: Figure, symbol: str = "") -> str:
    """A figure as shown, with words where there is no number."""
    if figure.value is None:
        if figure.key == "sales":
            return "not entered"
        return NOT_KNOWN if figure.kind == MONEY else "—"
    return cell_text(figure.value, figure.kind, symbol)


def cell_exact(value: Cell, kind: str) -> str | None:
    """A cell as a file holds it: exact decimals, no symbol, no rounding (None: unknown)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if kind in (MONEY, COST):
        return money_exact(value)  # type: ignore[arg-type]
    if kind == QUANTITY:
        return format_decimal(value)  # type: ignore[arg-type]
    return str(value)


def money_exact(value: Decimal) -> str:
    """'12.50', '0.8234': every place the ledger keeps, at least two."""
    text = format(value.quantize(Decimal("0.0001")), "f")
    whole, _, places = text.partition(".")
    return f"{whole}.{places.rstrip('0').ljust(2, '0')}"


def money_units(value: Decimal) -> int:
    """A money Decimal as ten-thousandths (the ledger's own integer)."""
    return int(value.scaleb(4))
