"""A stocktake's variance in money, as the review and the count window say it.

The values come from the services (the commit plan, the movements posted):
nothing here prices anything. A value the ledger does not know is said to be
not known, never shown as 0.
"""

from __future__ import annotations

from decimal import Decimal

from ... import services
from ..common.formatting import NOT_KNOWN, money_text


def signed_money(value: Decimal | None, symbol: str) -> str:
    """'+€2.30', '-€4.36', 'not known'."""
    if value is None:
        return NOT_KNOWN
    text = money_text(value, symbol)
    return text if text.startswith("-") else f"+{text}"


def values_by_item(plan: services.CommitPlan) -> dict[int, Decimal | None]:
    """Each planned item's value change, its reasons added up (None: not known)."""
    values: dict[int, Decimal | None] = {}
    for change in plan.changes:
        before = values.get(change.item_id, Decimal(0))
        values[change.item_id] = (None if before is None or change.value is None
                                  else before + change.value)
    return values


def plan_summary(plan: services.CommitPlan, symbol: str) -> str:
    """What the commit would post, in money, and which items' value is not known."""
    if not plan.changes:
        return "Nothing to post, so no value changes."
    lost, gained = plan.value_lost, plan.value_gained
    parts = [f"{word} {money_text(abs(amount), symbol)}"
             for word, amount in (("lost", lost), ("found", gained)) if amount]
    sides = f" ({', '.join(parts)})" if len(parts) > 1 else ""
    text = (f"<b>Variance in money: {signed_money(lost + gained, symbol)}</b>{sides}, "
            "at each item's average cost now.")
    unknown = plan.value_not_known
    if unknown:
        names = ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
        text += (f" The value of {len(unknown)} item(s) is not known (stock from before "
                 f"costs were kept) and is left out: {names}.")
    return text


def worth_sentence(plan: services.CommitPlan, symbol: str) -> str:
    """For the question before committing: what the adjustments are worth."""
    net = signed_money(plan.value_lost + plan.value_gained, symbol)
    unknown = len(plan.value_not_known)
    return (f"Worth {net} at the average cost now"
            + (f"; the value of {unknown} item(s) is not known." if unknown else "."))


def posted_text(report: services.CommitReport, symbol: str) -> str:
    """After a commit: what was posted, and its value read from the movements."""
    count = len(report.movement_ids)
    if not count:
        return (f"Stocktake {report.stocktake.id} committed: every counted item matched "
                "its ledger, nothing was posted.")
    text = (f"Stocktake {report.stocktake.id} committed: {count} adjustment(s) posted, "
            f"{signed_money(report.value_posted, symbol)} in value")
    unknown = report.value_not_known
    if unknown:
        text += f" ({unknown} of them of a value not known)"
    return text + "."
