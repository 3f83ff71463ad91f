"""inventory_desktop: an offline-first stock ledger for a restaurant back office."""

__version__ = "0.1.0"
