"""NM exports carry the effective dose estimate next to, and named apart from, the RRDSR's reported value."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from export_support import read_csv, read_xlsx

from openrem.dose.services import import_file
from openrem.exports.run import CommandUser, run_export

pytestmark = [pytest.mark.django_db, pytest.mark.shared]


def test_nm_estimate_columns(tmp_path: Path, sample: Callable[[str], Path]) -> None:
    assert not import_file(sample("NM-RRDSR-Siemens.dcm")).failed
    for fmt in ("csv", "xlsx"):
        path = tmp_path / f"nm.{fmt}"
        run_export("nm", fmt, {}, CommandUser(), str(path))
        rows = read_csv(path) if fmt == "csv" else read_xlsx(path)["All data"]
        row = rows[0]
        header = "Effective dose estimate (population average, not patient dose) (mSv)"
        assert float(row[header]) == pytest.approx(394 * 0.019), fmt  # 7.486 mSv
        assert row["Effective dose radiopharmaceuticals"] == "fdg", fmt
        assert row["Effective dose coefficients"] == "nm_e_per_activity_icrp_adult", fmt
        reported = next(v for k, v in row.items() if k.endswith("Effective dose (reported) (mSv)"))
        assert float(reported) == pytest.approx(7.486), fmt  # the RRDSR's own value
