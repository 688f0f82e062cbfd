"""Forms of the DICOM network page: store nodes and remote query-retrieve nodes."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openrem.netdicom.models import RemoteNode, StoreNode
from openrem.web.forms import BootstrapMixin

AE_CHARS = re.compile(r"^[A-Za-z0-9._\-]{1,16}$")
AE_HELP = _("letters, digits, '.', '_' or '-', no spaces, at most 16 characters")


def clean_aet(value: str) -> str:
    """An AE title as configured: stripped, 1 to 16 characters, no spaces or backslash."""
    value = (value or "").strip()
    if not AE_CHARS.match(value):
        raise forms.ValidationError(_("An AE title is 1 to 16 letters or digits (also . _ -), without spaces."))
    return value


class StoreNodeForm(BootstrapMixin, forms.ModelForm):  # type: ignore[type-arg]
    """A store SCP run by OpenREM."""

    class Meta:
        model = StoreNode
        fields = ["name", "aet", "other_aets", "host", "port", "enabled"]
        labels = {"name": _("Name of local store node"), "aet": _("AE title of the node"),
                  "other_aets": _("Other AE titles"), "host": _("Listen address"), "port": _("Port")}
        help_texts = {"aet": AE_HELP, "host": _("0.0.0.0: every interface; the status check uses 127.0.0.1 then"),
                      "other_aets": _("further called AE titles this store answers to, comma separated; "
                                      "associations that call any other title are rejected"),
                      "port": _("104 is the DICOM port; high ports such as 8104 need no privileges")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["aet"].widget.attrs["maxlength"] = 16
        self.style()

    def clean_aet(self) -> str:
        return clean_aet(self.cleaned_data.get("aet", ""))

    def clean_other_aets(self) -> str:
        titles = [t.strip() for t in (self.cleaned_data.get("other_aets") or "").split(",") if t.strip()]
        return ", ".join(clean_aet(t) for t in titles)


TIMEOUTS = ("association_timeout_s", "find_timeout_s", "move_timeout_s")


class RemoteNodeForm(BootstrapMixin, forms.ModelForm):  # type: ignore[type-arg]
    """A remote query-retrieve SCP (PACS or modality)."""

    class Meta:
        model = RemoteNode
        fields = ["name", "remote_aet", "our_aet", "port", "ip", "hostname", "use_modality_tag",
                  "association_timeout_s", "find_timeout_s", "move_timeout_s", "enabled"]
        labels = {"name": _("Name of QR node"), "remote_aet": _("AE title of the remote node"),
                  "our_aet": _("AE title of this server"), "port": _("Remote port"),
                  "ip": _("Remote IP address"), "hostname": _("Remote hostname"),
                  "association_timeout_s": _("Association timeout (s)"), "find_timeout_s": _("C-FIND timeout (s)"),
                  "move_timeout_s": _("C-MOVE timeout (s)")}
        help_texts = {"remote_aet": AE_HELP, "our_aet": _("the calling AE title of queries and echoes"),
                      "association_timeout_s": _("seconds to connect and to wait for the association answer "
                                                 "(default 30)"),
                      "find_timeout_s": _("seconds to wait for each C-FIND response (default 60)"),
                      "move_timeout_s": _("seconds to wait for each C-MOVE response; the remote sends the "
                                          "objects meanwhile (default 600)"),
                      "hostname": _("used in preference to the IP address when set")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("remote_aet", "our_aet"):
            self.fields[name].widget.attrs["maxlength"] = 16
        for name in TIMEOUTS:  # empty: the default
            self.fields[name].required = False
        self.style()

    def clean_remote_aet(self) -> str:
        return clean_aet(self.cleaned_data.get("remote_aet", ""))

    def clean_our_aet(self) -> str:
        return clean_aet(self.cleaned_data.get("our_aet", ""))

    def clean_hostname(self) -> str:
        host = (self.cleaned_data.get("hostname") or "").strip()
        if host and not re.match(r"^[A-Za-z0-9]([A-Za-z0-9.\-]{0,253})$", host):
            raise forms.ValidationError(_("Not a valid hostname."))
        return host

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in TIMEOUTS:
            if data.get(name) in (None, ""):
                data[name] = getattr(RemoteNode._meta.get_field(name), "default", None)
        if not data.get("ip") and not data.get("hostname") and not self.errors:
            raise forms.ValidationError(_("Give the IP address or the hostname of the remote node."))
        return data
