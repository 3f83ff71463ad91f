"""The delivery and waste-sheet grid: many items booked in one go."""
