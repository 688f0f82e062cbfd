"""Per-modality series pruning (inventory 7.1) on hand-built responses, no network."""

from __future__ import annotations

from openrem.netdicom.prune import finalise
from openrem.netdicom.prune_modality import (
    first_image_series,
    prune_by_modality,
    resolve_first_image,
    sr_series_to_query,
)
from openrem.netdicom.prune_types import ESR, RDSR, RRDSR, SECONDARY_CAPTURE, Image, Options, Series, Study

CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"
BASIC_SR = "1.2.840.10008.5.1.4.1.1.88.11"


def sr(uid: str, *classes: str) -> Series:
    return Series(uid, "SR", images=[Image(f"{uid}.{n}", c) for n, c in enumerate(classes)], images_queried=True)


def make(group: str, *series: Series) -> Study:
    return Study("1.2.3", group=group, series=list(series))


def kept(study: Study) -> list[str]:
    return [s.series_instance_uid for s in study.kept_series()]


def test_sr_series_to_query() -> None:
    s = make("CT", Series("a", "SR"), sr("b", RDSR), Series("c", "CT"))
    assert [x.series_instance_uid for x in sr_series_to_query(s)] == ["a"]


def test_mg_dx_rdsr_wins_over_images() -> None:
    for group, modality in (("MG", "MG"), ("DX", "CR"), ("DX", "DX")):
        s = make(group, Series("img", modality), sr("sr", RDSR))
        prune_by_modality(s, Options(modalities=[group]))
        assert kept(s) == ["sr"] and s.series[0].reason == "RDSR found: images not needed"


def test_mg_without_rdsr_keeps_images_drops_sr() -> None:
    s = make("MG", Series("img", "MG"), sr("sr", BASIC_SR))
    prune_by_modality(s, Options(modalities=["MG"]))
    assert kept(s) == ["img"] and "images used instead" in s.series[1].reason


def test_dx_empty_sr_only_with_option() -> None:
    s = make("DX", Series("img", "DX"), Series("sr", "SR", images_queried=True))
    prune_by_modality(s, Options(modalities=["DX"]))
    assert kept(s) == ["img"]
    s = make("DX", Series("img", "DX"), Series("sr", "SR", images_queried=True))
    prune_by_modality(s, Options(modalities=["DX"], get_empty_sr=True))
    assert kept(s) == ["sr"]


def test_fluoro_rdsr_preferred_over_esr_and_images_dropped() -> None:
    s = make("FL", Series("img", "XA"), sr("esr", ESR), sr("rdsr", RDSR), sr("txt", BASIC_SR))
    prune_by_modality(s, Options(modalities=["FL"]))
    assert kept(s) == ["rdsr"]
    s = make("FL", Series("img", "RF"), sr("esr", ESR))
    prune_by_modality(s, Options(modalities=["FL"]))
    assert kept(s) == ["esr"]


def test_fluoro_without_dose_sr_dropped() -> None:
    s = make("FL", Series("img", "RF"), sr("txt", BASIC_SR))
    prune_by_modality(s, Options(modalities=["FL"]))
    assert not s.kept and s.reason == "fluoroscopy study without RDSR or ESR"


def test_mixed_sr_series_filtered_at_image_level() -> None:
    s = make("CT", sr("mix", RDSR, BASIC_SR, RDSR), Series("img", "CT"))
    prune_by_modality(s, Options(modalities=["CT"]))
    finalise(s)
    mix = s.series[0]
    assert kept(s) == ["mix"] and mix.image_level_move
    assert [i.kept for i in mix.images] == [True, False, True]
    assert "not the wanted SR type" in mix.images[1].reason


def test_ct_esr_when_no_rdsr() -> None:
    s = make("CT", Series("img", "CT", description="Axial"), sr("esr", ESR))
    prune_by_modality(s, Options(modalities=["CT"]))
    assert kept(s) == ["esr"]


def test_ct_philips_dose_info() -> None:
    s = make("CT", Series("img", "CT", description="Axial 5mm", number_of_instances=200),
             Series("di", "CT", description="Dose Info", number_of_instances=1), sr("txt", BASIC_SR))
    prune_by_modality(s, Options(modalities=["CT"]))
    assert kept(s) == ["di"] and "dose info" in s.series[0].reason


def test_ct_toshiba_first_image_and_secondary_capture() -> None:
    a = Series("a", "CT", description="", number_of_instances=300)
    b = Series("b", "CT", description="", number_of_instances=2)
    s = make("CT", a, b)
    prune_by_modality(s, Options(modalities=["CT"], toshiba=True))
    assert first_image_series(s) == [a, b]
    a.images, a.images_queried = [Image("a1", CT_IMAGE, 1)], True
    b.images, b.images_queried = [Image("b1", SECONDARY_CAPTURE, 1)], True
    resolve_first_image(a)
    resolve_first_image(b)
    finalise(s)
    assert a.image_level_move and [i.sop_instance_uid for i in a.kept_images()] == ["a1"]
    assert not b.first_image_only and not b.image_level_move and b.images == []


def test_ct_first_image_query_returned_nothing() -> None:
    a = Series("a", "CT", first_image_only=True, images_queried=True)
    resolve_first_image(a)
    assert not a.kept and "first image" in a.reason


def test_ct_maybe_philips_without_descriptions() -> None:
    s = make("CT", Series("big", "CT", number_of_instances=6), Series("small", "CT", number_of_instances=5),
             Series("unknown", "CT"))
    prune_by_modality(s, Options(modalities=["CT"]))
    assert kept(s) == ["small"] and "more than 5 images" in s.series[0].reason


def test_ct_with_descriptions_and_nothing_useful_is_dropped() -> None:
    s = make("CT", Series("img", "CT", description="Axial", number_of_instances=2))
    prune_by_modality(s, Options(modalities=["CT"]))
    assert not s.kept and "without RDSR, ESR or dose info" in s.reason
    s = make("CT", Series("big", "CT", number_of_instances=60))
    prune_by_modality(s, Options(modalities=["CT"]))
    assert not s.kept


def test_nm_rrdsr_preferred() -> None:
    s = make("NM", Series("pt", "PT"), sr("rr", RRDSR), sr("ct", RDSR))
    prune_by_modality(s, Options(modalities=["NM"]))
    assert kept(s) == ["rr"]


def test_nm_pet_images_over_nm_first_image_only() -> None:
    s = make("NM", Series("nm", "NM", number=1), Series("pt1", "PT", number=2), Series("pt2", "PT", number=3),
             Series("ct", "CT"))
    prune_by_modality(s, Options(modalities=["NM"]))
    assert kept(s) == ["pt1", "pt2"] and all(x.first_image_only for x in s.kept_series())
    assert "PET images found" in s.series[0].reason
    pt1 = s.series[1]
    pt1.images, pt1.images_queried = [Image("p2", "x", 2), Image("p1", "x", 1)], True
    resolve_first_image(pt1)
    assert [i.sop_instance_uid for i in pt1.kept_images()] == ["p1"] and pt1.image_level_move


def test_nm_only_first_nm_series() -> None:
    s = make("NM", Series("nm2", "NM", number=7), Series("nm1", "NM", number=3))
    prune_by_modality(s, Options(modalities=["NM"]))
    assert kept(s) == ["nm1"] and "extra NM series" in s.series[0].reason


def test_nm_with_nothing_useful() -> None:
    s = make("NM", sr("txt", BASIC_SR))
    prune_by_modality(s, Options(modalities=["NM"]))
    assert not s.kept


def test_sr_only_mode() -> None:
    s = make("SR", sr("esr", ESR), sr("rdsr", RDSR))
    prune_by_modality(s, Options(sr_only=True))
    assert kept(s) == ["rdsr"]
    s = make("SR", sr("esr", ESR), sr("txt", BASIC_SR))
    prune_by_modality(s, Options(sr_only=True))
    assert kept(s) == ["esr"]
    s = make("SR", sr("txt", BASIC_SR))
    prune_by_modality(s, Options(sr_only=True))
    assert not s.kept and s.reason == "SR only: no RDSR or ESR"


def test_unknown_group_and_dropped_study_untouched() -> None:
    s = make("", Series("a", "CT"))
    prune_by_modality(s, Options())
    assert not s.kept
    t = make("CT", Series("a", "CT"))
    t.drop("earlier")
    prune_by_modality(t, Options(modalities=["CT"]))
    assert t.reason == "earlier"
