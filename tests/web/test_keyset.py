"""Keyset paging of the study lists: following Next and Previous links visits every study once, in order.

Orderings with ties and NULLs (DLP), both directions, the default date order; the same order as the
OFFSET pages; a damaged cursor falls back to the page number.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client
from test_list import make_ct

from openrem.dose.models import Study
from openrem.web.filtering import paginate_keyset
from openrem.web.keyset import Ordering, decode

NEXT = re.compile(r'<a class="page-link" href="\?([^"]*)">Next</a>')
PREVIOUS = re.compile(r'<a class="page-link" href="\?([^"]*)">Previous</a>')


@pytest.fixture
def studies_with_ties(db: Any) -> list[int]:
    """23 CT studies: DLPs with ties (every value three times) and four without a DLP."""
    pks = [make_ct(i, "CT Chest", dt.date(2024, 3, 1) + dt.timedelta(days=i % 5), (10.0 * (i % 7 + 1),))
           for i in range(23)]
    Study.objects.filter(pk__in=pks[::6]).update(total_dlp=None)
    return pks


def _rows(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<td><a href="/ct/(\d+)/">', html)]


def _walk(client: Client, query: str) -> tuple[list[list[int]], list[str]]:
    """Follow Next links from the first page: the pk lists of each page and the links followed."""
    pages, links = [], []
    url = f"/ct/?{query}"
    while True:
        html = client.get(url.replace("&amp;", "&")).content.decode()
        pages.append(_rows(html))
        found = NEXT.search(html)
        if not found:
            return pages, links
        links.append(found.group(1))
        url = f"/ct/?{found.group(1)}"
        assert len(pages) < 10


@pytest.mark.parametrize("order", ["dlp", "-dlp", "", "description"])
def test_next_links_visit_every_study_once_in_order(viewer: Client, studies_with_ties: list[int], order: str) -> None:
    query = f"per_page=10&o={order}" if order else "per_page=10"
    pages, links = _walk(viewer, query)
    assert [len(p) for p in pages] == [10, 10, 3]
    assert all("after=" in link for link in links)
    seen = [pk for page in pages for pk in page]
    offset_pages = [_rows(viewer.get(f"/ct/?{query}&page={n}").content.decode()) for n in (1, 2, 3)]
    assert seen == [pk for page in offset_pages for pk in page]  # the same order as OFFSET paging
    assert sorted(seen) == sorted(studies_with_ties)


@pytest.mark.parametrize("descending", [False, True])
def test_pages_crossing_between_values_and_blanks(studies_with_ties: list[int], descending: bool) -> None:
    """Pages of 3 put cursors on both sides of the four studies without a DLP (last ascending, first
    descending): the Next cursors, the page numbers (read backwards from the end past the middle) and
    the database order agree."""
    ordering = Ordering("total_dlp", descending)
    qs = Study.objects.filter(pk__in=studies_with_ties).order_by(*ordering.order_by())
    expected = list(qs.values_list("pk", flat=True))
    by_cursor: list[int] = []
    page = paginate_keyset(qs, ordering, 1, 3)
    while True:
        by_cursor += [s.pk for s in page.object_list]
        if not page.has_next:
            break
        page = paginate_keyset(qs, ordering, page.number + 1, 3, after=page.next_cursor)
    by_number = [s.pk for n in range(1, 9) for s in paginate_keyset(qs, ordering, n, 3).object_list]
    assert by_cursor == by_number == expected


@pytest.mark.parametrize("order", ["dlp", ""])
def test_previous_links_come_back(viewer: Client, studies_with_ties: list[int], order: str) -> None:
    query = f"per_page=10&o={order}" if order else "per_page=10"
    pages, links = _walk(viewer, query)
    html = viewer.get(f"/ct/?{links[-1]}".replace("&amp;", "&")).content.decode()  # the last page
    back = PREVIOUS.search(html)
    assert back and "before=" in back.group(1)
    html = viewer.get(f"/ct/?{back.group(1)}".replace("&amp;", "&")).content.decode()
    assert _rows(html) == pages[1] and "Page 2" in html
    back = PREVIOUS.search(html)
    assert back and "before=" not in back.group(1)  # page 1 needs no cursor
    assert _rows(viewer.get(f"/ct/?{back.group(1)}".replace("&amp;", "&")).content.decode()) == pages[0]


def test_damaged_cursor_falls_back_to_the_page_number(viewer: Client, studies_with_ties: list[int]) -> None:
    by_number = _rows(viewer.get("/ct/?per_page=10&o=dlp&page=2").content.decode())
    for bad in ("xyz", "!!!!", "W1tdXQ", "WyJhIiwiYiJd", "a" * 1000):
        response = viewer.get(f"/ct/?per_page=10&o=dlp&page=2&after={bad}")
        assert response.status_code == 200
        assert _rows(response.content.decode()) == by_number
    assert decode("W1tdXQ", Ordering("total_dlp", False)) is None and decode(None, Ordering("total_dlp", False)) is None


def _cursor(value: object, pk: object) -> str:
    raw = json.dumps([value, pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(("order", "value", "pk"), [
    ("-date", "abc", 1), ("-date", 5, 1), ("date", {"dt": "not a time"}, 1), ("-dlp", "abc", 1),
    ("-date", 10**30, 1), ("-dlp", 1.5, 2**63), ("-dlp", float("nan"), 1), ("dlp", float("inf"), 1),
    ("-dlp", 1.5, -1), ("-events", 2**70, 1),
])
def test_cursor_that_is_no_row_of_the_ordering_falls_back(viewer: Client, studies_with_ties: list[int], order: str,
                                                          value: object, pk: object) -> None:
    """A cursor whose value cannot be one of the ordering's column (text for a date, a number beyond
    the column, NaN) or whose pk is out of range is ignored, like an unreadable one; it was a server
    error."""
    by_number = _rows(viewer.get(f"/ct/?per_page=10&o={order}&page=2").content.decode())
    for name in ("after", "before"):
        response = viewer.get(f"/ct/?per_page=10&o={order}&page=2&{name}={_cursor(value, pk)}")
        assert response.status_code == 200
        assert _rows(response.content.decode()) == by_number


def test_cursor_of_a_filtered_list_keeps_the_filter(viewer: Client, studies_with_ties: list[int]) -> None:
    pages, links = _walk(viewer, "per_page=10&o=-dlp&dlp_min=30")
    assert all("dlp_min=30" in link for link in links)
    shown = [pk for p in pages for pk in p]
    expected = Study.objects.filter(pk__in=studies_with_ties, total_dlp__gte=30).count()
    assert len(shown) == len(set(shown)) == expected


def test_cursor_beyond_a_32_bit_column_is_no_server_error(viewer: Client, studies_with_ties: list[int]) -> None:
    """2**40 fits SQLite's integers but not a PostgreSQL integer column: ignored there, never an error."""
    for name in ("after", "before"):
        assert viewer.get(f"/ct/?per_page=10&o=-events&page=2&{name}={_cursor(2**40, 1)}").status_code == 200
