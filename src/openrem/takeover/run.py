"""Take over an older OpenREM database: every study through ``ingest``, then the configuration.

Each old study becomes one dose report holding all its events; ``ingest`` applies this product's
rules, so a second run, or a database that already holds some of the same studies, keeps one copy
of each (the SOP Instance UID and irradiation event UIDs decide). The study keeps every SOP Instance
UID the older system had processed for it. Patient identifiers follow this installation's patient
ID settings: clear values are stored, hashed or dropped as the settings say; values the older system
had already hashed are kept as hashes only where these settings keep hashes.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group, User
from django.db import transaction

from openrem.dicom import records as r
from openrem.dicom.classify import Kind
from openrem.dose.ingest import Action, ingest
from openrem.dose.models import (
    NotPatientIndicator,
    PatientIDSettings,
    ProcessedObject,
    StandardName,
    Study,
    UniqueEquipment,
)
from openrem.takeover.source import OldDatabase, Row
from openrem.takeover.tree import Batch

log = logging.getLogger(__name__)
BATCH_SIZE = 200
KIND_BY_MODALITY = {"CT": Kind.CT_RDSR, "NM": Kind.RRDSR}


@dataclass
class Report:
    """What a take-over did: counts and one line per skipped or failed item, with the reason."""

    studies: Counter[str] = field(default_factory=Counter)
    config: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        def counts(counter: Counter[str]) -> str:
            return ", ".join(f"{k} {v}" for k, v in sorted(counter.items()) if v) or "none"

        out = [f"studies: {counts(self.studies)}", f"configuration (new): {counts(self.config)}"]
        return out + [f"  {p}" for p in self.problems]


def take_over(db: OldDatabase, progress: Callable[[int, int], None] | None = None) -> Report:
    """Bring every study and the configuration of ``db`` into this database."""
    report = Report()
    _copy_configuration(db, report)
    studies = db.select("remapp_generalstudymoduleattr")
    for start in range(0, len(studies), BATCH_SIZE):
        chunk = studies[start:start + BATCH_SIZE]
        batch = Batch(db, chunk)
        for row in chunk:
            _take_study(db, batch, row, report)
        if progress:
            progress(min(start + BATCH_SIZE, len(studies)), len(studies))
    return report


def dose_report(batch: Batch, row: Row) -> tuple[r.DoseReport, list[str]]:
    """The dose report of one old study, and every SOP Instance UID processed for it."""
    study, patient, equipment, sops = batch.header(row)
    if not study.sop_instance_uid:  # the older importer did not record every object (Philips CT SC)
        study = _with(study, sop_instance_uid=f"takeover.{study.study_instance_uid}"[:64])
    modality = row.get("modality_type")
    kind = KIND_BY_MODALITY.get(modality or "", Kind.PROJECTION_RDSR)
    ct, proj, nm = batch.ct_doses(row["id"]), batch.projection_doses(row["id"]), batch.nm_doses(row["id"])
    if ct and not proj and not nm:
        kind = Kind.CT_RDSR
    report = r.DoseReport(kind=kind, modality=modality, study=study, patient=patient, equipment=equipment,
                          ct_radiation_dose=ct, projection_xray_radiation_dose=proj,
                          radiopharmaceutical_radiation_dose=nm,
                          warnings=("taken over from an older OpenREM database",))
    return report, sops


def _with(study: r.Study, **changes: Any) -> r.Study:
    from dataclasses import replace

    return replace(study, **changes)


def _take_study(db: OldDatabase, batch: Batch, row: Row, report: Report) -> None:
    label = f"old study {row['id']} ({row['study_instance_uid']})"
    try:
        dose, sops = dose_report(batch, row)
        with transaction.atomic():
            result = ingest(dose, source_name=f"takeover {db.safe_url} study {row['id']}")
            stored = Study.objects.select_related("equipment").get(pk=result.study_pk)
            if dose.study.sop_instance_uid not in sops:  # an invented SOP Instance UID is never kept
                stored.processed_objects.filter(sop_instance_uid=dose.study.sop_instance_uid).delete()
            if result.action is not Action.ALREADY:
                _keep_objects(stored, sops)
                _keep_old_values(stored, batch, row)
                _keep_display_name(stored.equipment, batch, row)
    except Exception as exc:  # one study never stops the others
        log.exception("take-over of %s failed", label)
        report.studies["failed"] += 1
        report.problems.append(f"{label}: failed: {type(exc).__name__}: {exc}")
        return
    report.studies["taken" if result.action is not Action.ALREADY else "already present"] += 1
    if result.action is Action.ALREADY:
        report.problems.append(f"{label}: skipped: {result.detail}")


def _keep_objects(study: Study, sops: list[str]) -> None:
    """Every SOP Instance UID the older system processed for the study."""
    known = set(study.processed_objects.values_list("sop_instance_uid", flat=True))
    ProcessedObject.objects.bulk_create([
        ProcessedObject(study=study, sop_instance_uid=sop, source_name="takeover", changed_study=True)
        for sop in dict.fromkeys(sops) if sop not in known])


def _keep_old_values(study: Study, batch: Batch, row: Row) -> None:
    """Values the older system derived from data it no longer holds: hashed identifiers, the decimal
    age (from a birth date it did not keep), the not-patient flag set at its import."""
    patient = (batch.patient.get(row["id"]) or [{}])[0]
    pstudy = (batch.patient_study.get(row["id"]) or [{}])[0]
    policy = PatientIDSettings.get()
    changed = []
    if pstudy.get("patient_age_decimal") is not None:
        study.patient_age_decimal = float(pstudy["patient_age_decimal"])
        changed.append("patient_age_decimal")
    if patient.get("name_hashed") and patient.get("patient_name") and policy.name_stored and policy.name_hashed:
        study.patient_name, study.patient_name_hashed = patient["patient_name"], True
        changed += ["patient_name", "patient_name_hashed"]
    if patient.get("id_hashed") and patient.get("patient_id") and policy.id_stored and policy.id_hashed:
        study.patient_id, study.patient_id_hashed = patient["patient_id"], True
        changed += ["patient_id", "patient_id_hashed"]
    if patient.get("not_patient_indicator"):
        study.not_patient_indicator = patient["not_patient_indicator"]
        changed.append("not_patient_indicator")
    if row.get("accession_hashed"):
        study.accession_number, study.accession_hashed = row.get("accession_number"), True
        changed += ["accession_number", "accession_hashed"]
    if changed:
        study.save(update_fields=changed)


def _keep_display_name(equipment: UniqueEquipment, batch: Batch, row: Row) -> None:
    """The older system's display name and user-defined modality win for equipment it knew."""
    old = (batch.equipment.get(row["id"]) or [{}])[0]
    unique = batch.unique.get(old.get("unique_equipment_name_id")) or {}
    name, modality = unique.get("display_name"), unique.get("user_defined_modality")
    if name and (equipment.display_name != name or equipment.user_defined_modality != modality):
        equipment.display_name, equipment.user_defined_modality = name, modality
        equipment.save(update_fields=["display_name", "user_defined_modality"])


def _copy_configuration(db: OldDatabase, report: Report) -> None:
    with transaction.atomic():
        for table, kind in (("remapp_notpatientindicatorsid", NotPatientIndicator.ID),
                            ("remapp_notpatientindicatorsname", NotPatientIndicator.NAME)):
            column = "not_patient_id" if kind == NotPatientIndicator.ID else "not_patient_name"
            for row in db.select(table):
                _, created = NotPatientIndicator.objects.get_or_create(field=kind, pattern=row[column])
                report.config["not-patient patterns"] += created
        for row in db.select("remapp_standardnames"):
            _, created = StandardName.objects.get_or_create(
                standard_name=row["standard_name"], modality=row["modality"],
                study_description=row.get("study_description"),
                requested_procedure=row.get("requested_procedure_code_meaning"),
                procedure=row.get("procedure_code_meaning"), acquisition_protocol=row.get("acquisition_protocol"))
            report.config["standard names"] += created
        _copy_users(db, report)


def _copy_users(db: OldDatabase, report: Report) -> None:
    """Users with their password hashes (Django's formats, still valid here) and group memberships."""
    groups = {g["id"]: Group.objects.get_or_create(name=g["name"])[0] for g in db.select("auth_group")}
    members: dict[int, list[int]] = {}
    for link in db.select("auth_user_groups"):
        members.setdefault(link["user_id"], []).append(link["group_id"])
    for row in db.select("auth_user"):
        user, created = User.objects.get_or_create(username=row["username"], defaults={
            k: row[k] for k in ("password", "first_name", "last_name", "email", "is_staff", "is_active",
                                "is_superuser")})
        if not created:
            report.problems.append(f"user {row['username']}: skipped: already exists here")
        report.config["users"] += created
        user.groups.add(*(groups[g] for g in members.get(row["id"], []) if g in groups))
