"""Moving data in and out of the program: importing items, exporting to CSV."""
