"""Plain data for the query-retrieve pruning: C-FIND responses as dataclasses (no DICOM, no database).

``qrscu`` turns C-FIND responses into these objects, the functions of :mod:`openrem.netdicom.prune`
mark what is kept or dropped (with a human-readable reason), and ``qrscu`` moves what is left.
"""

from __future__ import annotations

from dataclasses import dataclass, field

RDSR = "1.2.840.10008.5.1.4.1.1.88.67"
RRDSR = "1.2.840.10008.5.1.4.1.1.88.68"
ESR = "1.2.840.10008.5.1.4.1.1.88.22"
SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7"

#: modality groups of the query form / CLI and the DICOM modalities each stands for
GROUPS: dict[str, tuple[str, ...]] = {
    "CT": ("CT",),
    "MG": ("MG",),
    "FL": ("RF", "XA"),
    "DX": ("DX", "CR", "PX"),
    "NM": ("NM", "PT"),
}
#: when a study has several requested modalities, the rules of the first matching group apply
GROUP_PRIORITY = ("MG", "DX", "FL", "CT", "NM")


@dataclass
class Options:
    """What the user asked for (web form or ``openrem_qr.py``)."""

    modalities: list[str] = field(default_factory=list)  # groups: CT MG FL DX NM
    sr_only: bool = False
    desc_exclude: list[str] = field(default_factory=list)
    desc_include: list[str] = field(default_factory=list)
    station_exclude: list[str] = field(default_factory=list)
    station_include: list[str] = field(default_factory=list)
    station_study_level: bool = False
    toshiba: bool = False
    get_empty_sr: bool = False
    remove_duplicates: bool = True

    def wanted_modalities(self) -> set[str]:
        """The DICOM modalities the chosen groups stand for (``SR`` in SR-only mode)."""
        if self.sr_only:
            return {"SR"}
        return {m for g in self.modalities for m in GROUPS.get(g, ())}


@dataclass
class Image:
    """An image-level response."""

    sop_instance_uid: str
    sop_class_uid: str = ""
    instance_number: int | None = None
    kept: bool = True
    reason: str = ""

    def drop(self, reason: str) -> None:
        """Mark as not moved, keeping the first reason given."""
        if self.kept:
            self.kept, self.reason = False, reason


@dataclass
class Series:
    """A series-level response, with its image-level responses once queried."""

    series_instance_uid: str
    modality: str = ""
    description: str | None = None
    number: int | None = None
    station_name: str | None = None
    number_of_instances: int | None = None
    images: list[Image] = field(default_factory=list)
    images_queried: bool = False
    first_image_only: bool = False  # ask for (and move) the first image only
    image_level_move: bool = False
    kept: bool = True
    reason: str = ""

    def drop(self, reason: str) -> None:
        """Mark as not moved (its images too), keeping the first reason given."""
        if self.kept:
            self.kept, self.reason = False, reason
        for image in self.images:
            image.drop(f"series dropped: {reason}")

    def kept_images(self) -> list[Image]:
        """Image responses still to be moved."""
        return [i for i in self.images if i.kept]

    def sop_classes(self) -> set[str]:
        """SOP classes of the kept image responses."""
        return {i.sop_class_uid for i in self.images if i.kept}

    @property
    def is_empty_sr(self) -> bool:
        """An SR series that returned nothing at image level."""
        return self.modality == "SR" and self.images_queried and not self.images


@dataclass
class Study:
    """A study-level response and its series once queried."""

    study_instance_uid: str
    modalities_in_study: list[str] = field(default_factory=list)
    modalities_returned: bool = False  # the remote sent ModalitiesInStudy back
    description: str | None = None
    station_name: str | None = None
    study_date: str = ""
    study_time: str = ""
    accession_number: str = ""
    group: str = ""  # which modality rules apply: CT MG FL DX NM SR
    series: list[Series] = field(default_factory=list)
    kept: bool = True
    reason: str = ""

    def drop(self, reason: str) -> None:
        """Mark as not moved (its series too), keeping the first reason given."""
        if self.kept:
            self.kept, self.reason = False, reason
        for series in self.series:
            series.drop(f"study dropped: {reason}")

    def kept_series(self) -> list[Series]:
        """Series responses still to be moved."""
        return [s for s in self.series if s.kept]


def split_terms(text: str | None) -> list[str]:
    """Comma separated terms, stripped, lower case, empty ones left out."""
    return [t.strip().lower() for t in (text or "").split(",") if t.strip()]


def matches_any(value: str | None, terms: list[str]) -> bool:
    """Whether ``value`` contains any of ``terms`` (case-insensitive substring)."""
    low = (value or "").lower()
    return any(t.lower() in low for t in terms if t)
