"""Study-level, series-level and duplicates pruning of query-retrieve (hand-built responses, no network)."""

from __future__ import annotations

from openrem.netdicom.prune import (
    choose_group,
    finalise,
    prune_series_level,
    prune_studies,
    reason_counts,
    remove_duplicates,
    series_needing_duplicate_check,
)
from openrem.netdicom.prune_types import RDSR, Image, Options, Series, Study, split_terms


def study(uid: str = "1.2", mods: tuple[str, ...] = ("CT",), desc: str | None = "CT HEAD", **kw: object) -> Study:
    return Study(uid, modalities_in_study=list(mods), modalities_returned=bool(mods), description=desc, **kw)  # type: ignore[arg-type]


def test_split_terms() -> None:
    assert split_terms(" Imported, ,QA ") == ["imported", "qa"]
    assert split_terms(None) == []


def test_duplicate_responses_removed_and_modalities_merged() -> None:
    a, b = study("1", ("CT",)), study("1", ("PT",))
    kept, removed = prune_studies([a, b, study("2")], Options(modalities=["CT", "NM"]))
    assert removed == 1 and [s.study_instance_uid for s in kept] == ["1", "2"]
    assert kept[0].modalities_in_study == ["CT", "PT"]


def test_description_exclude_and_include_case_insensitive() -> None:
    studies = [study("1", desc="Imported CT"), study("2", desc="CT chest"), study("3", desc=None), study("4", desc="")]
    prune_studies(studies, Options(modalities=["CT"], desc_exclude=["imported"]))
    assert [s.kept for s in studies] == [False, True, True, True]
    assert "exclude" in studies[0].reason
    studies = [study("1", desc="Imported CT"), study("2", desc="CT chest"), study("3", desc=None), study("4", desc="")]
    prune_studies(studies, Options(modalities=["CT"], desc_include=["CHEST"]))
    assert [s.kept for s in studies] == [False, True, True, False]  # not returned: not filtered


def test_station_filters_at_study_level_only_when_asked() -> None:
    a = study("1", station_name="CT01")
    b = study("2", station_name="MR02")
    prune_studies([a, b], Options(modalities=["CT"], station_exclude=["ct01"]))
    assert a.kept and b.kept
    prune_studies([a, b], Options(modalities=["CT"], station_exclude=["ct01"], station_study_level=True))
    assert not a.kept and b.kept and "study level" in a.reason


def test_sr_only_drops_studies_with_other_modalities() -> None:
    a, b, c = study("1", ("SR",)), study("2", ("CT", "SR")), study("3", ())
    prune_studies([a, b, c], Options(sr_only=True))
    assert a.kept and not b.kept and c.kept  # modalities not returned: decided at series level
    c.series = [Series("s1", "CT")]
    prune_series_level(c, Options(sr_only=True))
    assert not c.kept and c.series[0].reason.startswith("study dropped")


def test_modalities_built_from_series_and_unwanted_study_dropped() -> None:
    s = study("1", ())
    s.series = [Series("a", "MR"), Series("b", "SR")]
    out = prune_series_level(s, Options(modalities=["CT"]))
    assert out == [s] and s.modalities_in_study == ["MR", "SR"]
    assert not s.kept and "no requested modality" in s.reason


def test_series_station_filters() -> None:
    s = study("1", ("DX",))
    s.series = [Series("a", "DX", station_name="ROOM1"), Series("b", "DX", station_name="ROOM2"),
                Series("c", "DX", station_name=None)]
    prune_series_level(s, Options(modalities=["DX"], station_include=["room1"]))
    assert [x.kept for x in s.series] == [True, False, True]
    s2 = study("2", ("DX",))
    s2.series = [Series("a", "DX", station_name="ROOM1")]
    prune_series_level(s2, Options(modalities=["DX"], station_exclude=["ROOM1"]))
    assert not s2.kept and "station" in s2.reason


def test_group_priority_and_pet_ct_split() -> None:
    assert choose_group(["CT", "SR"], Options(modalities=["CT", "DX"])) == "CT"
    assert choose_group(["MG", "DX"], Options(modalities=["MG", "DX"])) == "MG"
    assert choose_group(["XA"], Options(modalities=["FL"])) == "FL"
    assert choose_group(["SR"], Options(sr_only=True)) == "SR"
    s = study("1", ("CT", "PT", "SR"))
    s.series = [Series("a", "CT"), Series("b", "PT"), Series("c", "SR")]
    both = prune_series_level(s, Options(modalities=["CT", "NM"]))
    assert [x.group for x in both] == ["CT", "NM"] and both[0].series[0] is not both[1].series[0]
    s = study("1", ("CT", "PT"))
    s.series = [Series("a", "CT"), Series("b", "PT")]
    assert [x.group for x in prune_series_level(s, Options(modalities=["NM"]))] == ["NM"]


def test_no_series_drops_study() -> None:
    s = study("1")
    prune_series_level(s, Options(modalities=["CT"]))
    assert not s.kept and s.reason == "no series returned"


def _dup_study() -> Study:
    s = study("1", ("DX", "SR"))
    sr = Series("sr", "SR", images=[Image("i1", RDSR), Image("i2", RDSR)], images_queried=True)
    dx = Series("dx", "DX")
    ct = Series("ct", "CT")
    s.series = [sr, dx, ct]
    return s


def test_duplicates_processing() -> None:
    s = _dup_study()
    assert [x.series_instance_uid for x in series_needing_duplicate_check(s)] == ["dx"]
    s.series[1].images = [Image("d1"), Image("d2")]
    s.series[1].images_queried = True
    remove_duplicates(s, {"i1", "d1", "d2"})
    sr, dx, ct = s.series
    assert sr.kept and sr.image_level_move and [i.kept for i in sr.images] == [False, True]
    assert sr.images[0].reason.startswith("already imported")
    assert not dx.kept and dx.reason == "every object already imported"
    assert not ct.kept and "cannot be checked" in ct.reason
    assert s.kept


def test_duplicates_everything_imported_drops_study() -> None:
    s = _dup_study()
    s.series = s.series[:1]
    remove_duplicates(s, {"i1", "i2"})
    assert not s.kept and s.reason == "nothing left after duplicates processing"
    assert all(not i.kept for i in s.series[0].images)


def test_finalise_and_reason_counts() -> None:
    s = study("1")
    s.series = [Series("a", "SR", images=[Image("x", kept=False, reason="r")], images_queried=True),
                Series("b", "NM", first_image_only=True, images=[Image("y")])]
    finalise(s)
    assert not s.series[0].kept and s.series[1].image_level_move and s.kept
    t = study("2")
    t.drop("study description 'x' matches an exclude term")
    u = study("3")
    u.drop("study description 'y' matches an exclude term")
    assert reason_counts([s, t, u]) == {"study description": 2}


def test_drop_keeps_first_reason_and_cascades() -> None:
    s = study("1")
    s.series = [Series("a", "CT", images=[Image("x")])]
    s.drop("first")
    s.drop("second")
    assert s.reason == "first" and s.series[0].reason == "study dropped: first"
    assert s.series[0].images[0].reason == "series dropped: study dropped: first"
