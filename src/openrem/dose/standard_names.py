"""Standard names: one name for the many local spellings of a study or an acquisition protocol.

A :class:`~openrem.dose.models.StandardName` maps one source value of one modality (a study
description, requested procedure, procedure or acquisition protocol) to a standard name. Nothing is
copied into the studies: the filters below compare the stored values with the mapping through
sub-queries, so adding, changing or deleting a mapping takes effect at once, with no re-linking.

The study list filters "Standard study name" and "Standard acquisition name" are built with
:func:`study_name_q` and :func:`acquisition_name_q` (exact, case-insensitive standard name).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from openrem.dose.models import CtEvent, ProjectionEvent, StandardName, StandardNameSettings

MODALITY_TYPES = {"CT": ("CT",), "DX": ("DX", "CR", "PX"), "RF": ("RF",), "MG": ("MG",)}
STUDY_SOURCES = {  # StandardName field -> Study field
    "study_description": "study_description",
    "requested_procedure": "requested_procedure_code_meaning",
    "procedure": "procedure_code_meaning",
}


def normalise_modality(modality: str) -> str:
    """``"ct"``/``"CT"`` -> ``"CT"``; raises ValueError for a modality without standard names."""
    key = modality.upper()
    if key not in MODALITY_TYPES:
        raise ValueError(f"no standard names for modality {modality!r}")
    return key


def enabled() -> bool:
    """Whether an administrator has switched standard name mapping on."""
    return StandardNameSettings.get().enabled


def _mapped(modality: str, name: str, source: str) -> object:
    return StandardName.objects.filter(modality=normalise_modality(modality), standard_name__iexact=name.strip(),
                                       **{f"{source}__isnull": False}).values(source)


def study_name_q(modality: str, name: str) -> Q:
    """Studies whose description, requested procedure or procedure maps to standard study ``name``."""
    query = Q()
    for source, study_field in STUDY_SOURCES.items():
        query |= Q(**{f"{study_field}__in": _mapped(modality, name, source)})
    return query


def acquisition_name_q(modality: str, name: str) -> Q:
    """Studies with at least one acquisition whose protocol maps to standard acquisition ``name``."""
    model = CtEvent if normalise_modality(modality) == "CT" else ProjectionEvent
    events = model.objects.filter(parent__parent=OuterRef("pk"),
                                  acquisition_protocol__in=_mapped(modality, name, "acquisition_protocol"))
    return Q(Exists(events))


def names_for(modality: str) -> list[str]:
    """The distinct standard names of ``modality``, sorted."""
    return sorted(set(StandardName.objects.filter(modality=normalise_modality(modality))
                      .values_list("standard_name", flat=True)))


def source_values(modality: str, source: str, limit: int = 1000) -> list[str]:
    """Distinct stored values of ``source`` for ``modality`` (suggestions for the mapping form)."""
    from openrem.dose.models import Study

    types = MODALITY_TYPES[normalise_modality(modality)]
    if source == "acquisition_protocol":
        model = CtEvent if types == ("CT",) else ProjectionEvent
        rows = model.objects.filter(parent__parent__modality_type__in=types, acquisition_protocol__isnull=False)
        values = rows.values_list("acquisition_protocol", flat=True)
    else:
        field = STUDY_SOURCES[source]
        values = Study.objects.filter(modality_type__in=types, **{f"{field}__isnull": False}).values_list(
            field, flat=True)
    return sorted({v for v in values.order_by().distinct()[:limit] if v})
