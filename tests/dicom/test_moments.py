"""Dates and times: the study's date and time from one place, date-only DTs beside a time, and
DATETIME content items that are no DT reported (PS3.5 Table 6.2-1 DA, TM, DT)."""

from __future__ import annotations

import datetime as dt
import random

from pydicom.dataset import Dataset

from openrem.dicom.header import study_date_time
from openrem.dicom.headers.elements import acquisition_datetime
from openrem.dicom.parse import parse_bytes
from openrem.dicom.synth import ct_rdsr
from openrem.dicom.synth.common import to_bytes
from openrem.dicom.synth.hostile import _dataset, _items, _save


def _moment(**values: str) -> tuple[object, object, list[str]]:
    ds = Dataset()
    for keyword, value in values.items():
        setattr(ds, keyword, value)
    warnings: list[str] = []
    date, time = study_date_time(ds, warnings.append)
    return date, time, warnings


def test_study_date_and_time_come_from_one_place() -> None:
    # a study at 23:50, its report written after midnight: never the study's date with 00:20
    date, time, warnings = _moment(StudyDate="20180105", ContentDate="20180106", ContentTime="002000",
                                   SeriesDate="20180105", SeriesTime="235000")
    assert (date, time) == (dt.date(2018, 1, 5), dt.time(23, 50))
    assert warnings == ["no valid Study Time: the Series Time of the same date is used"]
    date, time, warnings = _moment(StudyDate="20181345", StudyTime="235000", ContentDate="20180106",
                                   ContentTime="002000")
    assert (date, time) == (dt.date(2018, 1, 6), dt.time(0, 20))
    assert warnings == ["no valid Study Date: the Content Date is used"]
    date, time, warnings = _moment(StudyDate="20180105", ContentDate="20180106", ContentTime="002000")
    assert (date, time) == (dt.date(2018, 1, 5), None)
    assert warnings == ["no valid Study Time nor a time of the same date: study time left empty"]


def test_study_date_and_time_as_sent() -> None:
    assert _moment(StudyDate="20180105", StudyTime="235000", ContentDate="20180106", ContentTime="002000") == (
        dt.date(2018, 1, 5), dt.time(23, 50), [])
    date, time, warnings = _moment(ContentTime="104610")  # no date anywhere: the first time is kept
    assert (date, time) == (None, dt.time(10, 46, 10)) and len(warnings) == 1


def test_a_date_only_datetime_takes_the_time_beside_it() -> None:
    ds = Dataset()
    ds.AcquisitionDateTime, ds.AcquisitionTime = "20170522", "113254"
    assert acquisition_datetime(ds) == dt.datetime(2017, 5, 22, 11, 32, 54)
    ds.AcquisitionDateTime = "20170522101500"
    assert acquisition_datetime(ds) == dt.datetime(2017, 5, 22, 10, 15)


def test_a_datetime_item_that_is_no_dt_is_reported() -> None:
    ds = _dataset(to_bytes(ct_rdsr(random.Random(10))))
    for item in _items(ds):
        names = item.get("ConceptNameCodeSequence")
        if item.get("ValueType") == "DATETIME" and names and names[0].CodeValue == "113809":
            item.DateTime = "2018-01-05T17:21:03"  # ISO 8601, not DT
    result = parse_bytes(_save(ds))
    assert result.report is not None
    assert result.report.ct_radiation_dose[0].start_of_xray_irradiation is None
    assert result.report.ct_radiation_dose[0].end_of_xray_irradiation is not None
    assert "Start of X-Ray Irradiation: '2018-01-05T17:21:03' is not a valid date-time" in result.report.warnings
