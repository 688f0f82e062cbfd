"""``openrem backup`` / ``openrem restore``: the data after a restore equals the data before."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from openrem.dose.models import Study
from openrem.dose.services import import_file
from openrem.ops.backup import table_counts

pytestmark = pytest.mark.django_db(transaction=True)


def _dump() -> str:
    out = io.StringIO()
    call_command("dump", format="reference", stdout=out)
    return out.getvalue()


def test_backup_restore_round_trip(tmp_path: Path, sample: Any) -> None:
    for name in ("CT-RDSR-Siemens_Flash-TAP-SS.dcm", "RF-RDSR-Siemens-Zee.dcm", "MG-RDSR-Hologic_2D.dcm"):
        assert not import_file(sample(name)).failed
    User.objects.create_user("kept-user", password="Backup-Test-Password-1")
    media_file = Path(settings.MEDIA_ROOT) / "exports" / "survey.csv"
    media_file.parent.mkdir(parents=True, exist_ok=True)
    media_file.write_text("a,b\n1,2\n")
    before, counts_before = _dump(), table_counts()
    assert Study.objects.count() == 3

    out = io.StringIO()
    call_command("backup", output=str(tmp_path), stdout=out)
    folder = Path(out.getvalue().strip())
    assert {p.name for p in folder.iterdir()} >= {"manifest.json", "media.tar.gz", "settings.json"}
    assert "SECRET_KEY" not in (folder / "settings.json").read_text()

    Study.objects.order_by("pk").first().delete()  # type: ignore[union-attr]
    assert not import_file(sample("DX-RDSR-Canon_CXDI.dcm")).failed
    User.objects.filter(username="kept-user").delete()
    media_file.unlink()
    assert _dump() != before

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(folder))
    call_command("restore", str(folder), yes=True, stdout=io.StringIO())
    assert _dump() == before
    assert table_counts() == counts_before
    assert User.objects.filter(username="kept-user").exists()
    assert media_file.read_text() == "a,b\n1,2\n"


def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not a backup folder"):
        call_command("restore", str(tmp_path), yes=True)
