"""The Reports window (valuation, period, usage, waste, low stock, charts) and the order list."""
