"""Turn a modality's filter declarations into a form and a filtered, ordered queryset."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from openrem.dose.models import Study
from openrem.modalities.base import Filter, Modality
from openrem.web.access import in_group
from openrem.web.keyset import Ordering, decode, encode, seek

PAGE_SIZES = (10, 25, 50, 100, 200, 400)


def filter_label(spec: Filter, choice: str | None = None) -> str:
    """The label of a filter with its unit: "Min study DAP (cGy·cm²)"."""
    unit = spec.display_unit(choice)
    return f"{spec.label} ({unit})" if unit else str(spec.label)


def _field(spec: Filter, choice: str | None = None) -> forms.Field:
    label: Any = filter_label(spec, choice)
    if spec.kind in ("date_from", "date_until"):
        return forms.DateField(label=label, required=False,
                               widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}))
    if spec.kind in ("min", "max"):
        return forms.FloatField(label=label, required=False, min_value=-1e12, max_value=1e12,
                                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "any"}))
    if spec.kind in ("count", "choice"):
        return forms.ChoiceField(label=label, required=False, choices=spec.choices,
                                 widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    return forms.CharField(label=label, required=False, max_length=200,
                           widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))


def visible_filters(modality: Modality, user: Any) -> list[Filter]:
    """The filters this user may use (identifier filters need pidgroup)."""
    return [f for f in modality.filters if f.group is None or in_group(user, f.group)]


def filter_form(modality: Modality, user: Any, data: Any, choice: str | None = None) -> forms.Form:
    """A bound form with one field per visible filter, plus ordering and page size.

    ``choice``: the user's DAP display unit (filter values are entered in it)."""
    fields: dict[str, forms.Field] = {f.name: _field(f, choice) for f in visible_filters(modality, user)}
    orderings = [(k, k) for k in modality.orderings()] + [(f"-{k}", f"-{k}") for k in modality.orderings()]
    fields["o"] = forms.ChoiceField(required=False, choices=[("", "")] + orderings)
    fields["per_page"] = forms.TypedChoiceField(required=False, coerce=int, empty_value=25,  # type: ignore[arg-type]
                                                choices=[(str(n), str(n)) for n in PAGE_SIZES],
                                                label=_("Items per page"),
                                                widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    form_class = type(f"{modality.slug.upper()}FilterForm", (forms.Form,), fields)
    return form_class(data)  # type: ignore[no-any-return]


def base_queryset(modality: Modality) -> QuerySet[Study]:
    """The studies listed under ``modality``."""
    return Study.objects.filter(modality_type__in=modality.modality_types)


def filtered_studies(modality: Modality, user: Any, data: Any,
                     choice: str | None = None) -> tuple[QuerySet[Study], forms.Form]:
    """Apply the valid filters of ``data``; an invalid form gives an empty result (and its errors).

    Numbers of filters with a quantity are entered in its display unit and compared in the stored unit.
    ``choice``: the DAP unit of the values; by default the user's own (the unit their list shows, so an
    export or chart of a list reads its filters as the list did)."""
    if choice is None:
        from openrem.web.models import DisplayPreference

        choice = DisplayPreference.for_user(user).dap_unit
    form = filter_form(modality, user, data, choice)
    qs = base_queryset(modality)
    if not form.is_valid():
        return qs.none(), form
    query = Q()
    for spec in visible_filters(modality, user):
        value = form.cleaned_data.get(spec.name)
        if value in (None, ""):
            continue
        query &= spec.build(spec.to_stored(value, choice))
    qs = qs.filter(query).order_by(*list_ordering(modality, form.cleaned_data.get("o") or "").order_by())
    related = sorted({c.path.rsplit("__", 1)[0] for c in modality.columns if "__" in c.path} - {"equipment"})
    return qs.select_related("equipment", *related), form


def list_ordering(modality: Modality, order: str) -> Ordering:
    """The ordering of a list for the ``o`` parameter (a column key, ``-`` for descending)."""
    field = modality.orderings().get(order.lstrip("-"))
    if field:
        return Ordering(field, order.startswith("-"))
    return Ordering(modality.default_order.lstrip("-"), modality.default_order.startswith("-"))


# ----------------------------------------------------------------------------- paging

COUNT_CAP = 10_000  # counting stops here: COUNT(*) over a filtered million-row set is the slow part of a list
MAX_PAGE = 10**7  # page numbers above this are clamped before any arithmetic


@dataclass
class ListPage:
    """One page of a study list, from :func:`paginate`.

    ``count`` is exact when ``exact``. Otherwise the result holds more than ``COUNT_CAP`` studies:
    ``count`` is the planner's estimate when ``estimated`` (PostgreSQL), else a lower bound;
    ``num_pages`` is then ``None`` and the page offers first/previous/next links only.
    """

    object_list: list[Study]
    number: int
    per_page: int
    count: int
    exact: bool
    has_next: bool
    estimated: bool = False
    next_cursor: str = ""  # keyset links (see openrem.web.keyset): after the last row / before the first
    previous_cursor: str = ""

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def num_pages(self) -> int | None:
        """Number of pages, ``None`` when the count is not exact."""
        return max(1, math.ceil(self.count / self.per_page)) if self.exact else None

    @property
    def start_index(self) -> int:
        """1-based position of the first study of the page (0 when empty)."""
        return (self.number - 1) * self.per_page + 1 if self.object_list else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.object_list)

    @property
    def rounded_count(self) -> int:
        """An estimated count rounded to two significant digits (for "about N studies")."""
        digits = max(0, len(str(self.count)) - 2)
        return round(self.count, -digits)


def page_number(value: Any) -> int:
    """The requested page number: a positive integer, 1 for anything else, clamped to ``MAX_PAGE``."""
    try:
        number = int(str(value).strip()) if value not in (None, "") else 1
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def capped_count(qs: QuerySet[Study], cap: int = COUNT_CAP) -> int:
    """``min(qs.count(), cap + 1)`` without counting past ``cap`` (one query, no ordering, pk only)."""
    return qs.order_by().values("pk")[: cap + 1].count()


def estimated_count(qs: QuerySet[Study]) -> int | None:
    """The planner's row estimate for ``qs`` (one EXPLAIN, no execution) on PostgreSQL; else ``None``."""
    if connections[qs.db].vendor != "postgresql" or qs.query.is_empty():
        return None
    plan = json.loads(qs.order_by().values("pk").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def _count(qs: QuerySet[Study], offset: int, per_page: int, cap: int) -> tuple[int, bool, bool]:
    """(count, exact, estimated) for a page at ``offset``: see :func:`paginate`."""
    if offset >= cap:  # deep page: count to its end, so a page number past the end can be clamped
        limit = offset + per_page
        count = capped_count(qs, limit)
        return count, count <= limit, False
    estimate = estimated_count(qs)
    if estimate is not None and estimate > cap:
        return estimate, False, True
    count = capped_count(qs, cap)
    return count, count <= cap, False


def paginate(qs: QuerySet[Study], page: Any, per_page: int, cap: int = COUNT_CAP) -> ListPage:
    """One page of ``qs`` in a fixed number of queries whatever the page size.

    Counting a filtered million-row result is what makes big lists slow, so the count is bounded:
    on PostgreSQL an EXPLAIN estimate above ``cap`` is shown as "about N" and nothing is counted;
    otherwise the count stops at ``cap`` (exact when the result is smaller), or at the end of the
    requested page when that is further, so a too-large page number is clamped to the last page.
    Rows come by LIMIT/OFFSET (every ordering ends with ``pk``, so pages are stable), one more than
    the page size to know whether a next page exists; pages in the second half of an exactly counted
    result are read backwards from its end. Queries: [EXPLAIN], count, rows; two more
    only when an over-estimated result has no row at the requested page.
    """
    number = page_number(page)
    offset = (number - 1) * per_page
    count, exact, estimated = _count(qs, offset, per_page, cap)
    if exact:
        number = min(number, max(1, math.ceil(count / per_page)))
        offset = (number - 1) * per_page
    if exact and count and offset > count // 2:
        rows = _rows_from_the_end(qs, offset, per_page, count)
    else:
        rows = list(qs[offset: offset + per_page + 1]) if count else []
    if not exact and len(rows) <= per_page:  # the end of the result is on this page
        if rows or number == 1:
            count, exact, estimated = offset + len(rows), True, False
        else:  # estimate too high and the page is past the end: count and show the last page
            return paginate(qs, page_number_of(capped_count(qs, offset), per_page), per_page, cap)
    return ListPage(object_list=rows[:per_page], number=number, per_page=per_page, count=count,
                    exact=exact, has_next=len(rows) > per_page, estimated=estimated)


def _rows_from_the_end(qs: QuerySet[Study], offset: int, per_page: int, count: int) -> list[Study]:
    """Rows ``offset`` .. ``offset + per_page`` (one more when it exists) of a result of exactly ``count``
    rows, read in the reverse order from its end: the last pages (the "Last" link) skip fewer rows."""
    end = min(offset + per_page + 1, count)
    return list(qs.reverse()[count - end: count - offset])[::-1]


def paginate_keyset(qs: QuerySet[Study], ordering: Ordering, page: Any, per_page: int,
                    after: str | None = None, before: str | None = None, cap: int = COUNT_CAP) -> ListPage:
    """One page of a list, reached by a keyset cursor when the link carries one (else as :func:`paginate`).

    ``after``: the cursor of the last row of the previous page (a "Next" link); ``before``: of the first
    row of the following page (a "Previous" link). ``page`` is the number shown; the rows come from an
    index range scan that starts at the cursor, so a deep page costs what the first one costs. The
    count follows :func:`paginate` (an estimate or a capped count; never a full count)."""
    number = page_number(page)
    cursor = decode(after, ordering) or decode(before, ordering)
    if cursor is None or (number == 1 and not after):  # no (readable) cursor, or the first page
        result = paginate(qs, page, per_page, cap)
    else:
        backwards = decode(after, ordering) is None
        rows, more = seek(qs, ordering, cursor, per_page, backwards)
        offset = (number - 1) * per_page
        count, exact, estimated = _count(qs, offset, per_page, cap) if rows else (offset, True, False)
        has_next = more if not backwards else True
        if backwards and not more:  # reached the first page
            number = 1
        if exact and count < offset + len(rows):  # the count moved (studies added or deleted): keep it coherent
            count = offset + len(rows) + (1 if has_next else 0)
        result = ListPage(object_list=rows, number=max(1, number), per_page=per_page, count=count, exact=exact,
                          has_next=has_next and bool(rows), estimated=estimated)
    if result.object_list:
        result.next_cursor = encode(result.object_list[-1], ordering)
        result.previous_cursor = encode(result.object_list[0], ordering)
    return result


def page_number_of(count: int, per_page: int) -> int:
    """The last page number of ``count`` studies."""
    return max(1, math.ceil(count / per_page))
