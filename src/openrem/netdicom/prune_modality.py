"""Per-modality series pruning of query-retrieve (spec: "Query filtering logic", series level).

Input: a study whose SR series have been queried at image level (see :func:`sr_series_to_query`).
:func:`prune_by_modality` keeps what the importers need: dose SRs rather than images, Philips dose
info series, Toshiba first images, the first image of PET/NM series. Series marked
``first_image_only`` are then queried for their first image and :func:`resolve_first_image` applied.
"""

from __future__ import annotations

from openrem.netdicom.prune_types import (
    ESR,
    RDSR,
    RRDSR,
    SECONDARY_CAPTURE,
    Options,
    Series,
    Study,
)

SR_NAMES = {RDSR: "RDSR", ESR: "ESR", RRDSR: "RRDSR"}
MAYBE_PHILIPS_MAX_IMAGES = 5


def sr_series_to_query(study: Study) -> list[Series]:
    """Kept SR series whose image-level responses (SOP classes) are still unknown."""
    return [s for s in study.kept_series() if s.modality == "SR" and not s.images_queried]


def first_image_series(study: Study) -> list[Series]:
    """Kept series that should be asked for their first image only and have not been."""
    return [s for s in study.kept_series() if s.first_image_only and not s.images_queried]


def _has(study: Study, sop_class: str, options: Options) -> bool:
    for series in study.kept_series():
        if series.modality != "SR":
            continue
        if sop_class in series.sop_classes():
            return True
        if sop_class == RDSR and options.get_empty_sr and series.is_empty_sr:
            return True
    return False


def keep_dose_sr(study: Study, sop_classes: set[str], options: Options) -> None:
    """Keep only SR objects of ``sop_classes`` (and empty SR series when the option is on): image
    series are dropped, other SR objects dropped at image level (mixed series moved image by image)."""
    label = "/".join(SR_NAMES.get(c, c) for c in sorted(sop_classes))
    for series in study.kept_series():
        if series.modality != "SR":
            series.drop(f"{label} found: images not needed")
        elif series.is_empty_sr:
            if not (options.get_empty_sr and RDSR in sop_classes):
                series.drop("SR series returned nothing at image level (try the get-empty-SR option)")
        else:
            for image in series.kept_images():
                if image.sop_class_uid not in sop_classes:
                    image.drop(f"not the wanted SR type ({label}); SOP class {image.sop_class_uid or 'unknown'}")
            if not series.kept_images():
                series.drop(f"no {label} in this SR series")


def drop_sr_series(study: Study, reason: str) -> None:
    """Drop every SR series (images are used instead)."""
    for series in study.kept_series():
        if series.modality == "SR":
            series.drop(reason)


def _prefer(study: Study, options: Options, order: list[str]) -> bool:
    """Keep the first SR type of ``order`` the study has; False when it has none."""
    for sop_class in order:
        if _has(study, sop_class, options):
            keep_dose_sr(study, {sop_class}, options)
            return True
    return False


def prune_projection(study: Study, options: Options) -> None:
    """MG and DX: an RDSR wins over images; otherwise SR series go and images are kept."""
    if _prefer(study, options, [RDSR]):
        return
    drop_sr_series(study, "no RDSR in study: images used instead")
    if not study.kept_series():
        study.drop("no RDSR and no images")


def prune_fluoro(study: Study, options: Options) -> None:
    """FL (RF, XA): only RDSR (preferred) or ESR objects are useful."""
    if not _prefer(study, options, [RDSR, ESR]):
        study.drop("fluoroscopy study without RDSR or ESR")


def prune_sr_only(study: Study, options: Options) -> None:
    """SR-only mode: RDSR (or RRDSR), else ESR, else the study goes."""
    if _has(study, RDSR, options) or _has(study, RRDSR, options):
        keep_dose_sr(study, {RDSR, RRDSR}, options)
    elif not _prefer(study, options, [ESR]):
        study.drop("SR only: no RDSR or ESR")


def prune_ct(study: Study, options: Options) -> None:
    """CT: RDSR > ESR > Philips dose info series > Toshiba first images > 'maybe Philips' small
    series when no series descriptions are returned > drop."""
    if _prefer(study, options, [RDSR, ESR]):
        return
    drop_sr_series(study, "no RDSR or ESR in this SR series")
    series = study.kept_series()
    dose_info = [s for s in series if "dose info" in (s.description or "").lower()]
    if dose_info:
        for s in series:
            if s not in dose_info:
                s.drop("Philips dose info series found: other series not needed")
        return
    no_descriptions = all(not s.description for s in series)
    if options.toshiba:
        for s in series:
            s.first_image_only = True
        return
    if no_descriptions and series:
        for s in series:
            if s.number_of_instances is None or s.number_of_instances > MAYBE_PHILIPS_MAX_IMAGES:
                s.drop(f"more than {MAYBE_PHILIPS_MAX_IMAGES} images: cannot be a Philips dose info series")
        if study.kept_series():
            return
    study.drop("CT study without RDSR, ESR or dose info series")


def prune_nm(study: Study, options: Options) -> None:
    """NM/PET: RRDSR > PET images > NM images; image series give their first image only, and only
    the first NM series is used."""
    if _prefer(study, options, [RRDSR]):
        return
    drop_sr_series(study, "no RRDSR in study: images used instead")
    pet = [s for s in study.kept_series() if s.modality == "PT"]
    nm = sorted((s for s in study.kept_series() if s.modality == "NM"), key=lambda s: (s.number is None, s.number))
    keep = pet or nm[:1]
    for s in study.kept_series():
        if s in keep:
            s.first_image_only = True
        elif s.modality == "NM" and pet:
            s.drop("PET images found: NM images not needed")
        elif s.modality == "NM":
            s.drop("extra NM series: the first one is enough")
        else:
            s.drop(f"{s.modality or 'unknown'} series not used for nuclear medicine")
    if not study.kept_series():
        study.drop("NM study without RRDSR, PET or NM images")


RULES = {"CT": prune_ct, "MG": prune_projection, "DX": prune_projection, "FL": prune_fluoro,
         "NM": prune_nm, "SR": prune_sr_only}


def prune_by_modality(study: Study, options: Options) -> None:
    """Apply the rules of the study's modality group (its SR series must have been queried)."""
    if not study.kept:
        return
    rule = RULES.get(study.group)
    if rule is None:
        study.drop(f"no rules for modality group '{study.group}'")
        return
    rule(study, options)


def resolve_first_image(series: Series) -> None:
    """After the first-image query: a secondary capture (Toshiba dose summary) keeps its whole
    series; otherwise only the first image is moved. No image found: the series goes."""
    if not series.images:
        series.drop("first image query returned nothing")
        return
    first = min(series.images, key=lambda i: (i.instance_number is None, i.instance_number))
    if first.sop_class_uid == SECONDARY_CAPTURE and series.modality != "PT" and series.modality != "NM":
        series.first_image_only = False
        series.images = []  # the whole series is moved
        series.images_queried = False
        return
    for image in series.images:
        if image is not first:
            image.drop("only the first image of this series is needed")
    series.image_level_move = True
