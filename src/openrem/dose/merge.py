"""Combine the dose data of several image objects of one study (pure functions over records).

Radiography, mammography, NM and PET images each carry one exposure (or one administration and
one PET series). Many images make one study. The merge is order independent: events are sorted
by start time and UID, totals are recomputed from the events' own accumulated rows, and the
study-level attributes are those of the earliest acquisition.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from openrem.dicom import codes
from openrem.dicom import records as r

_EARLY = dt.datetime.min


def _sum(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _event_key(e: r.ProjectionEvent) -> tuple[dt.datetime, str]:
    return (e.date_time_started or _EARLY, e.irradiation_event_uid)


def duplicate_of(existing: tuple[r.ProjectionEvent, ...], new: r.ProjectionEvent) -> r.ProjectionEvent | None:
    """The stored event that ``new`` repeats: same event UID, or same acquisition time (the "for
    processing" and "for presentation" images of one exposure); None for a new exposure."""
    for e in existing:
        if e.irradiation_event_uid == new.irradiation_event_uid:
            return e
        if new.date_time_started is not None and e.date_time_started == new.date_time_started:
            return e
    return None


# image laterality (CID 244) -> breast (CID 6022 style) used by accumulated mammography rows
_BREASTS = (
    (codes.RIGHT, r.Coded("73056007", "SCT", "Right breast")),
    (codes.LEFT, r.Coded("80248007", "SCT", "Left breast")),
    (codes.RIGHT_AND_LEFT, r.Coded("63762007", "SCT", "Both breasts")),
)


def _breast(laterality: r.Coded | None) -> r.Coded | None:
    if laterality is None:
        return None
    if laterality_is_breast(laterality):
        return laterality
    for side, breast in _BREASTS:
        if side.matches(laterality.value, laterality.scheme):
            return breast
    return None


def accumulated_from_events(events: tuple[r.ProjectionEvent, ...],
                            template: r.AccumulatedXrayDose | None) -> r.AccumulatedXrayDose:
    """Accumulated data of an image-built study, recomputed from all its events: total DAP, dose and
    frames (TID 10007 equivalent) for radiography; AGD per breast (TID 10005) for mammography."""
    plane = template.acquisition_plane if template else r.Coded("113622", "DCM", "Single Plane")
    integrated = None
    if template is None or template.accum_integrated is not None:
        integrated = r.AccumIntegrated(
            dose_area_product_total=_sum([e.dose_area_product for e in events]),
            dose_rp_total=_sum([e.source.dose_rp if e.source else None for e in events]),
            total_number_of_radiographic_frames=len(events),
            reference_point_definition=template.accum_integrated.reference_point_definition
            if template and template.accum_integrated else None,
        )
    mammo: list[r.AccumMammography] = []
    if template is not None and template.accum_mammography:
        sides: dict[tuple[str, str], tuple[r.Coded, list[float | None]]] = {}
        for e in events:
            breast = _breast(e.laterality)
            if breast is None:
                continue
            agd = e.source.average_glandular_dose if e.source else None
            sides.setdefault((breast.value, breast.scheme), (breast, []))[1].append(agd)
        mammo = [r.AccumMammography(laterality=b, accumulated_average_glandular_dose=_sum(v))
                 for b, v in sides.values()]
        mammo.sort(key=lambda m: m.laterality.meaning if m.laterality else "")
    return r.AccumulatedXrayDose(acquisition_plane=plane, accum_integrated=integrated,
                                 accum_mammography=tuple(mammo))


def merge_projection(stored: r.ProjectionXRayDose, image: r.ProjectionXRayDose) -> r.ProjectionXRayDose:
    """Add the events of ``image`` to ``stored`` and recompute the accumulated data from all events."""
    events = tuple(sorted((*stored.events, *image.events), key=_event_key))
    template = (image.accumulated or stored.accumulated or (None,))[0]
    return replace(stored, events=events, accumulated=(accumulated_from_events(events, template),))


def laterality_is_breast(coded: r.Coded | None) -> bool:
    """True for the right/left/both breast codes."""
    return coded is not None and any(
        c.matches(coded.value, coded.scheme) for c in (codes.RIGHT_BREAST, codes.LEFT_BREAST, codes.BOTH_BREASTS))


def merge_radiopharmaceutical(stored: r.RadiopharmaceuticalDose,
                              new: r.RadiopharmaceuticalDose) -> r.RadiopharmaceuticalDose:
    """Add PET series (one per series UID); fill empty fields of an image-derived administration."""
    series = {s.series_uid: s for s in stored.pet_series}
    for s in new.pet_series:
        series.setdefault(s.series_uid, s)
    administrations = stored.administrations or new.administrations
    from_images = all(not a.radiopharmaceutical_administration_event_uid for a in stored.administrations)
    if stored.administrations and new.administrations and from_images:  # never alter an RRDSR's data
        administrations = (_fill_empty(stored.administrations[0], new.administrations[0]),
                           *stored.administrations[1:])
    ordered = tuple(sorted(series.values(), key=lambda s: (s.series_datetime or _EARLY, s.series_uid)))
    return replace(stored, administrations=administrations, pet_series=ordered)


def _fill_empty(kept: r.Administration, other: r.Administration) -> r.Administration:
    updates = {}
    for name in kept.__dataclass_fields__:
        if getattr(kept, name) in (None, ()) and getattr(other, name) not in (None, ()):
            updates[name] = getattr(other, name)
    return replace(kept, **updates) if updates else kept


def append_rrdsr(stored: r.RadiopharmaceuticalDose, rrdsr: r.RadiopharmaceuticalDose) -> r.RadiopharmaceuticalDose:
    """An RRDSR arriving for a study built from images: its administration replaces the image-derived
    one, and the PET series read from the images are kept."""
    return replace(rrdsr, pet_series=tuple(stored.pet_series) + tuple(
        s for s in rrdsr.pet_series if s.series_uid not in {p.series_uid for p in stored.pet_series}))
