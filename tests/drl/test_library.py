"""The preloaded DRL sets match the published data file value by value and carry their source;
DRL files are read all-or-nothing with errors naming the line."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from openrem.drl.csvio import DrlFileError, parse_drl_file, write_drl_file
from openrem.drl.library import DATA_DIR, PRELOADED_FILES, as_parsed, preloaded_sets
from openrem.drl.models import DrlSet, DrlValue

SHARED_UK = Path(os.environ.get("OPENREM_SHARED", Path(__file__).parents[3] / "shared")) / "data/drl/uk-ndrl-adult-ct.csv"

GOOD = """# Set: Local CT
# Version: 1
# Source: local audit 2026
exam,clinical_indication,patient_group,quantity,value,unit
Head,,adult,dlp,700,mGy.cm
Head,,adult,ctdivol,45,mGy
"""


def _rows(path: Path) -> list[dict[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return list(csv.DictReader(line for line in lines if not line.startswith("#")))


def _check_against(rows: list[dict[str, str]], drl_set: DrlSet) -> int:
    checked = 0
    for row in rows:
        for column, quantity in (("ctdivol_mGy", "ctdivol"), ("dlp_mGycm", "dlp")):
            values = drl_set.values.filter(exam=row["exam"], quantity=quantity,
                                           clinical_indication=row["clinical_indication"])
            if row[column]:
                assert values.get().value == float(row[column]), (row["exam"], quantity)
                checked += 1
            else:
                assert not values.exists()
    assert drl_set.values.count() == checked
    return checked


@pytest.mark.django_db
def test_preloaded_uk_ct_values_match_the_package_file() -> None:
    drl_set = DrlSet.objects.get(name="UK NDRL adult CT", version="2024")
    assert "UKHSA" in drl_set.source and drl_set.country == "GB"
    assert str(drl_set.valid_from) == "2024-11-20"
    assert _check_against(_rows(DATA_DIR / PRELOADED_FILES[0]), drl_set) == 21  # 8 CTDIvol + 13 DLP values


@pytest.mark.django_db
@pytest.mark.shared
def test_preloaded_uk_ct_values_match_the_shared_file() -> None:
    if not SHARED_UK.exists():
        pytest.skip("shared data not present")
    drl_set = DrlSet.objects.get(name="UK NDRL adult CT", version="2024")
    assert _check_against(_rows(SHARED_UK), drl_set) == 21  # 8 CTDIvol + 13 DLP values
    shared_source = next(line for line in SHARED_UK.read_text().splitlines() if line.startswith("# Source:"))
    assert shared_source[len("# Source:"):].strip() == drl_set.source


@pytest.mark.django_db
def test_every_set_carries_its_source() -> None:
    assert DrlSet.objects.count() >= len(PRELOADED_FILES)
    assert all(s.source.strip() for s in DrlSet.objects.all())
    assert all(p.source for p in preloaded_sets())


def test_round_trip_and_errors_name_the_line() -> None:
    parsed = parse_drl_file(GOOD)
    assert [(v.quantity, v.value, v.unit) for v in parsed.values] == [("dlp", 700.0, "mGy.cm"), ("ctdivol", 45.0, "mGy")]
    assert parse_drl_file(write_drl_file(parsed)).values == parsed.values
    with pytest.raises(DrlFileError, match="line 5"):
        parse_drl_file(GOOD.replace("700", "seven hundred"))
    with pytest.raises(DrlFileError, match="line 6"):
        parse_drl_file(GOOD.replace("45,mGy", "-1,mGy"))
    with pytest.raises(DrlFileError, match="Source"):
        parse_drl_file(GOOD.replace("# Source: local audit 2026\n", ""))
    with pytest.raises(DrlFileError, match="duplicate"):
        parse_drl_file(GOOD + "Head,,adult,dlp,800,mGy.cm\n")
    with pytest.raises(DrlFileError, match="unknown quantity"):
        parse_drl_file(GOOD.replace(",dlp,", ",kerma,"))


@pytest.mark.django_db
def test_import_command_all_or_nothing(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    call_command("import_drl_set", str(good))
    stored = DrlSet.objects.get(name="Local CT")
    assert set(parse_drl_file(write_drl_file(as_parsed(stored))).values) == set(parse_drl_file(GOOD).values)
    before = DrlValue.objects.count()
    with pytest.raises(CommandError, match="exists already"):
        call_command("import_drl_set", str(good))
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD.replace("Local CT", "Other").replace("45,mGy", "x,mGy"), encoding="utf-8")
    with pytest.raises(CommandError, match="line 6"):
        call_command("import_drl_set", str(bad))
    assert DrlValue.objects.count() == before and not DrlSet.objects.filter(name="Other").exists()


@pytest.mark.django_db
def test_every_preloaded_value_matches_its_file_and_every_set_has_a_source() -> None:
    """Each data file of PRELOADED_FILES is stored value by value (read here with the csv module, not the
    loader), with its name, version, country and source header lines."""
    checked = 0
    for name in PRELOADED_FILES:
        text = (DATA_DIR / name).read_text(encoding="utf-8")
        header = {k.strip().lower(): v.strip() for k, _, v in
                  (line.lstrip("#").partition(":") for line in text.splitlines() if line.startswith("#"))}
        drl_set = DrlSet.objects.get(name=header["set"], version=header["version"])
        assert drl_set.source and drl_set.source.startswith(header["source"][:40])
        assert drl_set.country == header.get("country", "") and drl_set.modality == header.get("modality", "CT")
        expected = {}
        for row in _rows(DATA_DIR / name):
            for column, value in row.items():
                if column.endswith(("_mGy", "_mGycm", "_cGycm2", "_Gym2")) and value:
                    quantity = column.split("_")[0]
                    expected[(row["exam"], row.get("clinical_indication") or "", quantity)] = float(value)
        stored = {(v.exam, v.clinical_indication, v.quantity): v.value for v in drl_set.values.all()}
        assert stored == expected, name
        checked += len(expected)
    assert checked == 21 + 10  # UK adult CT: 8 CTDIvol + 13 DLP; DE adult radiography: 10 DAP


@pytest.mark.django_db
def test_german_radiography_values_in_their_unit() -> None:
    de = DrlSet.objects.get(name="DE BfS DRW adult projection radiography", version="2022")
    chest = de.values.get(exam="Thorax p. a.")
    assert (chest.quantity, chest.value, chest.unit, chest.patient_group) == ("dap", 12.0, "cGy.cm2", "adult")
    assert "BAnz AT 11.01.2023 B11" in de.source and de.modality == "DX"


SMALL = """# Set: {name}
# Version: 1
# Modality: {modality}
# Source: Values invented for the test
exam,quantity,value,unit
{exam},dlp,100,mGy.cm
"""


@pytest.mark.parametrize(("fields", "words"), [
    ({"exam": "h" * 200_000}, "cannot be read as CSV"),  # over the csv module's field limit
    ({"exam": '"' + "h" * 200_000}, "cannot be read as CSV"),
    ({"name": "Set\x00A"}, "NUL character"),
    ({"exam": "Head\x00"}, "NUL character"),
    ({"name": "S" * 5000}, "the set: name"),
    ({"modality": "ZZZZZZZZZZZZZZZ"}, "the set: modality"),
    ({"exam": "E" * 300}, "value " + "E" * 300 + " dlp: exam"),
])
@pytest.mark.django_db
def test_a_file_that_does_not_fit_is_refused_and_nothing_is_stored(fields: dict[str, str], words: str) -> None:
    """Text a column cannot hold is refused with its reason, never cut, never stored (SQLite would take
    it; PostgreSQL would refuse it with a server error); a cell over the csv field limit too."""
    from openrem.drl.library import store_set

    before = DrlSet.objects.count()
    text = SMALL.format(**{"name": "Test set", "modality": "CT", "exam": "Head", **fields})
    with pytest.raises(ValueError, match=words[:60].replace("(", r"\(")):
        store_set(parse_drl_file(text))
    assert DrlSet.objects.count() == before
