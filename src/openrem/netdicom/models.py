"""DICOM network nodes and the receive filters (spec: "DICOM Network Configuration")."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

AE_TITLE = RegexValidator(r"^[\x20-\x5b\x5d-\x7e]{1,16}$", "An AE title is 1 to 16 printable characters, no backslash.")
PORT = [MinValueValidator(1), MaxValueValidator(65535)]


class StoreNode(models.Model):
    """A store SCP run by OpenREM (``openrem storescp``): where scanners and C-MOVEs send objects."""

    name = models.CharField(max_length=64, unique=True)
    aet = models.CharField("AE title", max_length=16, validators=[AE_TITLE])
    host = models.CharField(max_length=255, default="127.0.0.1", help_text="address the SCP listens on")
    port = models.PositiveIntegerField(validators=PORT)
    other_aets = models.CharField(
        "other AE titles", max_length=255, blank=True,
        help_text="further called AE titles this store answers to, comma separated (others are rejected)")
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.aet}@{self.host}:{self.port})"

    @property
    def called_aets(self) -> list[str]:
        """Every called AE title the SCP answers to: its AE title, then the others."""
        return [self.aet, *(t.strip() for t in self.other_aets.split(",") if t.strip())]


class RemoteNode(models.Model):
    """A remote query-retrieve SCP (PACS). The hostname is used when set, else the IP address."""

    name = models.CharField(max_length=64, unique=True)
    remote_aet = models.CharField("remote AE title", max_length=16, validators=[AE_TITLE])
    our_aet = models.CharField("our AE title", max_length=16, default="OPENREMDEFAULT", validators=[AE_TITLE])
    port = models.PositiveIntegerField(validators=PORT)
    ip = models.GenericIPAddressField("IP address", null=True, blank=True)
    hostname = models.CharField(max_length=255, blank=True)
    use_modality_tag = models.BooleanField(
        default=False, help_text="also send Modality in the study-level query (some PACS need it)")
    association_timeout_s = models.PositiveIntegerField(
        "association timeout (s)", default=30, validators=[MinValueValidator(1)],
        help_text="seconds to connect and to wait for the association answer")
    find_timeout_s = models.PositiveIntegerField(
        "C-FIND timeout (s)", default=60, validators=[MinValueValidator(1)],
        help_text="seconds to wait for each C-FIND response")
    move_timeout_s = models.PositiveIntegerField(
        "C-MOVE timeout (s)", default=600, validators=[MinValueValidator(1)],
        help_text="seconds to wait for each C-MOVE response (the remote sends objects meanwhile)")
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.remote_aet}@{self.address}:{self.port})"

    @property
    def address(self) -> str:
        return self.hostname or (self.ip or "")


class ReceiveFilterSettings(models.Model):
    """What received objects are ignored or kept aside (store SCP and the Orthanc script).

    Lists are comma separated, matched case-insensitively as substrings.
    """

    manufacturers_to_ignore = models.TextField(blank=True)
    model_names_to_ignore = models.TextField(blank=True)
    station_names_to_ignore = models.TextField(blank=True)
    software_versions_to_ignore = models.TextField(blank=True)
    device_serial_numbers_to_ignore = models.TextField(blank=True)
    physics_filtering = models.BooleanField(default=False,
                                            help_text="keep physics/QA studies aside instead of importing them")
    physics_to_keep = models.TextField(default="physics", help_text="patient name or ID terms marking QA studies")
    toshiba_extractor_systems = models.TextField(blank=True, default="Toshiba Aquilion, GE Discovery STE",
                                                 help_text="CT make/model pairs kept for the Toshiba extractor")

    def save(self, *args: object, **kwargs: object) -> None:
        self.pk = 1
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def get(cls) -> ReceiveFilterSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


# query-retrieve records live in their own module
from openrem.netdicom.models_query import Query as Query  # noqa: E402
from openrem.netdicom.models_query import QueryImage as QueryImage  # noqa: E402
from openrem.netdicom.models_query import QuerySeries as QuerySeries  # noqa: E402
from openrem.netdicom.models_query import QueryStudy as QueryStudy  # noqa: E402
