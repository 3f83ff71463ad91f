"""The restaurant's words the ledger accepts: units, movement types and reasons."""

from __future__ import annotations

UNITS = ("kg", "g", "L", "mL", "piece", "portion", "other")
MOVEMENT_TYPES = ("in", "out", "adjustment")
REASONS = ("purchase", "order_usage", "waste", "theft", "correction", "transfer", "initial")

# Which reasons fit which action; "initial" is written only by create_item.
RECEIVE_REASONS = ("purchase", "transfer", "correction")
DEDUCT_REASONS = ("order_usage", "waste", "theft", "transfer", "correction")
ADJUST_REASONS = ("correction", "waste", "theft")
REVERSE_REASONS = ("correction", "purchase", "order_usage", "waste", "theft", "transfer")

REASON_LABELS = {
    "purchase": "Purchase",
    "order_usage": "Order usage",
    "waste": "Waste",
    "theft": "Theft",
    "correction": "Correction",
    "transfer": "Transfer",
    "initial": "Initial stock",
}



def reason_named(text: str) -> str:
    """The reason a person means: its code or its label, any case ("Order usage" -> order_usage).

    Text that names no reason is returned as it is, for the services to refuse.
    """
    wanted = " ".join(text.replace("_", " ").replace("-", " ").split()).casefold()
    for reason, label in REASON_LABELS.items():
        if wanted in (label.casefold(), reason.replace("_", " ")):
            return reason
    return text


# The reference type that marks a movement undoing another one.
REVERSAL = "reversal"
