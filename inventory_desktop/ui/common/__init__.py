"""Pieces every window uses: form dialogs, paged models, formatting."""
