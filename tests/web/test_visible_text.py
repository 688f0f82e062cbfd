"""Every list and detail page of the demo data, read as a user reads it (the visible text only).

Data: the demo command's generated objects (every kind of ``openrem demo``, two of each, same
generator) plus the real sample files the browser tests import. Each page is rendered in English and
Spanish; the test fails on scientific notation, ``None``, DICOM person-name markup (``^``), an
internal identifier (vendor fix names, report kinds such as ``ct_rdsr``), and, in Spanish, on an
English sentence of the translation catalogue.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from openrem.dose.management.commands.demo import DEMO_COUNTS
from openrem.dose.models import Study
from openrem.dose.services import import_file
from openrem.modalities.registry import MODALITIES, for_modality_type
from openrem.web.humanize import REPORT_KINDS, VENDOR_FIXES

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
from browser_support import SAMPLES  # noqa: E402

SCIENTIFIC = re.compile(r"\b\d+(?:[.,]\d+)?[eE][+-]?\d+\b")
INTERNAL = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in (*VENDOR_FIXES, *REPORT_KINDS)) + r")\b")
PO = Path(__file__).resolve().parents[2] / "src" / "openrem" / "locale" / "es" / "LC_MESSAGES" / "django.po"


class VisibleText(HTMLParser):
    """Text a user sees: text nodes outside script, style, code and hidden elements; plus titles."""

    SKIP = {"script", "style", "code", "template"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


@pytest.fixture
def demo_data(db: Any, tmp_path: Path, sample: Callable[[str], Path]) -> list[tuple[str, int]]:
    """(modality slug, study pk) of every study: demo objects (2 per kind) and the real samples."""
    from openrem.dicom import synth

    for index, kind in enumerate(DEMO_COUNTS):
        for path in synth.generate(kind, 2, seed=2024 + index, out_dir=tmp_path / kind):
            assert not import_file(path).failed
    for names in SAMPLES.values():
        for name in names:
            assert not import_file(sample(name)).failed
    pages = []
    for study in Study.objects.all():
        modality = for_modality_type(study.modality_type)
        if modality is not None:
            pages.append((modality.slug, study.pk))
    return pages


@pytest.fixture
def pid_viewer(db: Any) -> Client:
    """A user who sees patient identifiers too (pidgroup: the most text on the detail pages)."""
    from django.contrib.auth.models import Group

    user = User.objects.create(username="reader")
    user.groups.add(Group.objects.get_or_create(name="pidgroup")[0], Group.objects.get_or_create(name="admingroup")[0])
    client = Client()
    client.force_login(user)
    return client


def raw_person_names() -> tuple[str, ...]:
    """Stored person names (PN) holding DICOM markup: physicians, operators, patients, dose check persons."""
    from openrem.dose.models.tree import CtDoseCheck

    fields = ("patient_name", "operator_name", "performing_physician_name", "referring_physician_name")
    markup = re.compile(r"[A-Za-z]\^+[A-Za-z]")
    values = {v for f in fields for v in Study.objects.values_list(f, flat=True) if v and markup.search(v)}
    for f in ("alert_person_name", "notification_person_name"):
        values |= {v for v in CtDoseCheck.objects.values_list(f, flat=True) if v and markup.search(v)}
    return tuple(sorted(values))


def _english_sentences() -> list[str]:
    """msgids of the catalogue with at least three words whose Spanish text differs (read from the .po)."""
    text = PO.read_text(encoding="utf-8")
    out = []
    for msgid, msgstr in re.findall(r'\nmsgid "((?:[^"\\]|\\.)+)"\nmsgstr "((?:[^"\\]|\\.)*)"', text):
        if len(msgid.split()) >= 3 and msgstr and msgstr != msgid and "%" not in msgid and "{" not in msgid:
            out.append(msgid.replace('\\"', '"'))
    return out


def _problems(text: str, language: str, english: list[str], names: tuple[str, ...] = ()) -> list[str]:
    """What is wrong in ``text``; ``names``: stored DICOM person names with ``^`` (must not show raw)."""
    found = []
    found += [f"scientific notation {m!r}" for m in SCIENTIFIC.findall(text)]
    found += [f"'None' in {line!r}" for line in text.splitlines() if re.search(r"\bNone\b", line)]
    found += [f"person name markup {name!r}" for name in names if name in text]
    found += [f"internal identifier {m!r}" for m in INTERNAL.findall(text)]
    if language == "es":
        found += [f"English text {s!r}" for s in english if s in text]
    return found


@pytest.mark.shared
def test_every_list_and_detail_page_reads_cleanly(demo_data: list[tuple[str, int]], pid_viewer: Client) -> None:
    english = _english_sentences()
    assert len(english) > 100
    assert {slug for slug, _ in demo_data} == set(MODALITIES)
    urls = ["/", *(f"/{slug}/" for slug in MODALITIES), *(f"/{slug}/{pk}/" for slug, pk in demo_data)]
    names = raw_person_names()
    assert names  # the data has names to format
    problems: dict[str, list[str]] = {}
    for language in ("en", "es"):
        for url in urls:
            response = pid_viewer.get(url, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, url
            found = _problems(visible(response.content.decode()), language, english, names)
            if found:
                problems[f"{language} {url}"] = found[:5]
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_the_checks_can_fail() -> None:
    """The detector finds each kind of problem in a page that has it."""
    english = ["Accumulated data per plane"]
    html = ("<table><tr><td>1.400e-04</td><td>None</td><td>Dr^Williams</td><td>siemens_artis_ii_field_size</td>"
            "<td>ct_rdsr</td><td>Accumulated data per plane</td></tr></table><script>var x = 1e-3;</script>")
    found = _problems(visible(html), "es", english, ("Dr^Williams",))
    assert len(found) == 6, found
    assert _problems(visible("<p>20.000 mGy·cm, 143,3</p>"), "es", english) == []
