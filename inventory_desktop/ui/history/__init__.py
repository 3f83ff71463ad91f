"""The history window: movements and the stock-level chart."""
