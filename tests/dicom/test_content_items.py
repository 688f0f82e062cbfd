"""Content items the templates allow in more than one form (PS3.3 C.18.1, PS3.16 TID 10003).

Multi-valued NUM (one value per pulse), HAS CONCEPT MOD modifiers of Target Region, NUM items
with a Numeric Value Qualifier and no value, and UCUM spellings of units.
"""

from __future__ import annotations

import dataclasses
import random

import pytest

from openrem.dicom import quantity
from openrem.dicom.parse import Status, parse_bytes
from openrem.dicom.records import DoseReport, ProjectionEvent
from openrem.dicom.srtree import Code, ContentItem
from openrem.dicom.synth import encode as e
from openrem.dicom.synth import projection_random
from openrem.dicom.synth import vocab as v
from openrem.dicom.synth.common import to_bytes
from openrem.dicom.synth.projection import ProjectionStudy, projection_dataset

KVP = tuple(float(70 + i) for i in range(20))
CURRENT = tuple(0.0 if i % 5 == 0 else 10.0 + i / 2 for i in range(20))  # some pulses report 0 mA
WIDTH = tuple(4.0 + (i % 3) for i in range(20))


def per_pulse_spec(seed: int = 5) -> ProjectionStudy:
    """A generated RF study whose first fluoroscopy event sends 20 values per per-pulse item."""
    spec = projection_random.rf_spec(random.Random(seed))
    first = dataclasses.replace(spec.events[0], kvp=KVP, tube_current=CURRENT, pulse_width=WIDTH,
                                number_of_pulses=20.0, target_region_laterality=v.LEFT)
    return dataclasses.replace(spec, events=(first, *spec.events[1:]))


def _report(spec: ProjectionStudy) -> DoseReport:
    result = parse_bytes(to_bytes(projection_dataset(spec)))
    assert result.status is Status.PARSED and result.report is not None, result.reason
    return result.report


def _first_event(report: DoseReport) -> ProjectionEvent:
    return report.projection_xray_radiation_dose[0].events[0]


def test_every_per_pulse_value_is_kept_in_order_with_its_unit() -> None:
    event = _first_event(_report(per_pulse_spec()))
    assert event.source is not None
    assert event.source.kvp == KVP
    assert event.source.xray_tube_current == CURRENT
    assert event.source.pulse_width == WIDTH


def test_averages_exclude_zero_pulses() -> None:
    source = _first_event(_report(per_pulse_spec())).source
    assert source is not None
    nonzero = [c for c in CURRENT if c]
    assert source.average_xray_tube_current == pytest.approx(sum(nonzero) / len(nonzero))
    assert source.average_xray_tube_current != pytest.approx(sum(CURRENT) / len(CURRENT))


def test_target_region_laterality_modifier_is_read() -> None:
    event = _first_event(_report(per_pulse_spec()))
    assert event.target_region_laterality is not None
    assert (event.target_region_laterality.value, event.target_region_laterality.scheme) == (v.LEFT.value, "SCT")
    assert event.laterality == event.target_region_laterality  # no laterality row: the modifier is used


def _num(value: str | None, unit: str | None, qualifier: Code | None = None) -> ContentItem:
    return ContentItem("CONTAINS", "NUM", Code("113722", "DCM", "Dose Area Product"), number=value,
                       unit=Code(unit, "UCUM", unit) if unit is not None else None, qualifier=qualifier)


class Warnings(list[str]):
    fixes: list[str]

    def fixed(self, name: str) -> None:
        self.fixes = [*getattr(self, "fixes", []), name]

    def warn(self, message: str) -> None:
        self.append(message)


DAP = {"Gy.m2": 1.0, "dGy.cm2": 1e-5, "Gy.cm2": 1e-4}


@pytest.mark.parametrize("unit", ["Gy*m2", "GY.M2", "Gy.m^2", "{Gy}.m2"])
def test_ucum_variants_are_read_with_a_warning(unit: str) -> None:
    warnings = Warnings()
    assert quantity.read_value(_num("2.5", unit), DAP, warnings, "DAP") == 2.5
    assert warnings == [f"DAP: unit code {unit!r} read as Gy.m2"]


def test_variant_of_a_scaled_unit_is_converted() -> None:
    warnings = Warnings()
    assert quantity.read_value(_num("10", "DGY.CM2"), DAP, warnings, "DAP") == pytest.approx(1e-4)
    assert len(warnings) == 1


def test_unknown_unit_drops_the_value_and_keeps_it_in_the_warning() -> None:
    warnings = Warnings()
    assert quantity.read_value(_num("12.5", "R.cm2"), DAP, warnings, "DAP") is None
    assert "'R.cm2'" in warnings[0] and "12.5" in warnings[0] and "dropped" in warnings[0]


def test_missing_unit_is_the_template_unit_with_a_warning() -> None:
    warnings = Warnings()
    assert quantity.read_value(_num("3", None), DAP, warnings, "DAP") == 3.0
    assert warnings == ["DAP: no unit given; taken as Gy.m2"]


def test_several_values_in_a_single_valued_field_store_the_mean_of_non_zero_ones() -> None:
    warnings = Warnings()
    assert quantity.read_value(_num("0\\2\\4", "Gy.m2"), DAP, warnings, "DAP") == 3.0
    assert "3 values" in warnings[0]


def test_numeric_value_qualifier_without_value() -> None:
    parsed = ContentItem("CONTAINS", "NUM", Code(v.DOSE_RP_TOTAL.value, v.DOSE_RP_TOTAL.scheme, "Dose (RP) Total"),
                         qualifier=Code("114000", "DCM", "Not a number"))
    warnings = Warnings()
    assert quantity.read_value(parsed, {"Gy": 1.0}, warnings, "Dose (RP) Total") is None
    assert warnings == ["Dose (RP) Total: no value (Not a number)"]


def test_raw_reader_keeps_the_numeric_value_qualifier() -> None:
    from openrem.dicom import rawseq

    body = e.num_without_value("CONTAINS", v.DOSE_RP_TOTAL, e.Code("114000", "DCM", "Not a number"))
    raw = e.item(body)
    items, _ = rawseq._parse_items(raw, 0, len(raw), implicit=False)
    decoded = rawseq._Decoder(["iso8859"]).item(items[0])
    assert decoded.number is None
    assert decoded.qualifier == Code("114000", "DCM", "Not a number")
