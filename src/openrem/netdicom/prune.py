"""Query-retrieve pruning at study and series level, and duplicates processing (spec: "Query filtering
logic", "Duplicates processing"). Pure functions over :mod:`openrem.netdicom.prune_types` objects.

Order of use (see ``qrscu``): :func:`prune_studies` on the study-level responses; then, once each
study's series are known, :func:`prune_series_level`; then the per-modality rules of
:mod:`openrem.netdicom.prune_modality`; then :func:`remove_duplicates` for studies already in the
database. Every dropped item keeps its reason; :func:`reason_counts` summarises them.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable

from openrem.netdicom.prune_types import GROUP_PRIORITY, GROUPS, Options, Series, Study, matches_any

DUPLICATE_CHECK_MODALITIES = {"SR", "MG", "DX", "CR", "PX", "PT", "NM"}


def dedupe_studies(studies: Iterable[Study]) -> tuple[list[Study], int]:
    """Drop repeated responses for the same study (one C-FIND per modality finds multi-modality
    studies more than once); returns the unique ones and how many were removed."""
    seen: dict[str, Study] = {}
    removed = 0
    for study in studies:
        first = seen.get(study.study_instance_uid)
        if first is None:
            seen[study.study_instance_uid] = study
            continue
        removed += 1
        for modality in study.modalities_in_study:
            if modality not in first.modalities_in_study:
                first.modalities_in_study.append(modality)
    return list(seen.values()), removed


def prune_studies(studies: Iterable[Study], options: Options) -> tuple[list[Study], int]:
    """Study-level filtering: duplicate responses, SR-only mode, study description include/exclude and
    (when asked for) station name include/exclude. Returns all unique studies (dropped ones marked)
    and the number of duplicate responses removed."""
    unique, removed = dedupe_studies(studies)
    for study in unique:
        if options.sr_only and study.modalities_returned and set(study.modalities_in_study) - {"SR"}:
            study.drop("SR only: study has modalities other than SR")
        _description_filter(study, options)
        if options.station_study_level:
            _station_filter_study(study, options)
    return unique, removed


def _include_exclude(value: str | None, exclude: list[str], include: list[str], what: str,
                     level: str = "") -> str | None:
    """Why ``value`` is dropped by the exclude/include term lists, or None when it is kept (or was not
    returned by the remote, so cannot be filtered)."""
    if value is None:
        return None
    if exclude and matches_any(value, exclude):
        return f"{what} '{value}' matches an exclude term{level}"
    if include and not matches_any(value, include):
        return f"{what} '{value}' matches no include term{level}"
    return None


def _description_filter(study: Study, options: Options) -> None:
    reason = _include_exclude(study.description, options.desc_exclude, options.desc_include, "study description")
    if reason:
        study.drop(reason)


def _station_filter_study(study: Study, options: Options) -> None:
    reason = _include_exclude(study.station_name, options.station_exclude, options.station_include,
                              "station name", " (study level)")
    if reason:
        study.drop(reason)


def _station_filter_series(series: Series, options: Options) -> None:
    reason = _include_exclude(series.station_name, options.station_exclude, options.station_include, "station name")
    if reason:
        series.drop(reason)


def choose_group(modalities: Iterable[str], options: Options) -> str:
    """Which modality rules apply to a study with these modalities ('' when none was requested)."""
    if options.sr_only:
        return "SR"
    present = set(modalities)
    for group in GROUP_PRIORITY:
        if group in options.modalities and present & set(GROUPS[group]):
            return group
    return ""


def prune_series_level(study: Study, options: Options) -> list[Study]:
    """Series-level processing of one study whose series are known: ModalitiesInStudy built from the
    series when the remote did not return it, studies with no requested modality dropped, station
    filters at series level, the modality group chosen. A PET-CT study with both CT and NM requested
    is returned twice (a CT copy and an NM copy); otherwise a one-element list."""
    if not study.modalities_returned or not study.modalities_in_study:
        study.modalities_in_study = sorted({s.modality for s in study.series if s.modality})
    if not study.kept:
        return [study]
    if not study.series:
        study.drop("no series returned")
        return [study]
    if not options.station_study_level:
        for series in study.series:
            _station_filter_series(series, options)
        if not study.kept_series():
            study.drop("every series removed by the station name filters")
            return [study]
    present = set(study.modalities_in_study)
    if options.sr_only and present - {"SR"}:
        study.drop("SR only: study has modalities other than SR")
        return [study]
    study.group = choose_group(present, options)
    if not study.group:
        wanted = ", ".join(sorted(options.wanted_modalities()))
        study.drop(f"no requested modality in study (has {', '.join(sorted(present)) or 'none'}; wanted {wanted})")
        return [study]
    if study.group == "CT" and "NM" in options.modalities and present & set(GROUPS["NM"]):
        nm_copy = copy.deepcopy(study)
        nm_copy.group = "NM"
        return [study, nm_copy]
    return [study]


def series_needing_duplicate_check(study: Study) -> list[Series]:
    """Kept series of a study already in the database whose image-level responses are needed."""
    return [s for s in study.kept_series() if s.modality in DUPLICATE_CHECK_MODALITIES and not s.images_queried]


def remove_duplicates(study: Study, processed_uids: set[str]) -> None:
    """Duplicates processing for a study already in the database: objects whose SOP Instance UID was
    already processed are dropped; series that cannot be checked at image level are dropped;
    empty series and studies follow."""
    for series in study.kept_series():
        if series.modality not in DUPLICATE_CHECK_MODALITIES:
            series.drop("study already in the database and this series cannot be checked for duplicates")
            continue
        for image in series.kept_images():
            if image.sop_instance_uid in processed_uids:
                image.drop("already imported (duplicate SOP Instance UID)")
        if series.images and not series.kept_images():
            series.drop("every object already imported")
        elif series.images and len(series.kept_images()) < len(series.images):
            series.image_level_move = True
    if not study.kept_series():
        study.drop("nothing left after duplicates processing")


def finalise(study: Study) -> None:
    """After all rules: series whose kept images are a subset are moved image by image; a study
    with nothing left is dropped."""
    for series in study.kept_series():
        if series.images and not series.kept_images():
            series.drop("no objects left")
        elif series.first_image_only or (series.images and len(series.kept_images()) < len(series.images)):
            series.image_level_move = True
    if study.kept and not study.kept_series():
        study.drop("no series left")


def reason_counts(studies: Iterable[Study]) -> Counter[str]:
    """How many studies were dropped for each reason (reasons with quoted values are grouped)."""
    counts: Counter[str] = Counter()
    for study in studies:
        if not study.kept:
            counts[study.reason.split("'")[0].strip() if "'" in study.reason else study.reason] += 1
    return counts
