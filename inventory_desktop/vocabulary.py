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

# The reference type that marks a movement undoing another one.
REVERSAL = "reversal"
