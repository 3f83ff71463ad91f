"""The restaurant's words the ledger accepts: units, movement types and reasons."""

from __future__ import annotations

UNITS = ("kg", "g", "L", "mL", "piece", "portion", "other")
MOVEMENT_TYPES = ("in", "out", "adjustment", "revaluation")
REASONS = ("purchase", "order_usage", "waste", "theft", "correction", "transfer", "initial",
           "spoilage", "staff_meal", "miscount", "receiving_error", "stocktake",
           "price_correction", "standard_cost", "opening_value")
# A revaluation changes an item's value, not its quantity: a wrong invoice
# price found later, or stock from before costs were kept valued at a standard
# cost (or at the first cost known, when it arrives: opening_value).
REVALUE_REASONS = ("price_correction", "standard_cost")
VALUE_ONLY_REASONS = (*REVALUE_REASONS, "opening_value")

# Which reasons fit which action; "initial" is written only by create_item.
RECEIVE_REASONS = ("purchase", "transfer", "correction")
DEDUCT_REASONS = ("order_usage", "waste", "theft", "transfer", "correction")
ADJUST_REASONS = ("correction", "waste", "theft")
REVERSE_REASONS = ("correction", "purchase", "order_usage", "waste", "theft", "transfer")

# What a stocktake variance can be put down to, in the order the review
# screen numbers them (1-7; 0 is "unexplained"): the reports then say *why*
# stock went missing rather than one bare correction.
VARIANCE_REASONS = ("waste", "theft", "spoilage", "staff_meal", "miscount",
                    "receiving_error", "transfer")
UNEXPLAINED = "stocktake"

REASON_LABELS = {
    "purchase": "Purchase",
    "order_usage": "Order usage",
    "waste": "Waste",
    "theft": "Theft",
    "correction": "Correction",
    "transfer": "Transfer",
    "initial": "Initial stock",
    "spoilage": "Spoilage",
    "staff_meal": "Staff meal",
    "miscount": "Miscount",
    "receiving_error": "Receiving error",
    "stocktake": "Stocktake (unexplained)",
    "price_correction": "Price correction",
    "standard_cost": "Standard cost",
    "opening_value": "Opening value",
}

# The reference type of the adjustments a stocktake posts (reference_id: its id).
STOCKTAKE = "stocktake"


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
