"""The stocktake: the count grid, settling conflicts, the review before commit, storage areas."""
