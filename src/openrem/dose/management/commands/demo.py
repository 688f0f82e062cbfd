"""``openrem demo``: generated demo data, a login, and the web server (the README's first command)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from openrem.dose.models import HomePageAdminSettings, Study
from openrem.dose.services import import_file

DEMO_COUNTS = {"CT": 40, "RF": 12, "DX": 20, "MG": 10, "NM": 6, "DX_IMAGE": 15, "CR_IMAGE": 5, "MG_IMAGE": 10,
               "NM_IMAGE": 4, "PET_IMAGE": 4}


class Command(BaseCommand):
    help = "Generate demo studies (once), create the demo login and start the web server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-server", action="store_true", help="prepare data and login only")

    def handle(self, *args: Any, **options: Any) -> None:
        data_dir = Path(settings.DATA_DIR)
        data_dir.mkdir(parents=True, exist_ok=True)
        if not Study.objects.exists():
            self._load_demo_data(data_dir / "demo-dicom")
            workload = HomePageAdminSettings.get()  # the demo shows the 7/28-day study counts of its home page
            workload.enable_workload_stats = True
            workload.save()
        username, password = self._login(data_dir / "demo-login.txt")
        url = f"http://127.0.0.1:{options['port']}/"
        self.stdout.write(f"\nOpenREM is running at {url}\n  login: {username}\n  password: {password}\n")
        if not options["no_server"]:
            # the embedded demo serves its own static files (production puts nginx in front)
            call_command("runserver", f"127.0.0.1:{options['port']}", use_reloader=False, insecure_serving=True)

    def _load_demo_data(self, folder: Path) -> None:
        from openrem.dicom import synth

        stored = 0
        for index, (modality, count) in enumerate(DEMO_COUNTS.items()):
            for path in synth.generate(modality, count, seed=2024 + index, out_dir=folder / modality):
                stored += import_file(path).outcome in {"stored", "merged", "replaced"}
        self.stdout.write(f"demo data: {stored} objects imported from {folder}")

    def _login(self, secret_file: Path) -> tuple[str, str]:
        user_model = get_user_model()
        username = "admin"
        if secret_file.exists() and user_model.objects.filter(username=username).exists():
            return username, secret_file.read_text().strip()
        password = secrets.token_urlsafe(9)
        user, _ = user_model.objects.get_or_create(username=username, defaults={"is_staff": True,
                                                                                "is_superuser": True})
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        secret_file.write_text(password + "\n")
        secret_file.chmod(0o600)
        return username, password
