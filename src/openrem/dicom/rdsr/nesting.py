"""Containers one level deeper than their template places them.

PS3.16 fixes where each container of a dose report sits: the CT Acquisitions and CT Accumulated Dose
Data are children of the document (TID 10011), the CT Acquisition Parameters and CT Dose children
of a CT Acquisition (TID 10013), the Irradiation Events and Accumulated X-Ray Dose Data children
of the document (TID 10001). A writer that wraps them in one more container would lose every value
in them without a word; they are read where they are, with a warning naming the template.
"""

from __future__ import annotations

from openrem.dicom.codes import Concept
from openrem.dicom.quantity import Warner
from openrem.dicom.srtree import ContentItem


def contained(ctx: Warner, parent: ContentItem | None, concept: Concept, template: str) -> list[ContentItem]:
    """The children of ``parent`` named ``concept``; when there are none, those one CONTAINER
    level deeper, with a warning."""
    if parent is None:
        return []
    found = list(parent.find_all(concept))
    if found:
        return found
    wrappers = [(child, list(child.find_all(concept))) for child in parent.children
                if child.value_type == "CONTAINER"]
    deeper = [item for _wrapper, found in wrappers for item in found]
    if deeper:
        wrapper = next(w for w, found in wrappers if found)
        wrapper_name = wrapper.concept.meaning if wrapper.concept else "a container"
        ctx.warn(f"{concept.name}: {len(deeper)} found inside '{wrapper_name}', one level deeper than "
                 f"{template} places it; read there")
    return deeper


def contained_one(ctx: Warner, parent: ContentItem | None, concept: Concept, template: str) -> ContentItem | None:
    """The first of :func:`contained`, or None."""
    found = contained(ctx, parent, concept, template)
    return found[0] if found else None
