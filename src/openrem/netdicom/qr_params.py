"""Query-retrieve parameters: checking them (web form and CLI share the rules) and turning them into
pruning :class:`~openrem.netdicom.prune_types.Options` and DICOM date/time ranges. No Django here.

Parameters are a JSON-able dict stored in ``Query.parameters``: ``modalities`` (list of CT MG FL DX
NM), ``sr_only``, ``date_from``/``date_until``/``single_date`` (yyyy-mm-dd), ``time_from``/
``time_until`` (hhmm, single date only), ``desc_exclude``/``desc_include``/``stationname_exclude``/
``stationname_include`` (comma separated), ``stationname_study_level``, ``toshiba``, ``get_empty_sr``,
``duplicates`` (True: also retrieve objects processed before).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openrem.netdicom.prune_types import GROUPS, Options, split_terms


def _date(value: str, name: str, errors: list[str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.append(f"{name}: '{value}' is not a date (yyyy-mm-dd)")
        return None


def _time(value: str, name: str, errors: list[str]) -> str:
    text = value.replace(":", "")
    if len(text) != 4 or not text.isdigit() or int(text[:2]) > 23 or int(text[2:]) > 59:
        errors.append(f"{name}: '{value}' is not a time (hhmm)")
    return text


def check(params: dict[str, Any]) -> list[str]:
    """The problems with ``params`` (empty list: fine)."""
    errors: list[str] = []
    mods = params.get("modalities") or []
    unknown = [m for m in mods if m not in GROUPS]
    if unknown:
        errors.append(f"unknown modalities: {', '.join(unknown)}")
    if params.get("sr_only") and mods:
        errors.append("SR only cannot be combined with modalities")
    if not params.get("sr_only") and not mods:
        errors.append("choose at least one modality, or SR only")
    single = params.get("single_date")
    if single and (params.get("date_from") or params.get("date_until")):
        errors.append("a single date cannot be combined with date from/until")
    if (params.get("time_from") or params.get("time_until")) and not single:
        errors.append("time from/until need a single date")
    dates = {k: _date(params[k], k, errors) for k in ("date_from", "date_until", "single_date") if params.get(k)}
    start, end = dates.get("date_from"), dates.get("date_until")
    if start is not None and end is not None and start > end:
        errors.append("date from is after date until")
    times = {k: _time(str(params[k]), k, errors) for k in ("time_from", "time_until") if params.get(k)}
    if len(times) == 2 and times["time_from"] > times["time_until"]:
        errors.append("time from is after time until")
    return errors


def date_range(params: dict[str, Any]) -> str:
    """The StudyDate match value: ``yyyymmdd``, ``from-until``, ``from-``, ``-until`` or ''."""
    if params.get("single_date"):
        return str(params["single_date"]).replace("-", "")
    start = str(params.get("date_from") or "").replace("-", "")
    end = str(params.get("date_until") or "").replace("-", "")
    if start and start == end:
        return start
    return f"{start}-{end}" if (start or end) else ""


def time_range(params: dict[str, Any]) -> str:
    """The StudyTime match value (single date only): tf alone → tf to 23:59, tt alone → 00:00 to tt."""
    start = str(params.get("time_from") or "").replace(":", "")
    end = str(params.get("time_until") or "").replace(":", "")
    if not params.get("single_date") or not (start or end):
        return ""
    return f"{start or '0000'}-{end or '2359'}"


def options(params: dict[str, Any]) -> Options:
    """The pruning options for ``params``."""
    return Options(
        modalities=list(params.get("modalities") or []),
        sr_only=bool(params.get("sr_only")),
        desc_exclude=split_terms(params.get("desc_exclude")),
        desc_include=split_terms(params.get("desc_include")),
        station_exclude=split_terms(params.get("stationname_exclude")),
        station_include=split_terms(params.get("stationname_include")),
        station_study_level=bool(params.get("stationname_study_level")),
        toshiba=bool(params.get("toshiba")),
        get_empty_sr=bool(params.get("get_empty_sr")),
        remove_duplicates=not params.get("duplicates"),
    )


def describe(params: dict[str, Any]) -> str:
    """One line for lists and logs."""
    what = "SR only" if params.get("sr_only") else ", ".join(params.get("modalities") or [])
    when = date_range(params) or "any date"
    extra = time_range(params)
    return f"{what}; {when}{' ' + extra if extra else ''}"
