"""Synthetic DICOM dose objects."""
