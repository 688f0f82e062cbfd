"""Random but plausible projection X-ray studies (RF, DX, MG) for TID 10001 reports.

Ranges: fluoroscopy DAP 0.0001-0.01 Gy.m2 and acquisition DAP 0.001-0.05 Gy.m2 per event, DX DAP
1e-5-5e-4 Gy.m2, mammography AGD 0.5-3 mGy per exposure. Exposure (uA.s) is tube current (mA)
times exposure time (ms); deviation index is 10 log10(EI / target EI) (IEC 62494-1).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

from pydicom.dataset import Dataset

from openrem.dicom.synth import vocab as v
from openrem.dicom.synth.common import DeviceSpec, new_uid, random_patient, random_study, rnd, rng_or_new
from openrem.dicom.synth.projection import ProjectionEvent, ProjectionStudy, XrayFilter, projection_dataset

_DEVICES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "RF": (("Siemens", "AXIOM-Artis", "VD11"), ("Philips Medical Systems", "Azurion", "R2.1"),
           ("GE Healthcare", "Discovery IGS 740", "7.4")),
    "DX": (("CARESTREAM", "DRX-Evolution", "5.7"), ("Canon Inc.", "CXDI-710C", "2.14"),
           ("Philips Medical Systems", "DigitalDiagnost", "4.3")),
    "MG": (("HOLOGIC, Inc.", "Selenia Dimensions", "1.11"), ("GE HEALTHCARE", "Senographe Pristina", "ADS_63"),
           ("SIEMENS", "Mammomat Revelation", "VB10")),
}
_RF_PROTOCOLS = (("Barium swallow", v.CHEST), ("Coronary angiography", v.HEART), ("ERCP", v.ABDOMEN),
                 ("Lumbar facet injection", v.LUMBAR_SPINE), ("Hip arthrogram", v.HIP))
_DX_PROTOCOLS = (("Chest PA", v.CHEST, (v.POSTERO_ANTERIOR, v.LEFT_LATERAL)), ("Abdomen AP", v.ABDOMEN, (v.ANTERO_POSTERIOR,)),
                 ("Knee", v.KNEE, (v.ANTERO_POSTERIOR, v.LEFT_LATERAL)), ("Pelvis AP", v.PELVIS, (v.ANTERO_POSTERIOR,)),
                 ("Lumbar spine", v.LUMBAR_SPINE, (v.ANTERO_POSTERIOR, v.LEFT_LATERAL)))


def random_device(rng: random.Random, variant: str) -> DeviceSpec:
    """One of a few plausible rooms for ``variant`` (RF, DX or MG)."""
    manufacturer, model, software = rng.choice(_DEVICES[variant])
    room = rng.randint(1, 3)
    return DeviceSpec(manufacturer, model, f"{variant}ROOM{room}", "Synthetic General Hospital", "Radiology",
                      f"{rng.randrange(10**6):06d}", software, new_uid(rng))


def _rf_event(rng: random.Random, protocol: str, region: Any, when: dt.datetime, fluoro: bool) -> ProjectionEvent:
    if fluoro:
        rate, duration = rng.choice((3.0, 7.5, 15.0)), round(rng.uniform(2, 60), 1)
        pulses, dap, ma, width = float(round(rate * duration)), rnd(rng.uniform(1e-4, 1e-2), 4), rng.uniform(5, 25), 8.0
    else:
        rate, pulses = rng.choice((1.0, 2.0, 3.0, 6.0)), float(rng.randint(5, 60))
        duration, dap, ma, width = round(pulses / rate, 1), rnd(rng.uniform(1e-3, 5e-2), 4), rng.uniform(100, 600), 5.0
    ma = round(ma, 1)
    return ProjectionEvent(
        uid=new_uid(rng), event_type=v.FLUOROSCOPY if fluoro else v.STATIONARY_ACQUISITION, protocol=protocol,
        started=when, target_region=region, dap=dap, dose_rp=rnd(dap / rng.uniform(0.02, 0.06), 4),
        kvp=float(rng.randint(60, 110)), tube_current=ma, exposure_time=round(pulses * width, 1),
        exposure=round(ma * pulses * width, 1), pulse_rate=rate, number_of_pulses=pulses, pulse_width=width,
        irradiation_duration=duration, primary_angle=round(rng.uniform(-90, 90), 1),
        secondary_angle=round(rng.uniform(-40, 40), 1), source_to_detector=float(rng.randint(980, 1200)),
        source_to_isocenter=785.0, focal_spot=rng.choice((0.3, 0.6, 1.0)),
        filters=(XrayFilter(v.FLAT_FILTER, v.COPPER, *(2 * (rng.choice((0.1, 0.2, 0.3, 0.6, 0.9)),))),),
    )


def rf_spec(rng: random.Random | None = None, **overrides: Any) -> ProjectionStudy:
    """A fluoroscopy study: several fluoroscopy runs and a few acquisitions."""
    rng = rng_or_new(rng)
    protocol, region = rng.choice(_RF_PROTOCOLS)
    study = overrides.pop("study", None) or random_study(rng, protocol)
    t = study.start + dt.timedelta(minutes=2)
    events = []
    for _ in range(rng.randint(2, 12)):
        fluoro = rng.random() < 0.6
        events.append(_rf_event(rng, "Fluoro" if fluoro else f"{protocol} acq", region, t, fluoro))
        t += dt.timedelta(seconds=rng.randint(20, 300))
    return _study("RF", rng, study, events, overrides)


def _study(variant: str, rng: random.Random, study: Any, events: list[ProjectionEvent],
           overrides: dict[str, Any]) -> ProjectionStudy:
    values: dict[str, Any] = {
        "variant": variant, "patient": overrides.pop("patient", None) or random_patient(
            rng, sex="F" if variant == "MG" else None, today=study.date),
        "study": study, "device": overrides.pop("device", None) or random_device(rng, variant),
        "events": tuple(events),
    }
    values.update(overrides)
    return ProjectionStudy(**values)


def dx_spec(rng: random.Random | None = None, **overrides: Any) -> ProjectionStudy:
    """A radiography study: one to four stationary acquisitions with exposure indices."""
    rng = rng_or_new(rng)
    protocol, region, views = rng.choice(_DX_PROTOCOLS)
    study = overrides.pop("study", None) or random_study(rng, protocol)
    t = study.start + dt.timedelta(minutes=1)
    events = []
    target = float(rng.choice((250, 300, 400)))
    for i in range(rng.randint(1, 4)):
        ma, ms = float(rng.randrange(100, 500, 10)), float(rng.randint(5, 100))
        ei = round(target * rng.uniform(0.5, 2.0), 1)
        events.append(ProjectionEvent(
            uid=new_uid(rng), event_type=v.STATIONARY_ACQUISITION, protocol=protocol, started=t,
            target_region=region, dap=rnd(rng.uniform(1e-5, 5e-4), 4), dose_rp=rnd(rng.uniform(5e-5, 2e-3), 4),
            kvp=float(rng.randint(50, 125)), tube_current=ma, exposure_time=ms, exposure=ma * ms,
            number_of_pulses=1.0, exposure_index=ei, target_exposure_index=target,
            deviation_index=round(10 * math.log10(ei / target), 2), source_to_detector=float(rng.choice((1000, 1500, 1800))),
            focal_spot=rng.choice((0.6, 1.2)), view=views[i % len(views)],
        ))
        t += dt.timedelta(seconds=rng.randint(20, 120))
    return _study("DX", rng, study, events, overrides)


def mg_spec(rng: random.Random | None = None, **overrides: Any) -> ProjectionStudy:
    """A screening mammogram: CC and MLO views of both breasts (sometimes a repeat)."""
    rng = rng_or_new(rng)
    study = overrides.pop("study", None) or random_study(rng, "Screening mammography")
    t = study.start + dt.timedelta(minutes=1)
    views = [(lat, view) for view in (v.CRANIO_CAUDAL, v.MEDIO_LATERAL_OBLIQUE) for lat in (v.RIGHT, v.LEFT)]
    if rng.random() < 0.15:
        views.append(rng.choice(views))
    filt = rng.choice((v.RHODIUM, v.SILVER))
    events = []
    for lat, view in views:
        agd, ma, ms = round(rng.uniform(0.5, 3.0), 2), float(rng.randrange(80, 200, 5)), float(rng.randint(300, 1800))
        thickness = float(rng.randint(30, 80))
        force, area = 40.0 + thickness, 8000.0 + 100.0 * thickness  # N, mm2 (no draw: sequences unchanged)
        events.append(ProjectionEvent(
            uid=new_uid(rng), event_type=v.STATIONARY_ACQUISITION, protocol="Screening", started=t,
            target_region=v.BREAST, dap=rnd(rng.uniform(2e-5, 8e-5), 4), kvp=float(rng.randint(25, 34)),
            tube_current=ma, exposure_time=ms, exposure=ma * ms, laterality=lat, view=view, agd=agd,
            entrance_exposure=round(agd * rng.uniform(2.5, 4.0), 2), half_value_layer=round(rng.uniform(0.4, 0.6), 3),
            compression_thickness=thickness, compression_force=force, compression_pressure=round(force / area * 1e3, 3),
            compression_contact_area=area, anode=v.TUNGSTEN, focal_spot=0.3,
            filters=(XrayFilter(v.FLAT_FILTER, filt, 0.05, 0.05),), primary_angle=0.0 if view == v.CRANIO_CAUDAL else 45.0,
            source_to_detector=700.0,
        ))
        t += dt.timedelta(seconds=rng.randint(30, 120))
    return _study("MG", rng, study, events, overrides)


def rf_rdsr(rng: random.Random | None = None, **overrides: Any) -> Dataset:
    """A random fluoroscopy RDSR; ``overrides`` replace fields of :class:`ProjectionStudy`."""
    return projection_dataset(rf_spec(rng, **overrides))


def dx_rdsr(rng: random.Random | None = None, **overrides: Any) -> Dataset:
    """A random radiography RDSR; ``overrides`` replace fields of :class:`ProjectionStudy`."""
    return projection_dataset(dx_spec(rng, **overrides))


def mg_rdsr(rng: random.Random | None = None, **overrides: Any) -> Dataset:
    """A random mammography RDSR; ``overrides`` replace fields of :class:`ProjectionStudy`."""
    return projection_dataset(mg_spec(rng, **overrides))
