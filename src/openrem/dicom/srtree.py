"""A light, immutable view of an SR content tree (PS3.3 C.17.3 SR Document Content Module).

Dose reports hold thousands of content items. Building a full pydicom ``Dataset`` for each of them
is the main cost of reading a report, so :func:`read_tree` decodes the Content Sequence straight
from the raw element bytes and keeps only what the dose templates use: relationship type, value
type, concept name, and the value (text, code, number with unit, date/time, UID, person name).
:func:`tree_from_dataset` builds the same tree through pydicom's ordinary API; the tests check that
both agree on every sample file.

Concepts are matched by code value and coding scheme (see :mod:`openrem.dicom.codes`), never by
their meaning.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING

from pydicom import dcmread
from pydicom.dataset import Dataset

from openrem.dicom import charsets, rawseq
from openrem.dicom.values import parse_ds, parse_ds_list

if TYPE_CHECKING:
    from openrem.dicom.codes import Concept
    from openrem.dicom.records import Coded


@dataclass(frozen=True, slots=True)
class Code:
    """A code sequence item: (0008,0100) or (0008,0119) value, (0008,0102) scheme, (0008,0104) meaning."""

    value: str
    scheme: str
    meaning: str


@dataclass(frozen=True, slots=True)
class ContentItem:
    """One SR content item with its children (PS3.3 Table C.17-5 and C.18.x value types)."""

    relationship: str
    value_type: str
    concept: Code | None
    text: str | None = None
    code: Code | None = None
    number: str | None = None
    unit: Code | None = None
    qualifier: Code | None = None  # Numeric Value Qualifier (0040,A301), e.g. why a NUM has no value
    template_id: str | None = None
    children: tuple[ContentItem, ...] = ()

    # ------------------------------------------------------------------ navigation
    def is_(self, concept: Concept) -> bool:
        """True when this item's concept name is ``concept`` (code value and scheme)."""
        c = self.concept
        return c is not None and concept.matches(c.value, c.scheme)

    def find(self, concept: Concept) -> ContentItem | None:
        """The first child whose concept name is ``concept``."""
        for child in self.children:
            if child.is_(concept):
                return child
        return None

    def find_all(self, concept: Concept) -> Iterator[ContentItem]:
        """All children whose concept name is ``concept``, in document order."""
        return (child for child in self.children if child.is_(concept))

    def path(self, *concepts: Concept) -> ContentItem | None:
        """Follow a chain of concept names down the tree (first match at each level)."""
        item: ContentItem | None = self
        for concept in concepts:
            if item is None:
                return None
            item = item.find(concept)
        return item

    # ------------------------------------------------------------------ values
    def num(self, concept: Concept) -> float | None:
        """Numeric value of the first child ``concept``; None when absent or not a number."""
        child = self.find(concept)
        return None if child is None else child.as_float()

    def txt(self, concept: Concept) -> str | None:
        """Text (TEXT, UIDREF, PNAME, DATETIME...) value of the first child ``concept``."""
        child = self.find(concept)
        return None if child is None else child.as_text()

    def coded(self, concept: Concept) -> Coded | None:
        """Coded value of the first child ``concept`` as a record :class:`Coded`."""
        child = self.find(concept)
        return None if child is None else child.as_coded()

    def as_float(self) -> float | None:
        """This item's numeric value (NUM), or None."""
        return parse_ds(self.number) if self.number is not None else None

    def as_floats(self) -> tuple[float, ...]:
        """Every value of this item's Numeric Value (DS, VM 1-n: one per pulse), in order."""
        return parse_ds_list(self.number) if self.number is not None else ()

    def modifier(self, concept: Concept) -> Coded | None:
        """The coded value of this item's HAS CONCEPT MOD child ``concept`` (e.g. the Laterality of a
        Target Region, PS3.16 TID 10003 / TID 10013), or None."""
        for child in self.children:
            if child.relationship == "HAS CONCEPT MOD" and child.is_(concept):
                return child.as_coded()
        return None

    def as_text(self) -> str | None:
        """This item's text-like value, or the meaning of its code."""
        if self.text is not None:
            return self.text
        if self.code is not None:
            return self.code.meaning
        return None

    def as_coded(self) -> Coded | None:
        """This item's coded value (CODE), or None."""
        from openrem.dicom.records import Coded

        c = self.code
        return None if c is None else Coded(c.value, c.scheme, c.meaning)

    def walk(self) -> Iterator[ContentItem]:
        """This item and all its descendants, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


# --------------------------------------------------------------------------- pydicom builder


def _code_from_ds(seq_item: Dataset | None) -> Code | None:
    if seq_item is None:
        return None
    value = seq_item.get("CodeValue") or seq_item.get("LongCodeValue") or seq_item.get("URNCodeValue") or ""
    return Code(
        str(value).strip(), str(seq_item.get("CodingSchemeDesignator", "") or "").strip(),
        str(seq_item.get("CodeMeaning", "") or "").strip(),
    )


def _first(ds: Dataset, keyword: str) -> Dataset | None:
    seq = ds.get(keyword)
    return seq[0] if seq else None


def _item_from_ds(ds: Dataset) -> ContentItem:
    vt = str(ds.get("ValueType", "") or "").strip()
    text: str | None = None
    code = number = unit = qualifier = None
    if vt in ("TEXT", "UIDREF", "DATETIME", "DATE", "TIME", "PNAME"):
        keyword = {"TEXT": "TextValue", "UIDREF": "UID", "DATETIME": "DateTime", "DATE": "Date",
                   "TIME": "Time", "PNAME": "PersonName"}[vt]
        elem = ds.get(keyword)
        if elem is not None:
            text = str(elem).strip(" \x00")
    elif vt == "CODE":
        code = _code_from_ds(_first(ds, "ConceptCodeSequence"))
    elif vt == "NUM":
        mv = _first(ds, "MeasuredValueSequence")
        if mv is not None:
            raw = mv.get_item("NumericValue")
            if raw is not None and raw.value is not None:
                value = raw.value
                number = (value.decode("ascii", "replace") if isinstance(value, bytes) else str(value)).strip(" \x00")
            unit = _code_from_ds(_first(mv, "MeasurementUnitsCodeSequence"))
        qualifier = _code_from_ds(_first(ds, "NumericValueQualifierCodeSequence")
                                  or (_first(mv, "NumericValueQualifierCodeSequence") if mv is not None else None))
    template = _first(ds, "ContentTemplateSequence")
    children = tuple(_item_from_ds(c) for c in ds.get("ContentSequence", ()))
    return ContentItem(
        relationship=str(ds.get("RelationshipType", "") or "").strip(),
        value_type=vt,
        concept=_code_from_ds(_first(ds, "ConceptNameCodeSequence")),
        text=text or None,
        code=code,
        number=number or None,
        unit=unit,
        qualifier=qualifier,
        template_id=str(template.get("TemplateIdentifier", "")).strip() or None if template else None,
        children=children,
    )


def tree_from_dataset(ds: Dataset) -> ContentItem:
    """Build the root content item of ``ds`` with pydicom's API (the reference implementation)."""
    root = _item_from_ds(ds)
    return ContentItem(relationship="", value_type=root.value_type, concept=root.concept,
                       template_id=root.template_id, children=root.children)


def read_file(data: bytes) -> tuple[Dataset, ContentItem | None]:
    """Read a DICOM file: header through pydicom, SR content through the raw decoder (fast path).

    Returns the dataset and the root content item (None when the object has no SR content). The
    raw decoder reads every native transfer syntax (see :mod:`openrem.dicom.rawseq`); when it
    found no Content Sequence in an object that has an SR root, the whole object is read again
    with pydicom, so a Content Sequence the fast path could not see is never silently dropped.
    """
    ds, children = rawseq.read_sr_file(data)
    if children is None:
        if "ContentSequence" not in ds and "ValueType" not in ds:
            return ds, None
        if "ContentSequence" not in ds:
            full = dcmread(BytesIO(data), force=True, stop_before_pixels=True)
            if "ContentSequence" in full:
                charsets.settle(full)
                ds = full
        return ds, tree_from_dataset(ds)
    root_tpl = _first(ds, "ContentTemplateSequence")
    return ds, ContentItem(
        relationship="", value_type=str(ds.get("ValueType", "") or "").strip(),
        concept=_code_from_ds(_first(ds, "ConceptNameCodeSequence")),
        template_id=(str(root_tpl.get("TemplateIdentifier", "")).strip() or None) if root_tpl else None,
        children=children,
    )
