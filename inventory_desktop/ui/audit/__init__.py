"""The audit window: item changes and the audit log."""
