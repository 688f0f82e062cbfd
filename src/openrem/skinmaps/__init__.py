"""Skin dose maps in the web interface: stored results, background calculation, safelist, display.

The calculation itself is :mod:`openrem.skin` (no Django). Other features read the peak skin dose
through :func:`openrem.skinmaps.services.peak_skin_dose_gy` or the ``SkinDoseMap`` model
(``study.skin_dose_map.peak_skin_dose_gy``).
"""
