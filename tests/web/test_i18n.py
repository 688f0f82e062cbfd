"""Internationalisation: the Spanish catalogue is complete, current and compiled; the language is negotiated.

The catalogue is read with a small parser of the .po format (no extra dependency). Checks that need GNU
gettext (``xgettext`` for ``makemessages``, ``msgfmt``) are skipped when it is missing, unless
OPENREM_REQUIRE_ALL=1, in which case they fail.
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

import openrem

PACKAGE = Path(openrem.__file__).resolve().parent
PO = PACKAGE / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
TEMPLATES = PACKAGE / "web" / "templates"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@dataclass
class Entry:
    """One message of a .po file."""

    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return self.msgctxt, self.msgid, self.msgid_plural


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header included (msgid ""), obsolete (#~) entries left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    pending_flags: set[str] = set()

    def text(segment: str) -> str:
        value = ast.literal_eval(segment.strip())
        assert isinstance(value, str), segment
        return value

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            pending_flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$', line)
        if match:
            keyword, index, segment = match.group(1), int(match.group(2) or 0), match.group(3)
            if keyword == "msgctxt" or (keyword == "msgid" and (current is None or current.msgstr)):
                current = Entry(flags=pending_flags)  # a new entry (a msgid after a msgctxt continues it)
                entries.append(current)
                pending_flags = set()
            assert current is not None
            if keyword == "msgstr":
                current.msgstr[index] = text(segment)
            elif keyword == "msgctxt":
                current.msgctxt = text(segment)
            elif keyword == "msgid":
                current.msgid = text(segment)
            else:
                current.msgid_plural = text(segment)
            target = (keyword, index)
        elif line.startswith('"') and current is not None and target is not None:
            keyword, index = target
            if keyword == "msgstr":
                current.msgstr[index] += text(line)
            elif keyword == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + text(line)
            else:
                setattr(current, keyword, getattr(current, keyword) + text(line))
        else:
            raise AssertionError(f"{path}: cannot parse {raw!r}")
    return entries


def messages(path: Path) -> dict[tuple[str | None, str, str | None], Entry]:
    """The non-header entries of a .po file by (context, msgid, msgid_plural)."""
    return {e.key: e for e in parse_po(path) if e.msgid}


def require_tool(name: str) -> str:
    """The path of a gettext tool; skips (or fails with OPENREM_REQUIRE_ALL=1) when it is missing."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} (GNU gettext) is not installed"
        if os.environ.get("OPENREM_REQUIRE_ALL") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


def mo_catalog(path: Path) -> dict[Any, str]:
    """The messages of a compiled catalogue (header left out)."""
    with path.open("rb") as handle:
        catalog = dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]
    catalog.pop("", None)
    return catalog


def expected_catalog(entries: list[Entry]) -> dict[Any, str]:
    """What ``msgfmt`` compiles from parsed .po entries, in the form of ``GNUTranslations._catalog``."""
    catalog: dict[Any, str] = {}
    for e in entries:
        if not e.msgid:
            continue
        msgid = f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt is not None else e.msgid
        if e.msgid_plural is None:
            catalog[msgid] = e.msgstr[0]
        else:
            for index, value in e.msgstr.items():
                catalog[(msgid, index)] = value
    return catalog


# ----------------------------------------------------------------------------- the catalogue


def test_catalogue_is_complete_and_not_fuzzy() -> None:
    entries = parse_po(PO)
    header = next(e for e in entries if not e.msgid)
    assert "fuzzy" not in header.flags
    assert "Language: es\n" in header.msgstr[0]
    nplurals = int(re.search(r"nplurals=(\d+)", header.msgstr[0]).group(1))  # type: ignore[union-attr]
    body = [e for e in entries if e.msgid]
    assert len(body) > 300
    assert [e.msgid for e in body if "fuzzy" in e.flags] == []
    assert [e.msgid for e in body if not all(e.msgstr.values())] == []
    assert [e.msgid for e in body if e.msgid_plural is not None and sorted(e.msgstr) != list(range(nplurals))] == []
    assert len({e.key for e in body}) == len(body), "duplicate messages"


def test_translations_keep_placeholders() -> None:
    for e in messages(PO).values():
        for index, value in e.msgstr.items():
            source = e.msgid if index == 0 or e.msgid_plural is None else e.msgid_plural
            assert set(PLACEHOLDER.findall(value)) == set(PLACEHOLDER.findall(source)), (e.msgid, value)


def test_translations_use_spanish_dose_terms() -> None:
    by_id = {(e.msgctxt, e.msgid): e.msgstr[0] for e in messages(PO).values()}
    assert by_id[(None, "Fluoroscopy")] == "Fluoroscopia"
    assert by_id[(None, "DAP")] == "PDA"
    assert by_id[(None, "Administered activity")] == "Actividad administrada"
    assert by_id[(None, "Fluoro time")] == "Tiempo de fluoroscopia"
    assert by_id[(None, "Possible test patient")] == "Posible paciente de prueba"
    assert by_id[(None, "CTDIvol")] == "CTDIvol" and by_id[(None, "DLP")] == "DLP"


def test_translate_tags_of_templates_are_in_catalogue() -> None:
    """Every ``{% translate "..." %}`` and ``_("...")`` of the templates (no gettext tools needed)."""
    known = {(e.msgctxt, e.msgid) for e in messages(PO).values()}
    tag = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.*?)\1(?:\s+context\s+(["'])(.*?)\3)?""")
    underscore = re.compile(r"""_\((["'])(.*?)\1\)""")
    found: set[tuple[str | None, str]] = set()
    for path in TEMPLATES.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        found |= {(m.group(4), m.group(2)) for m in tag.finditer(source)}
        found |= {(None, m.group(2)) for m in underscore.finditer(source)}
    assert len(found) > 200
    assert sorted(found - known, key=str) == []


def test_makemessages_finds_nothing_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``makemessages`` over a copy of the package extracts no message the catalogue lacks."""
    require_tool("xgettext")
    require_tool("msgmerge")
    copy = tmp_path / "openrem"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("static", "locale", "__pycache__", "*.pyc"))
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[str(copy / "locale")]):
        call_command("makemessages", locale=["es"], ignore_patterns=["static/*"], verbosity=0)
    extracted = messages(copy / "locale" / "es" / "LC_MESSAGES" / "django.po")
    assert len(extracted) > 300
    missing = sorted(set(extracted) - set(messages(PO)), key=str)
    assert missing == [], "run makemessages -l es in src/openrem and translate the new messages"


def test_committed_mo_matches_po() -> None:
    """The committed .mo holds exactly the translations of the .po (no gettext tools needed)."""
    assert mo_catalog(MO) == expected_catalog(parse_po(PO))


def test_msgfmt_compiles_the_committed_mo(tmp_path: Path) -> None:
    msgfmt = require_tool("msgfmt")
    compiled = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check-format", "-o", str(compiled), str(PO)], check=True, capture_output=True)
    assert mo_catalog(compiled) == mo_catalog(MO)


# ----------------------------------------------------------------------------- the pages


@pytest.fixture
def viewer(db: Any) -> Iterator[Client]:
    """A client logged in as a member of viewgroup; the active language is reset afterwards."""
    from django.contrib.auth.models import Group

    user = User.objects.create(username="i18n-viewer")
    user.groups.add(Group.objects.get_or_create(name="viewgroup")[0])
    client = Client()
    client.force_login(user)
    yield client
    translation.deactivate()


HOME = reverse("home")
CT_LIST = reverse("study_list", kwargs={"slug": "ct"})


@pytest.mark.parametrize("url", [HOME, CT_LIST])
def test_accept_language_es_gives_spanish(viewer: Client, url: str) -> None:
    response = viewer.get(url, HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9,en;q=0.5")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert "Fluoroscopia" in html and "Mamografía" in html and "Cerrar sesión" in html
    assert "Fluoroscopy" not in html
    assert response.headers["Content-Language"] == "es"


def test_ct_list_labels_and_counts_in_spanish(viewer: Client) -> None:
    html = viewer.get(CT_LIST, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Descripción del estudio" in html and "Número de acceso" in html
    assert "0 estudios" in html and "Filtrar" in html


@pytest.mark.parametrize("url", [HOME, CT_LIST])
def test_language_code_setting_es(viewer: Client, url: str) -> None:
    with override_settings(LANGUAGE_CODE="es"):
        html = viewer.get(url).content.decode()
    assert "Fluoroscopia" in html and '<html lang="es">' in html


@pytest.mark.parametrize("accept", [None, "fr-FR,fr;q=0.9", "en-GB,en;q=0.8"])
def test_english_is_the_default(viewer: Client, accept: str | None) -> None:
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    with override_settings(LANGUAGE_CODE="en-us"):
        html = viewer.get(HOME, **headers).content.decode()
    assert "Fluoroscopy" in html and "Fluoroscopia" not in html


def test_english_is_the_configured_default() -> None:
    from django.conf import settings

    if "LANGUAGE_CODE" in os.environ:
        pytest.skip("LANGUAGE_CODE is set in the environment")
    assert settings.LANGUAGE_CODE.startswith("en")
    assert [code for code, _name in settings.LANGUAGES] == ["en", "es"]
