"""The failed-import list: one entry per file (or received object) that could not be imported."""
