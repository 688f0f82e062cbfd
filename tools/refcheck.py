#!/usr/bin/env python3
"""Developer check: parse sample files (no database) and compare with the reference values.

Compares the parts of the reference that come straight from one file: study attributes, equipment,
patient sex/age/size/weight, modality and the CT / projection / radiopharmaceutical trees.
Values computed at ingest (display name, summaries, patient_age_decimal, stored patient IDs)
are checked by the conformance batch instead.

Usage: .venv/bin/python tools/refcheck.py [-v] [GLOB ...]     (default: every sample file)
"""
from __future__ import annotations

import fnmatch
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
SHARED = Path(os.environ.get("OPENREM_SHARED", ROOT.parent / "shared"))
sys.path.insert(0, str(SHARED / "tools"))

import conformance  # noqa: E402

from openrem.dicom.parse import Status, parse_path  # noqa: E402
from openrem.dicom.plain import to_plain  # noqa: E402

STUDY_KEYS = ["study_instance_uid", "study_date", "study_time", "accession_number", "study_description",
              "study_id", "procedure_code_meaning", "requested_procedure_code_meaning",
              "requested_procedure_code_value", "operator_name", "performing_physician_name",
              "referring_physician_name", "series_instance_uid"]
TREES = ["ct_radiation_dose", "projection_xray_radiation_dose", "radiopharmaceutical_radiation_dose"]


def view(report) -> dict:
    study = to_plain(report.study)
    out = {k: study.get(k) for k in STUDY_KEYS}
    out["modality_type"] = report.modality
    eq = to_plain(report.equipment)
    eq.pop("device_observer_uid", None)
    out["equipment"] = eq
    p = report.patient
    out["patient"] = {"patient_sex": p.sex}
    out["patient_study"] = {"patient_age": p.age, "patient_size": p.size, "patient_weight": p.weight}
    for t in TREES:
        out[t] = to_plain(getattr(report, t))
    return out


def strip_ref(study: dict) -> dict:
    s = {k: study.get(k) for k in STUDY_KEYS + ["modality_type"]}
    eq = dict(study["equipment"])
    eq.pop("display_name", None)
    eq.pop("user_defined_modality", None)
    s["equipment"] = eq
    s["patient"] = {"patient_sex": study["patient"]["patient_sex"]}
    ps = study["patient_study"]
    s["patient_study"] = {k: ps[k] for k in ("patient_age", "patient_size", "patient_weight")}
    for t in TREES:
        if t in study:
            s[t] = study[t]
    return s


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    globs = [a for a in argv if a != "-v"] or ["*"]
    golden = json.loads((SHARED / "golden" / "reference.json").read_text())
    total_bad = 0
    for name, entry in golden["files"].items():
        if not any(fnmatch.fnmatch(name, g) for g in globs):
            continue
        expected = entry["isolated"]["studies"]
        result = parse_path(SHARED / "dicom" / name)
        if result.status is not Status.PARSED:
            ok = not expected
            print(f"{name}: {result.status} {result.reason}" + ("" if ok else "  <-- expected a study"))
            total_bad += 0 if ok else 1
            continue
        res = conformance.Result()
        for exp in expected[:1]:
            conformance.compare(strip_ref(exp), view(result.report), "", res, lambda p: False)
        total_bad += len(res.failed)
        print(f"{name}: {res.compared - len(res.failed)}/{res.compared} agree"
              + (f"  fixes={list(result.report.vendor_fixes)}" if result.report.vendor_fixes else ""))
        for line in res.failed if verbose else res.failed[:8]:
            print("    " + line[:300])
    print(f"mismatches: {total_bad}")
    return 1 if total_bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
