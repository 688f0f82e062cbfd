#!/usr/bin/env python3
"""CT study list benchmark on PostgreSQL (not part of the test suite).

Run: ``.venv/bin/python benchmarks/web_list.py [--studies 1000000] [--repeat 7]``.

1. Creates (if missing) and migrates its own database ``openrem_bench`` on the local PostgreSQL
   server (``--url`` to change; the database name must not be ``openrem`` or ``test_openrem``);
2. loads N generated CT studies with bulk SQL (``INSERT ... SELECT generate_series``): 30 systems,
   dates over 5 years, 36 protocols, log-normal DLP, ages, weights, and 3 CT events per study
   (one localiser, two spiral) under one CT radiation dose row. Secondary indexes are dropped
   during the load and rebuilt afterwards. The load is skipped when the database already holds
   the same N (recorded in the table ``openrem_bench_info``);
3. times filtered, sorted CT list pages logged in as a viewgroup user, through Django's test client
   and over HTTP through a real server (``openrem runserver`` started on a free local port, DEBUG
   off): median of ``--repeat`` runs after one warm-up run, against the 300 ms goal. Deep pages are
   timed as the list reaches them, by the cursor of their "Next" link (keyset paging), and also by
   page number alone (OFFSET, for a typed URL).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/openrem_bench"
FORBIDDEN_DBS = {"openrem", "test_openrem", "postgres", "template0", "template1"}
GOAL_MS = 300.0
OLD_MS, OLD_STUDIES = 90.0, 500
SYSTEMS = 30
PROTOCOLS = (  # study description, first and second acquisition protocol
    ("CT Head", "Head Seq 4.8mm", "Head Spiral 0.6mm"), ("CT Brain", "Brain Routine", "Brain Thin"),
    ("CT Chest", "Thorax 1.0 Br40", "Thorax Lung 1mm"), ("CT Chest HRCT", "HRCT Insp", "HRCT Exp"),
    ("CT Abdomen", "Abdomen PV", "Abdomen Delay"), ("CT Abdomen Pelvis", "AbdoPelvis PV", "AbdoPelvis Late"),
    ("CT Chest Abdomen Pelvis", "CAP Arterial", "CAP Portal"), ("CT KUB", "KUB Low Dose", "KUB Prone"),
    ("CT Colonography", "Colon Supine", "Colon Prone"), ("CT Pulmonary Angio", "CTPA Bolus", "CTPA Angio"),
    ("CT Coronary Angio", "Cardiac CaScore", "Cardiac CTA"), ("CT Aorta", "Aorta Angio", "Aorta Delay"),
    ("CT Neck", "Neck Contrast", "Neck Thin"), ("CT Sinus", "Sinus Low Dose", "Sinus Coronal"),
    ("CT Temporal Bones", "IAM Seq", "IAM Spiral"), ("CT Facial Bones", "Face Spiral", "Face Thin"),
    ("CT C-Spine", "C-Spine Bone", "C-Spine Soft"), ("CT L-Spine", "L-Spine Bone", "L-Spine Soft"),
    ("CT T-Spine", "T-Spine Bone", "T-Spine Soft"), ("CT Pelvis", "Pelvis Bone", "Pelvis Soft"),
    ("CT Knee", "Knee Extremity", "Knee Thin"), ("CT Ankle", "Ankle Extremity", "Ankle Thin"),
    ("CT Wrist", "Wrist Extremity", "Wrist Thin"), ("CT Shoulder", "Shoulder Bone", "Shoulder Soft"),
    ("CT Liver", "Liver Triphasic", "Liver Delay"), ("CT Pancreas", "Pancreas Arterial", "Pancreas PV"),
    ("CT Renal", "Renal Pre", "Renal Nephro"), ("CT Urogram", "Urogram Pre", "Urogram Excretory"),
    ("CT Trauma", "Trauma Head", "Trauma Body"), ("CT Perfusion Brain", "Perfusion 4D", "Perfusion Angio"),
    ("CT Angio Head", "COW Angio", "COW Delay"), ("CT Angio Runoff", "Runoff Angio", "Runoff Delay"),
    ("CT Biopsy Guidance", "Biopsy Seq", "Biopsy Check"), ("CT Virtual Endoscopy", "VE Supine", "VE Prone"),
    ("CT Dental", "Dental Spiral", "Dental Thin"), ("CT Whole Body", "WB Spiral", "WB Arms Up"),
)
# name, query string (the acceptance case: filtered and sorted CT list pages)
REQUESTS = (
    ("no filter, default order (date desc)", ""),
    ("date range + description contains + DLP min, sorted by DLP desc",
     "date_from=2023-01-01&date_until=2024-06-30&study_description=chest&dlp_min=500&o=-dlp"),
    ("same, deep page 200 (Next link: keyset cursor)", "date_from=2023-01-01&date_until=2024-06-30"
                                                       "&study_description=chest&dlp_min=500&o=-dlp&page=200&after=*"),
    ("same, deep page 200 typed as a number (OFFSET)", "date_from=2023-01-01&date_until=2024-06-30"
                                                       "&study_description=chest&dlp_min=500&o=-dlp&page=200"),
    ("display name filter, sorted by date", "display_name=CT07&o=-date"),
    ("acquisition protocol filter (EXISTS over events)", "protocol=cardiac&o=-date"),
    ("rare description (few matches)", "study_description=endoscopy&date_from=2025-06-01"),
    ("no match at all", "study_description=no-such-protocol"),
    ("sorted by DLP asc, 200 per page", "o=dlp&per_page=200"),
    ("sorted by age, deep page 2000 (Next link: keyset cursor)", "o=age&page=2000&after=*"),
    ("sorted by age, deep page 2000 typed as a number (OFFSET)", "o=age&page=2000"),
    ("default order, deep page 20000 (Next link: keyset cursor)", "page=20000&after=*"),
    ("min/max weight + events count, sorted by events", "weight_min=70&weight_max=80&events=3&o=-events"),
)


def parse_args() -> argparse.Namespace:
    """Command line options."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--studies", type=int, default=1_000_000, help="number of CT studies (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per request (median is printed)")
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL),
                        help=f"PostgreSQL URL of the benchmark database (default {DEFAULT_URL})")
    parser.add_argument("--reload", action="store_true", help="load again even when N matches")
    return parser.parse_args()


def ensure_database(url: str) -> None:
    """Create the benchmark database when it does not exist (never touches another database)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or name in FORBIDDEN_DBS:
        sys.exit(f"refusing to use database {name!r}: give the benchmark a database of its own")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def setup_django(url: str) -> None:
    """Point Django at the benchmark database and migrate it."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openrem.settings")
    os.environ["DEBUG"] = "0"
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - t:.1f} s")


# ----------------------------------------------------------------------------- loading


LOAD_TABLES = ("dose_ctevent", "dose_ctradiationdose", "dose_study")


def _drop_indexes(cur: Any) -> list[str]:
    """Drop the secondary (non-constraint) indexes of the loaded tables; return their definitions."""
    cur.execute("""SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x
                   JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
                   WHERE t.relname = ANY(%s) AND NOT x.indisprimary AND NOT x.indisunique
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)""",
                (list(LOAD_TABLES),))
    rows = cur.fetchall()
    for name, _ in rows:
        cur.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in rows]


def _load_equipment(cur: Any) -> None:
    cur.execute("""INSERT INTO dose_uniqueequipment (id, manufacturer, institution_name, station_name,
                     manufacturer_model_name, device_serial_number, identity_hash, fields_hash, display_name,
                     created_at)
                   SELECT g, (ARRAY['Siemens','GE','Philips','Canon'])[1 + g %% 4], 'Hospital ' || (1 + g %% 6),
                     'CT' || lpad(g::text, 2, '0'), 'Scanner ' || (1 + g %% 5), 'SN' || g,
                     md5('bench-identity-' || g) || md5('x' || g), md5('bench-fields-' || g) || md5('y' || g),
                     'CT' || lpad(g::text, 2, '0') || ' ' || 'Hospital ' || (1 + g %% 6), now()
                   FROM generate_series(1, %s) g""", (SYSTEMS,))


def _load_studies(cur: Any, n: int) -> None:
    cur.execute("CREATE TEMP TABLE bench_protocol (idx int, description text, proto_a text, proto_b text)")
    cur.executemany("INSERT INTO bench_protocol VALUES (%s, %s, %s, %s)",
                    [(i, *p) for i, p in enumerate(PROTOCOLS)])
    cur.execute("SELECT setseed(0.42)")
    cur.execute("""INSERT INTO dose_study (id, study_instance_uid, modality_type, source_kind, study_date, study_time,
                     study_datetime, accession_number, accession_hashed, study_description, study_id,
                     header_rank, patient_name_hashed, patient_id, patient_id_hashed, patient_sex, patient_age,
                     patient_age_decimal, patient_weight, equipment_id, number_of_events, number_of_axial,
                     number_of_spiral, number_of_stationary, number_of_const_angle, total_dlp, warnings,
                     vendor_fixes, created_at, updated_at)
                   SELECT g, '1.2.826.0.1.3680043.10.' || g, 'CT', 'ct_rdsr', w::date, w::time, w, 'ACC' || g,
                     false, p.description, g::text, '', false, 'P' || (g %% 400000), false,
                     (ARRAY['F','M'])[1 + g %% 2], lpad(a::int::text, 3, '0') || 'Y', a, 40 + random() * 80,
                     1 + g %% %s, 3, 0, 2, 0, 1,
                     round((exp(ln(600) + 0.6 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))::numeric,
                           2)::float8,
                     '[]'::jsonb, '[]'::jsonb, now(), now()
                   FROM (SELECT g, timestamp '2021-01-01 07:00' + random() * interval '1826 days' AS w,
                                random() * 95 AS a, floor(random() * 36)::int AS pidx
                         FROM generate_series(1, %s) g) s
                   JOIN bench_protocol p ON p.idx = s.pidx""", (SYSTEMS, n))


def _load_events(cur: Any) -> None:
    cur.execute("""INSERT INTO dose_ctradiationdose (id, procedure_reported, procedure_reported_code,
                     start_of_xray_irradiation, parent_id)
                   SELECT id, 'Computed Tomography X-Ray', '77477000|SCT', study_datetime, id FROM dose_study""")
    cur.execute("""INSERT INTO dose_ctevent (id, irradiation_event_uid, acquisition_protocol, ct_acquisition_type,
                     ct_acquisition_type_code, date_time_started, mean_ctdivol, dlp, parent_id)
                   SELECT s.id * 3 + k, s.study_instance_uid || '.' || k,
                     CASE k WHEN 0 THEN 'Topogram 0.6 T20f' WHEN 1 THEN p.proto_a ELSE p.proto_b END,
                     CASE k WHEN 0 THEN 'Constant Angle Acquisition' ELSE 'Spiral Acquisition' END,
                     CASE k WHEN 0 THEN '113805|DCM' ELSE '116152004|SCT' END,
                     s.study_datetime + k * interval '1 minute',
                     CASE k WHEN 0 THEN 0.1 ELSE s.total_dlp / 80 END,
                     CASE k WHEN 0 THEN 5 ELSE (s.total_dlp - 5) / 2 END, s.id
                   FROM dose_study s JOIN bench_protocol p ON p.description = s.study_description
                   CROSS JOIN generate_series(0, 2) k""")


def load(url: str, n: int, reload: bool) -> bool:
    """Load ``n`` CT studies unless the database already holds them; print time and row counts.
    Returns whether it loaded (the bulk load bypasses every trigger)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS openrem_bench_info (studies bigint, load_seconds float8)")
        row = cur.execute("SELECT studies, load_seconds FROM openrem_bench_info").fetchone()
        if row and row[0] == n and not reload:
            print(f"load skipped: {n:,} studies already loaded (load took {row[1]:.0f} s)")
            cur.execute("ANALYZE")  # statistics of indexes a newer migration may have added
            return False
        start = time.perf_counter()
        with conn.transaction():
            cur.execute("SET LOCAL session_replication_role = replica")  # no FK triggers during the bulk load
            cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cur.execute("TRUNCATE dose_ctevent, dose_ctradiationdose, dose_ctaccumulateddose, dose_ctxraysource, "
                        "dose_ctdosecheck, dose_processedobject, dose_study, dose_uniqueequipment, "
                        "openrem_bench_info CASCADE")
            definitions = _drop_indexes(cur)
            steps = (("equipment", lambda: _load_equipment(cur)), ("studies", lambda: _load_studies(cur, n)),
                     ("events", lambda: _load_events(cur)),
                     ("indexes", lambda: [cur.execute(d) for d in definitions]))
            for label, step in steps:
                t = time.perf_counter()
                step()
                print(f"  {label}: {time.perf_counter() - t:.1f} s")
            for table, column in (("dose_uniqueequipment", "id"), ("dose_study", "id"),
                                  ("dose_ctradiationdose", "id"), ("dose_ctevent", "id")):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                            f"(SELECT coalesce(max({column}), 1) FROM {table}))")
        t = time.perf_counter()
        cur.execute("VACUUM ANALYZE")
        print(f"  vacuum analyze: {time.perf_counter() - t:.1f} s")
        elapsed = time.perf_counter() - start
        cur.execute("INSERT INTO openrem_bench_info VALUES (%s, %s)", (n, elapsed))
        print(f"load of {n:,} studies: {elapsed:.1f} s")
    return True


def row_counts(url: str) -> None:
    """Print the row counts and sizes of the loaded tables."""
    import psycopg

    with psycopg.connect(url) as conn:
        for table in ("dose_uniqueequipment", *reversed(LOAD_TABLES)):
            count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
            size = conn.execute("SELECT pg_size_pretty(pg_total_relation_size(%s))", (table,)).fetchone()[0]  # type: ignore[index]
            print(f"  {table:22s} {count:>10,} rows, {size} with indexes")


# ----------------------------------------------------------------------------- timing


def with_cursor(query: str) -> str:
    """``after=*`` replaced by the cursor the "Next" link of the page before carries."""
    if "after=*" not in query:
        return query
    from django.contrib.auth.models import AnonymousUser
    from django.http import QueryDict

    from openrem.modalities.registry import MODALITIES
    from openrem.web.filtering import filtered_studies, list_ordering
    from openrem.web.keyset import encode

    params = QueryDict(query.replace("after=*", ""), mutable=True)
    per_page = int(params.get("per_page") or 25)
    offset = (int(params["page"]) - 1) * per_page
    user = AnonymousUser()
    qs, form = filtered_studies(MODALITIES["ct"], user, params)
    assert form.is_valid(), form.errors
    last_of_previous = qs[offset - 1]  # the last row of the page before (setup, not timed)
    ordering = list_ordering(MODALITIES["ct"], params.get("o", ""))
    return query.replace("after=*", f"after={encode(last_of_previous, ordering)}")


class HttpServer:
    """``openrem runserver`` on a free port of 127.0.0.1 (DEBUG off), for timing over real HTTP."""

    def __init__(self, url: str) -> None:
        import socket
        import subprocess

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "PYTHONPATH": str(ROOT / "src")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{self.port}", "--noreload", "--nothreading"],
            env={**env, "DJANGO_SETTINGS_MODULE": "openrem.settings"}, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 300  # system checks take a while on a busy machine
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.2)
        self.process.kill()
        raise RuntimeError("the benchmark web server did not start")

    def get(self, path: str, cookie: str) -> tuple[int, float]:
        """(status, milliseconds) of one GET, body read to the end."""
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        t = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie, "Host": "localhost"})
        response = conn.getresponse()
        response.read()
        elapsed = (time.perf_counter() - t) * 1000
        conn.close()
        return response.status, elapsed

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def bench_requests(repeat: int, url: str) -> None:
    """Time each list request (median of ``repeat`` warm runs) via the test client and over HTTP."""
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user, _ = User.objects.get_or_create(username="bench-viewer")
    user.groups.add(Group.objects.get_or_create(name="viewgroup")[0])
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    server = HttpServer(url)
    print(f"\nCT list requests (median of {repeat} warm runs; goal {GOAL_MS:.0f} ms; older OpenREM "
          f"{OLD_MS:.0f} ms at {OLD_STUDIES} studies on SQLite):")
    print("  test client                          HTTP (runserver)")
    worst = worst_http = 0.0
    try:
        for label, query in REQUESTS:
            path = f"/ct/?{with_cursor(query)}"
            reset_queries()  # each request clears the query log when it starts
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)  # warm-up
            queries = len(captured)  # read now: the log is a view that the next request clears
            assert response.status_code == 200, (path, response.status_code)
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - t) * 1000)
            status, _ms = server.get(path, cookie)  # warm-up
            assert status == 200, (path, status)
            http_times = [server.get(path, cookie)[1] for _ in range(repeat)]
            med, med_http = statistics.median(times), statistics.median(http_times)
            worst, worst_http = max(worst, med), max(worst_http, med_http)
            found = re.search(r'<small class="text-muted" id="study-count">([^<]*)</small>', response.content.decode())
            total = " ".join(found.group(1).split()) if found else "?"
            verdict = "ok" if max(med, med_http) < GOAL_MS else "SLOW"
            print(f"  {med:7.1f} ms (min {min(times):6.1f})  {queries:2d} queries  {med_http:7.1f} ms "
                  f"(min {min(http_times):6.1f})  {verdict:4s} {label}  [{total}]")
    finally:
        server.stop()
    print(f"slowest median: {worst:.1f} ms test client, {worst_http:.1f} ms over HTTP "
          f"({'meets' if max(worst, worst_http) < GOAL_MS else 'misses'} the {GOAL_MS:.0f} ms goal)")


def main() -> None:
    """Create, migrate and load the benchmark database, then time the list pages."""
    args = parse_args()
    ensure_database(args.url)
    setup_django(args.url)
    load(args.url, args.studies, args.reload)
    row_counts(args.url)
    bench_requests(args.repeat, args.url)


if __name__ == "__main__":
    main()
