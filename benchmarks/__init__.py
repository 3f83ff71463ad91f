"""Benchmarks for inventory_desktop: run with `python -m benchmarks.run [--quick]`."""
