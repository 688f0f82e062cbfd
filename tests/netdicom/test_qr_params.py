"""Query-retrieve parameters: the CLI/web rules and the DICOM date/time ranges."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from openrem.netdicom import qr_params
from openrem.netdicom.management.commands.qr import parameters


def test_check_rules() -> None:
    assert qr_params.check({"modalities": ["CT"]}) == []
    assert "choose at least one modality" in qr_params.check({})[0]
    assert qr_params.check({"modalities": ["CT"], "sr_only": True}) == ["SR only cannot be combined with modalities"]
    assert qr_params.check({"modalities": ["XX"]})[0].startswith("unknown modalities")
    errors = qr_params.check({"modalities": ["CT"], "single_date": "2018-03-19", "date_from": "2018-03-01"})
    assert errors == ["a single date cannot be combined with date from/until"]
    assert qr_params.check({"modalities": ["CT"], "time_from": "1200"}) == ["time from/until need a single date"]
    assert "not a date" in qr_params.check({"modalities": ["CT"], "date_from": "2018-13-01"})[0]
    assert "not a time" in qr_params.check({"modalities": ["CT"], "single_date": "2018-03-19", "time_from": "2561"})[0]
    assert qr_params.check({"modalities": ["CT"], "date_from": "2018-03-02", "date_until": "2018-03-01"}) == [
        "date from is after date until"]


def test_date_and_time_ranges() -> None:
    assert qr_params.date_range({"date_from": "2010-04-05", "date_until": "2010-04-06"}) == "20100405-20100406"
    assert qr_params.date_range({"date_from": "2010-04-05"}) == "20100405-"
    assert qr_params.date_range({"date_until": "2010-04-06"}) == "-20100406"
    assert qr_params.date_range({"date_from": "2010-04-05", "date_until": "2010-04-05"}) == "20100405"
    assert qr_params.date_range({"single_date": "2018-03-19"}) == "20180319"
    assert qr_params.date_range({}) == ""
    single = {"single_date": "2018-03-19"}
    assert qr_params.time_range({**single, "time_from": "1200", "time_until": "1500"}) == "1200-1500"
    assert qr_params.time_range({**single, "time_from": "1200"}) == "1200-2359"
    assert qr_params.time_range({**single, "time_until": "1500"}) == "0000-1500"
    assert qr_params.time_range({"time_from": "1200"}) == ""


def test_options_from_parameters() -> None:
    opts = qr_params.options({"modalities": ["DX"], "desc_exclude": "Imported, QA", "duplicates": True,
                              "stationname_include": "Room 1"})
    assert opts.desc_exclude == ["imported", "qa"] and not opts.remove_duplicates
    assert opts.station_include == ["room 1"] and opts.wanted_modalities() == {"DX", "CR", "PX"}
    assert qr_params.options({}).remove_duplicates


def test_cli_parameters() -> None:
    params = parameters({"ct": True, "dx": True, "single_date": "2018-03-19", "tfrom": "1200", "emptysr": True,
                         "dup": True, "desc_exclude": "imported"})
    assert params["modalities"] == ["CT", "DX"] and params["time_from"] == "1200"
    assert params["get_empty_sr"] and params["duplicates"] and params["desc_exclude"] == "imported"


@pytest.mark.django_db
def test_cli_rejects_bad_combinations() -> None:
    from openrem.netdicom.models import RemoteNode, StoreNode

    node = RemoteNode.objects.create(name="n", remote_aet="PACS", port=104, ip="127.0.0.1")
    store = StoreNode.objects.create(name="s", aet="STORE", port=104)
    with pytest.raises(CommandError, match="SR only cannot"):
        call_command("qr", str(node.pk), str(store.pk), "-ct", "-sr")
    with pytest.raises(CommandError, match="need a single date"):
        call_command("qr", str(node.pk), str(store.pk), "-ct", "-tf", "1200")
    with pytest.raises(CommandError, match="no remote QR node"):
        call_command("qr", "999", str(store.pk), "-ct")
