"""Assemble whole dose reports for a batch of old studies, with one query per table and batch.

Implements the older schema's tree: study -> CT radiation dose (TID 10011: accumulated 10012,
events 10013 with sources, scanning length 10014, dose check 10015); projection X-ray dose (TID
10001: accumulated per plane 10002/10004/10005/10006/10007, events 10003 with source, per-pulse kVp /
mA / exposure / pulse width, filters, grids, mechanical and distances, detector, image view
modifiers); radiopharmaceutical dose (TID 10021: administrations 10022 with organ doses 10023,
patient characteristics, PET series with corrections and types).
"""

from __future__ import annotations

from typing import Any

from openrem.dicom import records as r
from openrem.takeover.build import coded, fill
from openrem.takeover.source import OldDatabase, Row, as_date, as_time

P = "remapp_"


class Batch:
    """Child rows of a batch of studies, fetched level by level."""

    def __init__(self, db: OldDatabase, studies: list[Row]) -> None:
        self.db = db
        ids = [s["id"] for s in studies]
        key = "general_study_module_attributes_id"
        self.patient = db.children(P + "patientmoduleattr", key, ids)
        self.patient_study = db.children(P + "patientstudymoduleattr", key, ids)
        self.equipment = db.children(P + "generalequipmentmoduleattr", key, ids)
        self.objects = db.children(P + "objectuidsprocessed", key, ids)
        self.ct = db.children(P + "ctradiationdose", key, ids)
        self.proj = db.children(P + "projectionxrayradiationdose", key, ids)
        self.nm = db.children(P + "radiopharmaceuticalradiationdose", key, ids)
        unique_ids = {e["unique_equipment_name_id"] for rows in self.equipment.values() for e in rows}
        self.unique = {u["id"]: u for u in db.select(P + "uniqueequipmentnames", "id", unique_ids)}
        self._load_ct()
        self._load_projection()
        self._load_nm()

    def _ids(self, grouped: dict[int, list[Row]]) -> list[int]:
        return [row["id"] for rows in grouped.values() for row in rows]

    def _load_ct(self) -> None:
        db, ct_ids = self.db, self._ids(self.ct)
        self.ct_accum = db.children(P + "ctaccumulateddosedata", "ct_radiation_dose_id", ct_ids)
        self.ct_events = db.children(P + "ctirradiationeventdata", "ct_radiation_dose_id", ct_ids)
        ev = self._ids(self.ct_events)
        self.ct_sources = db.children(P + "ctxraysourceparameters", "ct_irradiation_event_data_id", ev)
        self.ct_length = db.children(P + "scanninglength", "ct_irradiation_event_data_id", ev)
        self.ct_check = db.children(P + "ctdosecheckdetails", "ct_irradiation_event_data_id", ev)

    def _load_projection(self) -> None:
        db = self.db
        self.accum = db.children(P + "accumxraydose", "projection_xray_radiation_dose_id", self._ids(self.proj))
        acc = self._ids(self.accum)
        self.accum_proj = db.children(P + "accumprojxraydose", "accumulated_xray_dose_id", acc)
        self.accum_int = db.children(P + "accumintegratedprojradiogdose", "accumulated_xray_dose_id", acc)
        self.accum_cas = db.children(P + "accumcassettebsdprojradiogdose", "accumulated_xray_dose_id", acc)
        self.accum_mam = db.children(P + "accummammographyxraydose", "accumulated_xray_dose_id", acc)
        self.events = db.children(P + "irradeventxraydata", "projection_xray_radiation_dose_id", self._ids(self.proj))
        ev = self._ids(self.events)
        key = "irradiation_event_xray_data_id"
        self.source = db.children(P + "irradeventxraysourcedata", key, ev)
        self.mech = db.children(P + "irradeventxraymechanicaldata", key, ev)
        self.detector = db.children(P + "irradeventxraydetectordata", key, ev)
        self.view_mods = db.children(P + "imageviewmodifier", key, ev)
        src = self._ids(self.source)
        skey = "irradiation_event_xray_source_data_id"
        self.kvp = db.children(P + "kvp", skey, src)
        self.ma = db.children(P + "xraytubecurrent", skey, src)
        self.uas = db.children(P + "exposure", skey, src)
        self.pulse = db.children(P + "pulsewidth", skey, src)
        self.filters = db.children(P + "xrayfilters", skey, src)
        self.grids = db.children(P + "xraygrid", skey, src)
        self.distances = db.children(P + "doserelateddistancemeasurements", "irradiation_event_xray_mechanical_data_id",
                                     self._ids(self.mech))

    def _load_nm(self) -> None:
        db, nm_ids = self.db, self._ids(self.nm)
        key = "radiopharmaceutical_radiation_dose_id"
        self.admin = db.children(P + "radiopharmaceuticaladministrationeventdata", key, nm_ids)
        self.organs = db.children(P + "organdose", "radiopharmaceutical_administration_event_data_id",
                                  self._ids(self.admin))
        self.characteristics = db.children(P + "radiopharmaceuticaladministrationpatientcharacteristics", key, nm_ids)
        self.pet = db.children(P + "petseries", key, nm_ids)
        pet_ids = self._ids(self.pet)
        self.pet_corr = db.children(P + "petseriescorrection", "pet_series_id", pet_ids)
        self.pet_type = db.children(P + "petseriestype", "pet_series_id", pet_ids)

    # ------------------------------------------------------------------------------------ CT

    def ct_doses(self, study_id: int) -> tuple[r.CtRadiationDose, ...]:
        out = []
        for ct in self.ct.get(study_id, []):
            events = tuple(self._ct_event(e) for e in self.ct_events.get(ct["id"], []))
            accumulated = tuple(fill(r.CtAccumulated, a, self.db) for a in self.ct_accum.get(ct["id"], []))
            out.append(fill(r.CtRadiationDose, ct, self.db, accumulated=accumulated, events=events))
        return tuple(out)

    def _ct_event(self, e: Row) -> r.CtEvent:
        lengths = self.ct_length.get(e["id"], [])
        return fill(r.CtEvent, e, self.db,
                    scanning_length=fill(r.ScanningLength, lengths[0], self.db) if lengths else None,
                    xray_source_parameters=tuple(fill(r.CtXraySource, s, self.db)
                                                 for s in self.ct_sources.get(e["id"], [])),
                    dose_check=tuple(fill(r.CtDoseCheck, c, self.db) for c in self.ct_check.get(e["id"], [])))

    # ---------------------------------------------------------------------------- projection

    def projection_doses(self, study_id: int) -> tuple[r.ProjectionXRayDose, ...]:
        out = []
        for proj in self.proj.get(study_id, []):
            accumulated = tuple(self._accumulated(a) for a in self.accum.get(proj["id"], []))
            events = tuple(self._event(e) for e in self.events.get(proj["id"], []))
            proj = {**proj, "acquisition_device_type_id": proj.get("acquisition_device_type_cid_id")}
            out.append(fill(r.ProjectionXRayDose, proj, self.db, accumulated=accumulated, events=events))
        return tuple(out)

    def _accumulated(self, a: Row) -> r.AccumulatedXrayDose:
        first = _first
        proj, integ, cas = first(self.accum_proj, a), first(self.accum_int, a), first(self.accum_cas, a)
        return fill(r.AccumulatedXrayDose, a, self.db,
                    accum_proj=fill(r.AccumProjection, proj, self.db) if proj else None,
                    accum_integrated=fill(r.AccumIntegrated, integ, self.db) if integ else None,
                    accum_cassette=fill(r.AccumCassette, cas, self.db) if cas else None,
                    accum_mammography=tuple(fill(r.AccumMammography, m, self.db)
                                            for m in self.accum_mam.get(a["id"], [])))

    def _event(self, e: Row) -> r.ProjectionEvent:
        source, mech, det = _first(self.source, e), _first(self.mech, e), _first(self.detector, e)
        modifiers = tuple(coded(self.db, m["image_view_modifier_id"]) for m in self.view_mods.get(e["id"], []))
        return fill(r.ProjectionEvent, e, self.db, image_view_modifiers=modifiers,
                    source=self._source(source) if source else None,
                    mechanical=self._mechanical(mech) if mech else None,
                    detector=fill(r.Detector, det, self.db) if det else None)

    def _source(self, s: Row) -> r.XraySource:
        sid = s["id"]
        return fill(r.XraySource, s, self.db,
                    kvp=tuple(x["kvp"] for x in self.kvp.get(sid, [])),
                    xray_tube_current=tuple(x["xray_tube_current"] for x in self.ma.get(sid, [])),
                    exposure_uAs=tuple(x["exposure"] for x in self.uas.get(sid, [])),
                    pulse_width=tuple(x["pulse_width"] for x in self.pulse.get(sid, [])),
                    filters=tuple(fill(r.XrayFilter, f, self.db) for f in self.filters.get(sid, [])),
                    grids=tuple(c for g in self.grids.get(sid, []) if (c := coded(self.db, g["xray_grid_id"]))))

    def _mechanical(self, m: Row) -> r.Mechanical:
        distances = _first(self.distances, m)
        return fill(r.Mechanical, m, self.db, distances=fill(r.Distances, distances, self.db) if distances else None)

    # ------------------------------------------------------------------------------------ NM

    def nm_doses(self, study_id: int) -> tuple[r.RadiopharmaceuticalDose, ...]:
        out = []
        for nm in self.nm.get(study_id, []):
            admins = tuple(fill(r.Administration, a, self.db,
                                organ_doses=tuple(fill(r.OrganDose, o, self.db) for o in self.organs.get(a["id"], [])))
                           for a in self.admin.get(nm["id"], []))
            chars = tuple(fill(r.PatientCharacteristics, c, self.db) for c in self.characteristics.get(nm["id"], []))
            pets = tuple(fill(r.PetSeries, p, self.db,
                              corrections=tuple(c["corrected_image"] for c in self.pet_corr.get(p["id"], [])),
                              types=tuple(t["series_type"] for t in self.pet_type.get(p["id"], [])))
                         for p in self.pet.get(nm["id"], []))
            out.append(fill(r.RadiopharmaceuticalDose, nm, self.db, administrations=admins,
                            patient_characteristics=chars, pet_series=pets))
        return tuple(out)

    # --------------------------------------------------------------------------------- study

    def header(self, s: Row) -> tuple[r.Study, r.Patient, r.Equipment, list[str]]:
        sops = [o["sop_instance_uid"] for o in self.objects.get(s["id"], [])]
        patient, pstudy, equip = _first(self.patient, s) or {}, _first(self.patient_study, s) or {}, \
            _first(self.equipment, s) or {}
        unique = self.unique.get(equip.get("unique_equipment_name_id")) or {}
        study = r.Study(
            study_instance_uid=s["study_instance_uid"], sop_instance_uid=sops[0] if sops else "",
            sop_class_uid="", modality=s.get("modality_type"), study_date=as_date(s.get("study_date")),
            study_time=as_time(s.get("study_time")),
            **{k: s.get(k) for k in ("accession_number", "study_description", "study_id", "procedure_code_value",
                                     "procedure_code_meaning", "requested_procedure_code_value",
                                     "requested_procedure_code_meaning", "operator_name",
                                     "performing_physician_name", "referring_physician_name",
                                     "series_instance_uid")},
            series_time=as_time(s.get("series_time")), content_time=as_time(s.get("content_time")))
        person = r.Patient(
            name=None if patient.get("name_hashed") else patient.get("patient_name"),
            patient_id=None if patient.get("id_hashed") else patient.get("patient_id"),
            birth_date=as_date(patient.get("patient_birth_date")), sex=patient.get("patient_sex"),
            age=pstudy.get("patient_age"), size=pstudy.get("patient_size"), weight=pstudy.get("patient_weight"))
        equipment = r.Equipment(**{k: equip.get(k) for k in (
            "manufacturer", "institution_name", "station_name", "institutional_department_name",
            "manufacturer_model_name", "device_serial_number", "software_versions", "gantry_id")},
            device_observer_uid=unique.get("device_observer_uid"))
        return study, person, equipment, sops


def _first(grouped: dict[int, list[Row]], parent: Row) -> Any:
    rows = grouped.get(parent["id"], [])
    return rows[0] if rows else None
