"""The item table and the dialogs that change items and their stock."""
