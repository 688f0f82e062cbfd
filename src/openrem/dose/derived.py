"""Derived dose estimates stored with a CT study (pure functions, no database).

* **SSDE per CT irradiation event** (AAPM Report 204, 2011; AAPM Report 220, 2014): from the event's
  Mean CTDIvol, its CTDIw phantom (IEC body 32 cm or head 16 cm, CID 4052 codes) and the Water
  Equivalent Diameter of the RDSR (TID 10013, 113987 DCM). Without a phantom, a CTDIvol or a
  diameter there is no SSDE: no size is guessed. Head scans get none (body-CT method). The method
  is stored with the value.
* **Highest SSDE of the study**: the largest event SSDE. SSDE is a dose per acquisition (like
  CTDIvol) and is not additive, so the study value is a maximum, never a sum.
* **Effective dose estimate of a CT study**: the sum over events of k x DLP, k from the AAPM Report
  96 Table 3 coefficients (:mod:`openrem.dosecalc.effective_dose`) for the body region given by the
  event's Target Region code (CID 4030) and the patient's age band. An event with DLP whose region
  has no coefficient makes the whole estimate unknown (no partial sums). It is a
  population-average estimate, not patient dose.
* **Effective dose estimate of an NM study**: the sum over administrations of activity (MBq) x the
  adult coefficient (mSv/MBq) of the Radiopharmaceutical Agent code (TID 10022; ICRP Publication
  106/128 values via Andersson et al. 2014/2015, :mod:`openrem.dosecalc.nm_effective_dose`). An
  administration with activity whose agent has no coefficient makes the estimate unknown. The
  "region" column holds the agents. Studies with CT events keep the CT estimate.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openrem.dicom import codes
from openrem.dicom import records as r
from openrem.dosecalc.effective_dose import K_FACTOR_FILE, ct_effective_dose
from openrem.dosecalc.nm_effective_dose import NM_COEFFICIENT_FILE, nm_effective_dose
from openrem.dosecalc.ssde import Phantom, ssde

SSDE_COLUMNS = ("ssde_mgy", "ssde_method", "ssde_diameter_cm")
STUDY_COLUMNS = ("max_ssde_mgy", "effective_dose_estimate_msv", "effective_dose_region",
                 "effective_dose_coefficients")
K_FACTOR_SET = K_FACTOR_FILE.stem
NM_COEFFICIENT_SET = NM_COEFFICIENT_FILE.stem
ESTIMATE_COLUMNS = ("effective_dose_estimate_msv", "effective_dose_region", "effective_dose_coefficients")

_PHANTOMS = ((codes.IEC_BODY_PHANTOM, Phantom.BODY_32), (codes.IEC_HEAD_PHANTOM, Phantom.HEAD_16))

# Target Region (CID 4030) -> AAPM Report 96 Table 3 region. Abdomen alone and pelvis alone use the
# "abdomen & pelvis" coefficient; the heart uses the chest one; chest-abdomen(-pelvis) the trunk one.
REGION_MAP: tuple[tuple[codes.Concept, str], ...] = (
    (codes.REGION_HEAD, "head"),
    (codes.REGION_NECK, "neck"),
    (codes.REGION_HEAD_AND_NECK, "head_neck"),
    (codes.REGION_CHEST, "chest"),
    (codes.REGION_HEART, "chest"),
    (codes.REGION_ABDOMEN, "abdomen_pelvis"),
    (codes.REGION_PELVIS, "abdomen_pelvis"),
    (codes.REGION_ABDOMEN_AND_PELVIS, "abdomen_pelvis"),
    (codes.REGION_CHEST_AND_ABDOMEN, "trunk"),
    (codes.REGION_CHEST_ABDOMEN_AND_PELVIS, "trunk"),
)


HEAD_REGIONS = frozenset({"head", "head_neck"})


def code_key(coded: r.Coded | None) -> str | None:
    """The stored ``"value|scheme"`` form of a coded value."""
    return None if coded is None else f"{coded.value}|{coded.scheme}"


def _matches(concept: codes.Concept, key: str | None) -> bool:
    if not key or "|" not in key:
        return False
    value, scheme = key.split("|", 1)
    return concept.matches(value, scheme)


def phantom_of(key: str | None) -> Phantom | None:
    """The CTDI phantom of a stored CTDIw Phantom Type code, None when absent or unknown."""
    return next((phantom for concept, phantom in _PHANTOMS if _matches(concept, key)), None)


def region_of(key: str | None) -> str | None:
    """The k-factor region of a stored Target Region code, None when it has no coefficient."""
    return next((region for concept, region in REGION_MAP if _matches(concept, key)), None)


def event_ssde(ctdivol_mgy: float | None, phantom_key: str | None,
               water_equivalent_diameter_mm: float | None, region_key: str | None = None) -> dict[str, Any]:
    """SSDE columns of one CT event (all None when SSDE cannot be computed).

    Head and head-and-neck target regions get no SSDE: the AAPM Report 204/220 conversion factors
    were derived for body CT; head SSDE (AAPM Report 293) is a different method, not implemented.
    """
    out: dict[str, Any] = dict.fromkeys(SSDE_COLUMNS)
    phantom = phantom_of(phantom_key)
    if phantom is None or ctdivol_mgy is None or not water_equivalent_diameter_mm:
        return out
    if region_of(region_key) in HEAD_REGIONS:
        return out
    result = ssde(ctdivol_mgy, phantom=phantom, water_equivalent_diameter_cm=water_equivalent_diameter_mm / 10.0)
    if result is None:
        return out
    out.update(ssde_mgy=result.ssde_mgy, ssde_method=result.method.value, ssde_diameter_cm=result.diameter_cm)
    return out


def record_event_columns(event: r.CtEvent) -> dict[str, Any]:
    """SSDE columns for a parsed CT event record (used when the event row is written)."""
    return event_ssde(event.mean_ctdivol, code_key(event.ctdiw_phantom_type), event.water_equivalent_diameter,
                      code_key(event.target_region))


def effective_dose_columns(events: Iterable[tuple[float | None, str | None]],
                           age_years: float | None) -> dict[str, Any]:
    """Effective dose estimate columns from (DLP mGy.cm, Target Region key) pairs of a study's events."""
    out: dict[str, Any] = {"effective_dose_estimate_msv": None, "effective_dose_region": None,
                           "effective_dose_coefficients": None}
    total, regions = 0.0, set()
    for dlp, region_key in events:
        if not dlp:
            continue
        region = region_of(region_key)
        if region is None:
            return out
        total += ct_effective_dose(dlp, region, age_years).effective_dose_msv
        regions.add(region)
    if not regions:
        return out
    out.update(effective_dose_estimate_msv=total, effective_dose_region="+".join(sorted(regions)),
               effective_dose_coefficients=K_FACTOR_SET)
    return out


def study_columns(ssde_values: Iterable[float | None], events: Iterable[tuple[float | None, str | None]],
                  age_years: float | None) -> dict[str, Any]:
    """All derived study columns from event SSDEs and (DLP, region key) pairs."""
    present = [v for v in ssde_values if v is not None]
    return {"max_ssde_mgy": max(present) if present else None, **effective_dose_columns(events, age_years)}


def nm_effective_dose_columns(administrations: Iterable[tuple[float | None, str | None]]) -> dict[str, Any]:
    """Effective dose estimate columns from (administered activity MBq, Radiopharmaceutical Agent key) pairs.

    Administrations without activity (or activity 0) are skipped; one with activity whose agent code
    has no coefficient (or no code at all) leaves the whole estimate unknown: no partial sums.
    """
    out: dict[str, Any] = dict.fromkeys(ESTIMATE_COLUMNS)
    total, agents = 0.0, set()
    for activity_mbq, agent_key in administrations:
        if not activity_mbq:
            continue
        value, _, scheme = (agent_key or "").partition("|")
        estimate = nm_effective_dose(activity_mbq, value, scheme)
        if estimate is None:
            return out
        total += estimate.effective_dose_msv
        agents.add(estimate.agent)
    if not agents:
        return out
    out.update(effective_dose_estimate_msv=total, effective_dose_region="+".join(sorted(agents)),
               effective_dose_coefficients=NM_COEFFICIENT_SET)
    return out


def report_study_columns(ct: tuple[r.CtRadiationDose, ...], age_years: float | None,
                         nm: tuple[r.RadiopharmaceuticalDose, ...] = ()) -> dict[str, Any]:
    """Derived study columns for the CT and NM trees of a parsed report (all None without either).

    A study with CT events gets the CT estimate; otherwise the NM estimate of its administrations.
    """
    events = [e for dose in ct for e in dose.events]
    if not events:
        admins = ((a.administered_activity, code_key(a.radiopharmaceutical_agent))
                  for dose in nm for a in dose.administrations)
        return {**dict.fromkeys(STUDY_COLUMNS), **nm_effective_dose_columns(admins)}
    return study_columns((record_event_columns(e)["ssde_mgy"] for e in events),
                         ((e.dlp, code_key(e.target_region)) for e in events), age_years)
