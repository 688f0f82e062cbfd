"""PHE 2019 national dose survey layouts (spec 5.2): CT, radiography (single projection and exam), IR/fluoro.

Each is one XLSX sheet whose columns follow the survey spreadsheet, plus a "Notes" sheet with the
warnings of the survey rules (a single-projection survey of studies with several exposures, exams
with more than 6 or 20 projections). Doses: CTDIvol mGy, DLP mGy.cm, DAP cGy.cm2 (stored Gy.m2),
dose at the reference point Gy; heights in cm (stored in m).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, Max, QuerySet

from openrem.dicom import codes
from openrem.dose.models import CtEvent, ProjectionEvent, Study
from openrem.exports.cells import XlsxBook, XlsxSheet
from openrem.exports.source import StudyRow, iter_studies
from openrem.exports.survey_codes import FILTERS, is_code, json_code, lookup, stored_codes
from openrem.modalities.export_columns import (
    GY_M2_TO_CGY_CM2,
    ExportSpec,
    decimal_scale,
    mean_nonzero,
    total_mas,
)

CT_SHEET, DX_SINGLE_SHEET, DX_EXAM_SHEET, RF_SHEET = (
    "PHE CT 2019", "PHE DX 2019 Single Projection", "PHE DX 2019 Exam", "PHE IR-Fluoro")
NOTES = "Notes"
CT_MIN_SERIES = 4
DX_PROJECTIONS, DX_BESPOKE = 6, 20


def _cgy(value: float | None) -> float | None:
    return decimal_scale(value, GY_M2_TO_CGY_CM2) if value is not None else None


def _patient(v: dict[str, Any]) -> list[Any]:
    """Weight (kg), age (years), sex, height (cm)."""
    size = v.get("patient_size")
    return [v.get("patient_weight"), v.get("patient_age_decimal"), v.get("patient_sex"),
            decimal_scale(size, 100.0) if size is not None else None]


def _notes(book: XlsxBook, lines: list[str]) -> None:
    sheet = book.sheet(NOTES)
    for line in lines or ["No warnings."]:
        sheet.row([line])


def _max_per_study(model: Any, qs: QuerySet[Study], exclude: dict[str, Any] | None = None) -> int:
    events = model.objects.filter(parent__parent__in=qs.order_by().values("id"))
    if exclude:
        events = events.exclude(**exclude)
    result = events.order_by().values("parent__parent_id").annotate(n=Count("id")).aggregate(m=Max("n"))
    return int(result["m"] or 0)


# ----------------------------------------------------------------------------- CT

CT_EXTRA = ("ct_acquisition_type_code", "ctdiw_phantom_type_code", "top_z_location_of_scanning_length",
            "bottom_z_location_of_scanning_length")
CT_SERIES = ("scan length (mm)", "start position (mm)", "end position (mm)", "kV", "CTDI phantom (cm)",
             "scan FOV (mm)", "CTDIvol (mGy)", "DLP (mGy.cm)")


def ct_series(row: StudyRow) -> list[dict[str, Any]]:
    """The series of a study for the survey: every event except localisers (constant angle)."""
    return [e for e in row.events if not is_code(e.get("ct_acquisition_type_code"), codes.CONSTANT_ANGLE_ACQUISITION)]


def _ct_values(row: StudyRow, event: dict[str, Any]) -> list[Any]:
    sources = row.event_children.get(event["id"], {}).get(0, [])
    kv = " | ".join(f"{s['kvp']:g}" for s in sources if s.get("kvp") is not None) or None
    phantom = 16 if is_code(event.get("ctdiw_phantom_type_code"), codes.IEC_HEAD_PHANTOM) else (
        32 if is_code(event.get("ctdiw_phantom_type_code"), codes.IEC_BODY_PHANTOM) else None)
    return [event.get("scanning_length"), event.get("top_z_location_of_scanning_length"),
            event.get("bottom_z_location_of_scanning_length"), kv, phantom, None, event.get("mean_ctdivol"),
            event.get("dlp")]


def write_ct(spec: ExportSpec, qs: QuerySet[Study], path: str, *, pid: str = "", progress: Any = None) -> int:
    """Sheet "PHE CT 2019": one row per study; series (localisers skipped) across, at least 4."""
    n_series = max(CT_MIN_SERIES, _max_per_study(CtEvent, qs, {"ct_acquisition_type_code__in": stored_codes(codes.CONSTANT_ANGLE_ACQUISITION)}))
    book = XlsxBook()
    sheet = book.sheet(CT_SHEET)
    header = ["Patient No", "Age (yrs)", "Weight (kg)", "Height (cm)"]
    for n in range(1, n_series + 1):
        header += [f"Series {n} {name}" for name in CT_SERIES]
    sheet.row([*header, "Total DLP (mGy.cm)", "Comment"])
    done = 0
    for row in iter_studies(spec, qs, extra_event_paths=CT_EXTRA):
        done += 1
        weight, age, _sex, height = _patient(row.values)
        values: list[Any] = [done, age, weight, height]
        series = ct_series(row)
        for n in range(n_series):
            values += _ct_values(row, series[n]) if n < len(series) else [None] * len(CT_SERIES)
        kinds = Counter(e.get("ct_acquisition_type") or "unknown type" for e in series)
        comment = "; ".join(f"{kind} x{count}" for kind, count in kinds.items())
        sheet.row([*values, row.values.get("total_dlp"), comment])
        if progress and done % 500 == 0:
            progress(done)
    _notes(book, ["Localisers (constant angle acquisitions) are not listed as series.",
                  "Scan FOV is not in the dose reports and is left blank."])
    book.save(path)
    return done


# ----------------------------------------------------------------------------- radiography

DX_EXTRA = ("distance_source_to_detector", "filters", "exposure_control_mode", "kvp", "exposure_uAs",
            "patient_orientation_cid", "patient_orientation_modifier_cid", "dose_area_product")


def filtration(filters: Any) -> str | None:
    """"Al 1.0 | Cu 0.1": material abbreviation and maximum thickness (mm) of each filter."""
    parts = []
    for item in filters or []:
        value, scheme = json_code(item.get("material") if isinstance(item, dict) else None)
        abbr = lookup(f"{value}|{scheme}", FILTERS) or "?"
        thick = item.get("thickness_max") if isinstance(item, dict) else None
        parts.append(f"{abbr} {thick:g}" if isinstance(thick, int | float) else abbr)
    return " | ".join(parts) or None


def _protocol_text(v: dict[str, Any], event: dict[str, Any] | None) -> str:
    names = [v.get("procedure_code_meaning"), v.get("requested_procedure_code_meaning"), v.get("study_description"),
             (event or {}).get("acquisition_protocol")]
    return " | ".join(n or "" for n in names)


def _projection(event: dict[str, Any]) -> list[Any]:
    """DAP (cGy.cm2), protocol, kVp, mAs, FDD (cm), filtration, AEC."""
    sid = event.get("distance_source_to_detector")
    return [_cgy(event.get("dose_area_product")), event.get("acquisition_protocol"), mean_nonzero(event.get("kvp")),
            total_mas(event.get("exposure_uAs")), decimal_scale(sid, 0.1) if sid is not None else None,
            filtration(event.get("filters")), event.get("exposure_control_mode")]


def write_dx_single(spec: ExportSpec, qs: QuerySet[Study], path: str, *, pid: str = "", progress: Any = None) -> int:
    """Sheet "PHE DX 2019 Single Projection": one row per study with its first projection."""
    book = XlsxBook()
    sheet = book.sheet(DX_SINGLE_SHEET)
    sheet.row(["Record number", "Study pk", "Date", "DAP (first projection)", "DAP units", "Protocol", "Weight (kg)",
               "Age (yrs)", "Sex", "Height (cm)", "Detector", "Grid focal distance (cm)", "FDD (cm)", "Filtration",
               "AEC", "kVp", "mAs", "Patient position"])
    done = several = 0
    for row in iter_studies(spec, qs, extra_event_paths=DX_EXTRA):
        done += 1
        v = row.values
        first = row.events[0] if row.events else {}
        several += len(row.events) > 1
        dap, _protocol, kvp, mas, fdd, filt, aec = _projection(first) if first else [None] * 7
        position = " ".join(p for p in (first.get("patient_orientation_cid"),
                                        first.get("patient_orientation_modifier_cid")) if p) or None
        weight, age, sex, height = _patient(v)
        sheet.row([done, v["id"], v.get("study_date"), dap, "cGy.cm2", _protocol_text(v, first), weight, age, sex,
                   height, None, None, fdd, filt, aec, kvp, mas, position])
        if progress and done % 500 == 0:
            progress(done)
    notes = [f"{several} of {done} studies have more than one exposure; only the first projection is listed "
             "(use the exam export for these)."] if several else []
    _notes(book, notes)
    book.save(path)
    return done


def write_dx_exam(spec: ExportSpec, qs: QuerySet[Study], path: str, *, pid: str = "", progress: Any = None) -> int:
    """Sheet "PHE DX 2019 Exam": study DAP, number of projections and 6 projections, or 20 (the bespoke
    template) when a study of the filter has more than 6."""
    largest = _max_per_study(ProjectionEvent, qs)
    slots = DX_PROJECTIONS if largest <= DX_PROJECTIONS else DX_BESPOKE
    book = XlsxBook()
    sheet = book.sheet(DX_EXAM_SHEET)
    header = ["Record number", "Study pk", "Date", "Protocol", "Weight (kg)", "Age (yrs)", "Sex", "Height (cm)",
              "Study DAP (cGy.cm2)", "Number of projections"]
    for n in range(1, slots + 1):
        header += [f"Projection {n} {name}" for name in ("DAP (cGy.cm2)", "protocol", "kVp", "mAs", "FDD (cm)",
                                                          "filtration", "AEC")]
    sheet.row(header)
    done = over = 0
    for row in iter_studies(spec, qs, extra_event_paths=DX_EXTRA):
        done += 1
        v = row.values
        over += len(row.events) > DX_BESPOKE
        values = [done, v["id"], v.get("study_date"), _protocol_text(v, None), *_patient(v),
                  _cgy(v.get("total_dap")), len(row.events)]
        for n in range(slots):
            values += _projection(row.events[n]) if n < len(row.events) else [None] * 7
        sheet.row(values)
        if progress and done % 500 == 0:
            progress(done)
    notes = [f"Template: {slots} projections" + (" (bespoke: a study has more than 6)." if slots > 6 else ".")]
    if over:
        notes.append(f"{over} studies have more than {DX_BESPOKE} projections; only the first {DX_BESPOKE} are listed.")
    _notes(book, notes)
    book.save(path)
    return done


# ----------------------------------------------------------------------------- IR / fluoroscopy

RF_EXTRA = ("irradiation_event_type_code", "fluoro_mode", "pulse_rate", "grids", "patient_orientation_cid",
            "patient_orientation_modifier_cid", "collimated_field_area", "collimated_field_height",
            "collimated_field_width", "ii_field_size", "filters")
RF_COLUMNS = (
    ("Record number", ""), ("Study pk", ""), ("Date", ""), ("Total DAP", "cGy.cm2"), ("Fluoro DAP", "cGy.cm2"),
    ("Acquisition DAP", "cGy.cm2"), ("Fluoro time", "s"), ("Total dose at RP", "Gy"), ("Fluoro dose at RP", "Gy"),
    ("Acquisition dose at RP", "Gy"), ("Exam name", ""), ("Weight", "kg"), ("Age", "yrs"), ("Sex", ""),
    ("Height", "cm"), ("Protocols", ""), ("Fluoro modes", ""), ("Fluoro frame rate", "pulse/s"),
    ("Acquisition frame rate", "pulse/s"), ("Grid types", ""), ("Patient position", ""),
    ("Rectangular FOV area range", "cm2"), ("Rectangular FOV width range", "mm"),
    ("Rectangular FOV height range", "mm"), ("II field sizes", "mm"), ("Cu filter range", "mm"),
    ("Al filter range", "mm"), ("Notes", ""),
)


def _distinct(values: Any) -> str | None:
    out = list(dict.fromkeys(str(v) for v in values if v not in (None, "")))
    return " | ".join(out) or None


def _range(values: Any, scale: float = 1.0) -> str | None:
    nums = [decimal_scale(v, scale) if scale != 1.0 else v for v in values if isinstance(v, int | float)]
    if not nums:
        return None
    low, high = min(nums), max(nums)
    return f"{low:g}" if low == high else f"{low:g}-{high:g}"


def _rate(events: list[dict[str, Any]]) -> str | None:
    rates = {e.get("pulse_rate") for e in events}
    if not events:
        return None
    if rates == {None}:
        return "Single shot"
    known = {r for r in rates if r is not None}
    return "Multiple rates" if len(known) > 1 else f"{known.pop():g}"


def _filter_thickness(events: list[dict[str, Any]], concept: Any) -> list[Any]:
    out = []
    for e in events:
        for f in e.get("filters") or []:
            value, scheme = json_code(f.get("material") if isinstance(f, dict) else None)
            if concept.matches(value, scheme):
                out.append(f.get("thickness_max"))
    return out


def _sum(planes: list[dict[str, Any]], key: str) -> float | None:
    values: list[float] = [p[key] for p in planes if p.get(key) is not None]
    return sum(values) if values else None


def rf_row(number: int, row: StudyRow) -> list[Any]:
    """One study of the IR/fluoro survey."""
    v, events, planes = row.values, row.events, row.children.get(0, [])
    fluoro = [e for e in events if is_code(e.get("irradiation_event_type_code"), codes.FLUOROSCOPY)]
    acquisition = [e for e in events if e not in fluoro]
    notes = []
    if _rate(fluoro) == "Multiple rates" or _rate(acquisition) == "Multiple rates":
        notes.append("several frame rates used")
    return [
        number, v["id"], v.get("study_date"), _cgy(v.get("total_dap")),
        _cgy(_sum(planes, "fluoro_dose_area_product_total")), _cgy(_sum(planes, "acquisition_dose_area_product_total")),
        _sum(planes, "total_fluoro_time"), _sum(planes, "dose_rp_total"), _sum(planes, "fluoro_dose_rp_total"),
        _sum(planes, "acquisition_dose_rp_total"), v.get("study_description"), *_patient(v),
        _distinct(e.get("acquisition_protocol") for e in events), _distinct(e.get("fluoro_mode") for e in fluoro),
        _rate(fluoro), _rate(acquisition),
        _distinct(g[2] for e in events for g in (e.get("grids") or []) if isinstance(g, list) and len(g) > 2),
        _distinct(" ".join(p for p in (e.get("patient_orientation_cid"), e.get("patient_orientation_modifier_cid"))
                           if p) for e in events),
        _range((e.get("collimated_field_area") for e in events), 1e4),
        _range(e.get("collimated_field_width") for e in events), _range(e.get("collimated_field_height") for e in events),
        _distinct(f"{e['ii_field_size']:g}" for e in events if e.get("ii_field_size") is not None),
        _range(_filter_thickness(events, codes.COPPER)), _range(_filter_thickness(events, codes.ALUMINIUM)),
        "; ".join(notes) or None,
    ]


def write_rf(spec: ExportSpec, qs: QuerySet[Study], path: str, *, pid: str = "", progress: Any = None) -> int:
    """Sheet "PHE IR-Fluoro": a header row, a units row, then one row per study."""
    book = XlsxBook()
    sheet: XlsxSheet = book.sheet(RF_SHEET)
    sheet.row([name for name, _unit in RF_COLUMNS])
    sheet.row([unit or None for _name, unit in RF_COLUMNS])
    done = 0
    for row in iter_studies(spec, qs, extra_event_paths=RF_EXTRA):
        done += 1
        sheet.row(rf_row(done, row))
        if progress and done % 500 == 0:
            progress(done)
    _notes(book, ["Fluoroscopy events are those coded Fluoroscopy (CID 10002); all others are acquisitions.",
                  "Frame rate: one value, \"Multiple rates\", or \"Single shot\" when no pulse rate is recorded."])
    book.save(path)
    return done
