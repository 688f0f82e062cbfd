"""The single write path: ``ingest(report)`` stores one parsed object in one transaction.

Rules (spec chapter "Cumulative and continued study RDSRs", inventory 6.2 and 6.9):

1. An object whose SOP Instance UID is already recorded for a study with its Study Instance UID
   is not stored again.
2. A dose report is compared, by irradiation event UIDs, with the stored studies of the same Study
   Instance UID and the same kind of data (CT, projection, radiopharmaceutical): same or fewer
   events -> recorded only; more events including all stored ones (cumulative RDSR) -> the stored
   study is replaced and its processed objects carried forward; other events (continued study)
   -> a new study beside it.
3. An RRDSR arriving for an NM study built from images replaces the image-derived administration
   and keeps the PET series.
4. Image objects (radiography, mammography, NM/PET) add their exposure to the study with their
   Study Instance UID; an exposure already stored (same acquisition time) adds nothing.
5. A CT dose report (RDSR, Philips dose info) replaces a study of the same Study Instance UID whose
   events were derived from CT image headers (``ct_toshiba``): the scanner's own values win.

Concurrent imports of one study are serialised (PostgreSQL advisory lock per Study Instance UID;
SQLite transactions start IMMEDIATE), so parallel workers end with the state of a serial import.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from openrem.dicom import plausible
from openrem.dicom import records as r
from openrem.dicom.classify import Kind
from openrem.dicom.values import combine
from openrem.dose import merge, treeio
from openrem.dose.derived import report_study_columns
from openrem.dose.equipment import get_or_create_equipment
from openrem.dose.models import (
    Administration,
    CtEvent,
    NotPatientIndicator,
    PatientIDSettings,
    ProcessedObject,
    ProjectionEvent,
    Study,
    UniqueEquipment,
)
from openrem.dose.patient import IdentifierPolicy, decimal_age, not_patient_indicator, protect
from openrem.dose.signals import send_study_stored
from openrem.dose.summary import summarise

log = logging.getLogger(__name__)

IMAGE_KINDS = frozenset({Kind.DX_IMAGE, Kind.MG_IMAGE, Kind.NM_IMAGE})
FAMILY: dict[str, str] = {Kind.CT_RDSR: "ct", Kind.CT_PHILIPS: "ct", Kind.CT_TOSHIBA: "ct",
                          Kind.PROJECTION_RDSR: "projection",
                          Kind.VARIC_ESR: "projection", Kind.DX_IMAGE: "projection", Kind.MG_IMAGE: "projection",
                          Kind.RRDSR: "nm", Kind.NM_IMAGE: "nm"}
"""Report kinds (:class:`openrem.dicom.classify.Kind`, a StrEnum equal to the stored text) by family."""


class Action(StrEnum):
    """What an ingest did."""

    STORED = "stored"
    MERGED = "merged"
    REPLACED = "replaced"
    ALREADY = "already stored"


@dataclass(frozen=True)
class IngestResult:
    """Outcome of one ingest."""

    action: Action
    study_pk: int
    detail: str
    warnings: tuple[str, ...] = ()


def ingest(report: r.DoseReport, source_name: str | None = None) -> IngestResult:
    """Store ``report`` (see the module docstring for the rules); one transaction, all or nothing.

    ``source_name`` says where the object came from (file name, sending AE title) for the audit
    trail kept with each processed object.
    """
    if not report.study.study_instance_uid or not report.study.sop_instance_uid:
        raise ValueError("a dose object needs a Study Instance UID and a SOP Instance UID")
    report = plausible.check(report)  # non-finite, negative, out-of-range values -> null with a warning
    with transaction.atomic():
        _lock_study_uid(report.study.study_instance_uid)
        result = replace(_ingest_locked(report, source_name), warnings=report.warnings)
        if result.action is not Action.ALREADY:
            transaction.on_commit(lambda: send_study_stored(result.study_pk, result.action.value))
        return result


def _lock_study_uid(uid: str) -> None:
    """Serialise writers of one Study Instance UID (PostgreSQL; SQLite writers are serial anyway)."""
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(uid.encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _ingest_locked(report: r.DoseReport, source: str | None) -> IngestResult:
    uid, sop = report.study.study_instance_uid, report.study.sop_instance_uid
    if not Study.objects.filter(study_instance_uid=uid).exists():  # the common case: a new study
        study = _create(report, source)
        return IngestResult(Action.STORED, study.pk, f"created study {study.pk}")
    same_uid = list(Study.objects.filter(study_instance_uid=uid).order_by("pk"))
    known = ProcessedObject.objects.filter(study__in=same_uid, sop_instance_uid=sop).values_list("study_id", flat=True)
    if known:
        return IngestResult(Action.ALREADY, known[0], f"object {sop} already processed")
    family = FAMILY.get(report.kind, report.kind)
    candidates = [s for s in same_uid if FAMILY.get(s.source_kind) == family]
    if report.kind in IMAGE_KINDS and candidates:
        return _merge_image(candidates[0], report, source)
    derived = [s for s in candidates if s.source_kind == Kind.CT_TOSHIBA and report.kind != Kind.CT_TOSHIBA]
    if derived:
        return _replace_study(derived[0], report, source, "dose report replaced the image-derived study")
    if report.kind == Kind.RRDSR:
        for study in candidates:
            if not stored_event_uids(study):
                return _append_rrdsr(study, report, source)
    new_uids = report.event_uids()
    for study in candidates:
        old = stored_event_uids(study)
        if not old:
            continue
        if new_uids <= old:
            _record_objects(study, [_row(report, source, False)])
            return IngestResult(Action.ALREADY, study.pk, f"all events already in study {study.pk}; object recorded")
        if old < new_uids:
            return _replace_study(study, report, source, "cumulative report replaced study")
    study = _create(report, source)
    return IngestResult(Action.STORED, study.pk, f"created study {study.pk}")


def _replace_study(study: Study, report: r.DoseReport, source: str | None, why: str) -> IngestResult:
    """Delete ``study`` and store ``report`` instead, carrying its processed objects forward."""
    carried = [(o.sop_instance_uid, o.source_name, False, o.sop_class_uid) for o in study.processed_objects.all()]
    old_pk = study.pk
    study.delete()
    new = _create(report, source, carried=carried)
    return IngestResult(Action.REPLACED, new.pk, f"{why} {old_pk}")


def stored_event_uids(study: Study) -> set[str]:
    """Irradiation event UIDs (and administration event UIDs) stored for ``study``."""
    uids: set[str] = set()
    uids.update(CtEvent.objects.filter(parent__parent=study).values_list("irradiation_event_uid", flat=True))
    uids.update(ProjectionEvent.objects.filter(parent__parent=study).values_list("irradiation_event_uid", flat=True))
    uids.update(Administration.objects.filter(parent__parent=study)
                .exclude(radiopharmaceutical_administration_event_uid=None)
                .values_list("radiopharmaceutical_administration_event_uid", flat=True))
    uids.discard("")
    return uids


# ----------------------------------------------------------------------------- creating


def _policy() -> IdentifierPolicy:
    s = PatientIDSettings.get()
    return IdentifierPolicy(s.name_stored, s.name_hashed, s.id_stored, s.id_hashed, s.accession_hashed, s.dob_stored)


def _patient_fields(report: r.DoseReport, policy: IdentifierPolicy) -> dict[str, Any]:
    p = report.patient
    patterns = list(NotPatientIndicator.objects.values_list("field", "pattern"))
    name, name_hashed = protect(p.name, policy.name_stored, policy.name_hashed)
    pid, id_hashed = protect(p.patient_id, policy.id_stored, policy.id_hashed)
    return {
        "patient_name": name, "patient_name_hashed": name_hashed,
        "patient_id": pid, "patient_id_hashed": id_hashed,
        "patient_birth_date": p.birth_date if policy.dob_stored else None,
        "patient_sex": p.sex,
        "not_patient_indicator": not_patient_indicator(
            p.patient_id, p.name,
            [pat for f, pat in patterns if f == NotPatientIndicator.ID],
            [pat for f, pat in patterns if f == NotPatientIndicator.NAME]),
        "patient_age": p.age,
        "patient_age_decimal": decimal_age(p.birth_date, report.study.study_date, p.age),
        "patient_size": p.size,
        "patient_weight": p.weight,
    }


def study_fields(report: r.DoseReport, policy: IdentifierPolicy) -> dict[str, Any]:
    """Study row values from the report header (identifiers protected as the settings say)."""
    s = report.study
    accession, accession_hashed = protect(s.accession_number, True, policy.accession_hashed)
    moment = combine(s.study_date, s.study_time)
    return {
        "study_instance_uid": s.study_instance_uid, "source_kind": report.kind,
        "study_date": s.study_date, "study_time": s.study_time,
        "study_datetime": timezone.make_aware(moment) if moment else None,
        "accession_number": accession, "accession_hashed": accession_hashed,
        "study_description": s.study_description, "study_id": s.study_id,
        "procedure_code_value": s.procedure_code_value, "procedure_code_meaning": s.procedure_code_meaning,
        "requested_procedure_code_value": s.requested_procedure_code_value,
        "requested_procedure_code_meaning": s.requested_procedure_code_meaning,
        "operator_name": s.operator_name, "performing_physician_name": s.performing_physician_name,
        "referring_physician_name": s.referring_physician_name,
        "series_instance_uid": s.series_instance_uid, "series_time": s.series_time,
        "content_time": s.content_time, "comment": s.comment,
        "warnings": list(report.warnings), "vendor_fixes": list(report.vendor_fixes),
        **_patient_fields(report, policy),
    }


def decide_modality(report: r.DoseReport, equipment: UniqueEquipment) -> str | None:
    """Modality type: the system's user-defined modality when set (not "dual"), else what the report
    implies; "RF,DX" is settled by accumulated fluoroscopy data (a fluoroscopy DAP or time above zero:
    some radiography systems report zero totals)."""
    override = (equipment.user_defined_modality or "").upper()
    if override and override != "DUAL" and report.projection_xray_radiation_dose and report.modality != "MG":
        return override
    if report.modality == "RF,DX":
        fluoro = any(a.accum_proj is not None and ((a.accum_proj.fluoro_dose_area_product_total or 0) > 0
                                                   or (a.accum_proj.total_fluoro_time or 0) > 0)
                     for p in report.projection_xray_radiation_dose for a in p.accumulated)
        return "RF" if fluoro else "DX"
    return report.modality


# SOP Instance UID, source name, whether it changed the study, SOP Class UID
ObjectRow = tuple[str, str | None, bool, str | None]


def _row(report: r.DoseReport, source: str | None, changed: bool) -> ObjectRow:
    return (report.study.sop_instance_uid, source, changed, report.study.sop_class_uid)


def _create(report: r.DoseReport, source: str | None, carried: list[ObjectRow] | None = None) -> Study:
    equipment = get_or_create_equipment(report.equipment, use_observer_uid=report.kind not in IMAGE_KINDS)
    fields = study_fields(report, _policy())
    study = Study(**fields, equipment=equipment, header_rank=header_rank(report),
                  modality_type=decide_modality(report, equipment),
                  **summarise(report.ct_radiation_dose, report.projection_xray_radiation_dose,
                              report.radiopharmaceutical_radiation_dose),
                  **report_study_columns(report.ct_radiation_dose, fields.get("patient_age_decimal"),
                                         report.radiopharmaceutical_radiation_dose))
    study.save()
    treeio.write_report_trees(study, report)
    _record_objects(study, [*(carried or []), _row(report, source, True)],
                    acquisition=_first_acquisition(report), new_study=True)
    return study


def _first_acquisition(report: r.DoseReport) -> Any:
    times = [e.date_time_started for p in report.projection_xray_radiation_dose for e in p.events
             if e.date_time_started is not None]
    return timezone.make_aware(min(times)) if times else None


def _record_objects(study: Study, rows: list[ObjectRow], acquisition: Any = None, new_study: bool = False) -> None:
    existing = set() if new_study else set(study.processed_objects.values_list("sop_instance_uid", flat=True))
    new: dict[str, ObjectRow] = {}
    for row in rows:
        if row[0] not in existing:
            new.setdefault(row[0], row)
    ProcessedObject.objects.bulk_create([
        ProcessedObject(study=study, sop_instance_uid=sop, source_name=src, changed_study=changed,
                        sop_class_uid=sop_class, acquisition_datetime=acquisition)
        for sop, src, changed, sop_class in new.values()
    ])


# ----------------------------------------------------------------------------- merging


def _rewrite(study: Study, report: r.DoseReport, trees: dict[str, tuple[Any, ...]], adopt_header: bool) -> None:
    """Replace the stored trees of ``study`` with ``trees`` and refresh its summary columns."""
    treeio.delete_trees(study)
    merged = replace(report, **trees)  # type: ignore[arg-type]
    treeio.write_report_trees(study, merged)
    values = summarise(merged.ct_radiation_dose, merged.projection_xray_radiation_dose,
                       merged.radiopharmaceutical_radiation_dose)
    if adopt_header:
        values.update({k: v for k, v in study_fields(report, _policy()).items() if k not in ("source_kind",)})
        values["header_rank"] = header_rank(report)
        values["equipment"] = get_or_create_equipment(report.equipment,
                                                      use_observer_uid=report.kind not in IMAGE_KINDS)
    values.update(report_study_columns(merged.ct_radiation_dose,
                                       values.get("patient_age_decimal", study.patient_age_decimal),
                                       merged.radiopharmaceutical_radiation_dose))
    for key, value in values.items():
        setattr(study, key, value)
    study.save()


PROCESSING_CLASSES = frozenset({"1.2.840.10008.5.1.4.1.1.1.1.1", "1.2.840.10008.5.1.4.1.1.1.2.1"})


def image_preference(sop_class_uid: str | None) -> int:
    """0 for images "for presentation" (what PACS keep), 1 for "for processing" copies."""
    return 1 if sop_class_uid in PROCESSING_CLASSES else 0


def header_rank(report: r.DoseReport) -> str:
    """Sort key of the object a study takes its study-level attributes from: images before dose
    reports, then the earliest acquisition, series or administration time, images "for
    presentation" before "for processing", then SOP Instance UID. The lowest rank wins, so an
    image-built study does not depend on the order in which its objects arrived."""
    times = [e.date_time_started for p in report.projection_xray_radiation_dose for e in p.events]
    for nm in report.radiopharmaceutical_radiation_dose:
        times += [s.series_datetime for s in nm.pet_series]
        times += [a.radiopharmaceutical_start_datetime for a in nm.administrations]
    present = [t for t in times if t is not None]
    first = min(present).isoformat() if present else "9999"
    is_report = 0 if report.kind in IMAGE_KINDS else 1
    return f"{is_report}|{first}|{image_preference(report.study.sop_class_uid)}|{report.study.sop_instance_uid}"


def _merge_image(study: Study, report: r.DoseReport, source: str | None) -> IngestResult:
    """Add one image's exposure (or PET series) to an existing study."""
    stored = treeio.study_trees_records(study)
    row = _row(report, source, True)
    if report.kind == Kind.NM_IMAGE:
        nm_old = stored["radiopharmaceutical_radiation_dose"]
        nm_new = report.radiopharmaceutical_radiation_dose
        if nm_old and nm_new:
            trees: dict[str, tuple[Any, ...]] = {
                "radiopharmaceutical_radiation_dose": (merge.merge_radiopharmaceutical(nm_old[0], nm_new[0]),)}
        else:
            trees = {"radiopharmaceutical_radiation_dose": nm_old or nm_new}
        _rewrite(study, report, {**stored, **trees}, adopt_header=header_rank(report) < study.header_rank)
        _record_objects(study, [row])
        return IngestResult(Action.MERGED, study.pk, f"added to study {study.pk}")
    old_proj = stored["projection_xray_radiation_dose"]
    new_proj = report.projection_xray_radiation_dose
    if not old_proj or not new_proj:
        _record_objects(study, [row])
        return IngestResult(Action.MERGED, study.pk, f"no exposure data; object recorded on study {study.pk}")
    base, added = old_proj[0], []
    for event in new_proj[0].events:
        twin = merge.duplicate_of(base.events, event)
        if twin is None:
            added.append(event)
        elif _preferred(report, event, study, twin):  # keep the "for presentation" copy, whatever the order
            base = replace(base, events=tuple(e for e in base.events if e is not twin))
            added.append(event)
    if not added:
        _record_objects(study, [row])
        return IngestResult(Action.MERGED, study.pk, f"exposure already in study {study.pk} (duplicate image)")
    merged = merge.merge_projection(base, replace(new_proj[0], events=tuple(added)))
    _rewrite(study, report, {**stored, "projection_xray_radiation_dose": (merged, *old_proj[1:])},
             adopt_header=header_rank(report) < study.header_rank)
    _record_objects(study, [row])
    return IngestResult(Action.MERGED, study.pk, f"added to study {study.pk}")


def _preferred(report: r.DoseReport, event: r.ProjectionEvent, study: Study, twin: r.ProjectionEvent) -> bool:
    """Whether ``event`` should replace its stored ``twin`` (two images of one exposure)."""
    twin_class = study.processed_objects.filter(sop_instance_uid=twin.irradiation_event_uid).values_list(
        "sop_class_uid", flat=True).first()
    mine = (image_preference(report.study.sop_class_uid), event.irradiation_event_uid)
    theirs = (image_preference(twin_class), twin.irradiation_event_uid)
    return mine < theirs


def _append_rrdsr(study: Study, report: r.DoseReport, source: str | None) -> IngestResult:
    """An RRDSR for an NM study built from images (spec: RRDSR data replaces the image data)."""
    stored = treeio.study_trees_records(study)
    old = stored["radiopharmaceutical_radiation_dose"]
    new = report.radiopharmaceutical_radiation_dose
    tree = (merge.append_rrdsr(old[0], new[0]),) if old and new else new
    _rewrite(study, report, {**stored, "radiopharmaceutical_radiation_dose": tree},
             adopt_header=header_rank(report) < study.header_rank)
    study.source_kind = Kind.RRDSR.value
    study.save(update_fields=["source_kind"])
    _record_objects(study, [_row(report, source, True)])
    return IngestResult(Action.MERGED, study.pk, f"RRDSR added to image-based study {study.pk}")
