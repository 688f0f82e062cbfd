"""Taking over OpenREM 1.0 databases (``openrem import_openrem_db``), against the reference values.

The PostgreSQL dump and the SQLite file of ``../shared/golden/openrem-1.0/`` were written by OpenREM
1.0 from the sample files. The dump is restored into a scratch database, taken over, and the result
compared with ``reference.json``'s sequential studies by ``conformance.py compare --sequential``; the
exceptions (docs/takeover-deviations.json) are each proven by a query of the old database below.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from openrem.dose.models import NotPatientIndicator, StandardName, Study
from openrem.dose.services import import_file

pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("OPENREM_SHARED", REPO.parent / "shared"))
GOLDEN = SHARED / "golden" / "openrem-1.0"
PG = "postgres://postgres@127.0.0.1:5432"


def _require(path: Path) -> Path:
    if not path.exists():
        if os.environ.get("OPENREM_REQUIRE_ALL") == "1":
            pytest.fail(f"{path} not found")
        pytest.skip(f"{path} not found")
    return path


@pytest.fixture(scope="module")
def old_pg() -> Iterator[str]:
    """The OpenREM 1.0 PostgreSQL dump restored into a scratch database; its URL.

    The tests that take it over run in the PostgreSQL pass of the suite (the production target); the
    SQLite pass takes over the SQLite file (``test_sqlite_database_is_taken_over_completely``).
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL dump is taken over in the PostgreSQL pass of the suite")
    dump = _require(GOLDEN / "openrem-1.0-samples.pgdump")
    name = f"oldrem10_{uuid.uuid4().hex[:10]}"
    args = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["createdb", *args, name], check=True, capture_output=True)
    try:
        subprocess.run(["pg_restore", *args, "--no-owner", "--exit-on-error", "-d", name, str(dump)],
                       check=True, capture_output=True)
        yield f"{PG}/{name}"
    finally:
        subprocess.run(["dropdb", *args, "--if-exists", name], capture_output=True)


def _psql(url: str, sql: str) -> list[str]:
    result = subprocess.run(["psql", url, "-Atc", sql], check=True, capture_output=True, text=True)
    return result.stdout.split()


def _dump(tmp_path: Path, name: str = "dump.json") -> Path:
    out = io.StringIO()
    call_command("dump", format="reference", stdout=out)
    path = tmp_path / name
    path.write_text(out.getvalue())
    return path


def _take_over(url: str) -> str:
    out = io.StringIO()
    call_command("import_openrem_db", url, stdout=out)
    return out.getvalue()


def _conformance(dump: Path) -> subprocess.CompletedProcess[str]:
    tool = _require(SHARED / "tools" / "conformance.py")
    return subprocess.run([sys.executable, str(tool), "compare", str(dump), "--sequential", "--deviations",
                           str(REPO / "docs" / "takeover-deviations.json")], capture_output=True, text=True)


def test_postgresql_take_over_agrees_with_the_reference_and_is_idempotent(old_pg: str, tmp_path: Path) -> None:
    report = _take_over(old_pg)
    assert "studies: taken 39" in report
    first = _dump(tmp_path)
    result = _conformance(first)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ", 0 mismatches" in result.stdout
    report = _take_over(old_pg)  # a second run changes nothing
    assert "studies: already present 39" in report
    assert _dump(tmp_path, "again.json").read_text() == first.read_text()


def test_take_over_into_a_database_holding_some_of_the_studies(old_pg: str, sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for name in ("CT-RDSR-Siemens_Flash-TAP-SS.dcm", "RF-RDSR-Siemens-Zee.dcm", "MG-RDSR-Hologic_2D.dcm"):
        assert not import_file(sample(name)).failed
    _take_over(old_pg)
    assert Study.objects.count() == 39
    reference = json.loads((SHARED / "golden" / "reference.json").read_text())["sequential"]["final_studies"]
    expected = Counter(s["study_instance_uid"] for s in reference)
    stored = Counter(Study.objects.values_list("study_instance_uid", flat=True))
    assert stored == expected  # one copy of each study


def test_sqlite_database_is_taken_over_completely(tmp_path: Path) -> None:
    old = _require(GOLDEN / "openrem-1.0-samples.sqlite3")
    report = _take_over(f"sqlite:///{old}")
    assert "studies: taken 38" in report
    assert Study.objects.count() == 38
    with sqlite3.connect(f"file:{old}?mode=ro", uri=True) as conn:
        old_events = conn.execute("SELECT COUNT(*) FROM remapp_ctirradiationeventdata").fetchone()[0] + \
            conn.execute("SELECT COUNT(*) FROM remapp_irradeventxraydata").fetchone()[0]
        old_dlp = conn.execute("SELECT SUM(dlp) FROM remapp_ctirradiationeventdata").fetchone()[0]
    dumped = json.loads(_dump(tmp_path).read_text())["studies"]
    ct_events = [e for s in dumped for d in s.get("ct_radiation_dose", []) for e in d["events"]]
    proj_events = [e for s in dumped for d in s.get("projection_xray_radiation_dose", []) for e in d["events"]]
    assert len(ct_events) + len(proj_events) == old_events
    assert sum(e["dlp"] or 0 for e in ct_events) == pytest.approx(old_dlp, rel=1e-9)


def test_configuration_users_and_groups_are_taken_over(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    shutil.copy(_require(GOLDEN / "openrem-1.0-samples.sqlite3"), old)
    with sqlite3.connect(old) as conn:
        conn.execute("DELETE FROM remapp_generalstudymoduleattr")  # configuration only: no study to take
        conn.execute("INSERT INTO auth_group (id, name) VALUES (7, 'viewgroup')")
        conn.execute("INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, email, "
                     "is_staff, is_active, date_joined) VALUES (5, ?, 0, 'physicist', '', '', '', 0, 1, "
                     "'2024-01-01 00:00:00')", [make_password("Old-System-Password-1")])
        conn.execute("INSERT INTO auth_user_groups (user_id, group_id) VALUES (5, 7)")
        conn.execute("INSERT INTO remapp_notpatientindicatorsid (not_patient_id) VALUES ('*phy*')")
        conn.execute("INSERT INTO remapp_notpatientindicatorsname (not_patient_name) VALUES ('*test*')")
        conn.execute("INSERT INTO remapp_standardnames (standard_name, modality, study_description) "
                     "VALUES ('Chest PA', 'DX', 'CHEST')")
    report = _take_over(f"sqlite:///{old}")
    user = User.objects.get(username="physicist")
    assert user.check_password("Old-System-Password-1")
    assert list(user.groups.values_list("name", flat=True)) == ["viewgroup"]
    assert NotPatientIndicator.objects.filter(field=NotPatientIndicator.ID, pattern="*phy*").exists()
    assert NotPatientIndicator.objects.filter(field=NotPatientIndicator.NAME, pattern="*test*").exists()
    assert StandardName.objects.filter(standard_name="Chest PA", modality="DX", study_description="CHEST").exists()
    assert "users 1" in report and "standard names 1" in report
    again = _take_over(f"sqlite:///{old}")  # nothing new the second time
    assert "configuration (new): none" in again and "user physicist: skipped: already exists here" in again


def test_a_database_that_is_not_openrem_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (id integer)").connection.close()
    with pytest.raises(CommandError, match="no OpenREM tables"):
        _take_over(f"sqlite:///{other}")
    with pytest.raises(CommandError, match="cannot open"):
        _take_over(f"sqlite:///{tmp_path / 'missing.sqlite3'}")


# ------------------------------------------------------------- proofs of the accepted exceptions


def test_old_database_records_no_file_names(old_pg: str) -> None:
    columns = _psql(old_pg, "SELECT table_name || '.' || column_name FROM information_schema.columns "
                            "WHERE table_name LIKE 'remapp_%'")
    file_columns = {c for c in columns if "file" in c.split(".")[1]}
    # only the export files and size-import CSVs have file names; nothing records an imported DICOM file
    assert file_columns == {"remapp_exports.filename", "remapp_sizeupload.sizefile", "remapp_sizeupload.logfile"}
    assert sorted(c.split(".")[1] for c in columns if c.startswith("remapp_objectuidsprocessed.")) == [
        "general_study_module_attributes_id", "id", "sop_instance_uid"]


def test_philips_event_uids_were_generated_by_the_older_importer(old_pg: str) -> None:
    uids = _psql(old_pg, "SELECT e.irradiation_event_uid FROM remapp_ctirradiationeventdata e JOIN "
                         "remapp_ctradiationdose c ON c.id = e.ct_radiation_dose_id JOIN remapp_generalstudymoduleattr g "
                         "ON g.id = c.general_study_module_attributes_id WHERE g.study_instance_uid LIKE '%495550897412.3.0'")
    assert len(uids) == 4 and all(u.startswith("1.2.826.0.1.3680043.8.498.") for u in uids)
    reference = json.loads((SHARED / "golden" / "reference.json").read_text())["sequential"]["final_studies"]
    study = next(s for s in reference if s["study_instance_uid"].endswith("495550897412.3.0"))
    assert not set(uids) & {e["irradiation_event_uid"] for d in study["ct_radiation_dose"] for e in d["events"]}


def test_old_postgresql_values_differ_from_the_sqlite_reference(old_pg: str) -> None:
    where = ("FROM remapp_irradeventxraydata e JOIN remapp_irradeventxraysourcedata s ON "
             "s.irradiation_event_xray_data_id = e.id JOIN remapp_exposure x ON "
             "x.irradiation_event_xray_source_data_id = s.id WHERE e.irradiation_event_uid LIKE '%1539157288244.66.0'")
    assert _psql(old_pg, f"SELECT x.exposure {where}") == ["627.11"]
    dap = _psql(old_pg, "SELECT dose_area_product FROM remapp_irradeventxraydata "
                        "WHERE irradiation_event_uid LIKE '%1539157288244.60.0'")
    assert float(dap[0]) == pytest.approx(4.7337e-06, rel=1e-9)
    with sqlite3.connect(f"file:{GOLDEN / 'openrem-1.0-samples.sqlite3'}?mode=ro", uri=True) as conn:
        assert conn.execute(f"SELECT x.exposure {where}").fetchone()[0] == pytest.approx(627.1)
