"""Dose calculations that need no Django: SSDE (AAPM TG-204/TG-220), CT effective dose estimates
from DLP with k-factors, and statistics for diagnostic reference levels."""
