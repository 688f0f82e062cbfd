"""Patient size import pages (spec 2.4): upload, column choice, imports with abort, log and delete.

Every view needs importsizegroup (the imports list, abort, log and delete also admingroup)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from openrem.jobs.service import request_termination
from openrem.ptsize.csvimport import CsvError, read_rows
from openrem.ptsize.models import SizeUpload
from openrem.ptsize.tasks import queue_size_import
from openrem.web.access import ADMIN, IMPORT_SIZE, in_group, require
from openrem.web.views.config import audit, user_name

MAX_BYTES = 50 * 1024 * 1024
size_importer = require(lambda user: in_group(user, IMPORT_SIZE))
size_manager = require(lambda user: in_group(user, IMPORT_SIZE) or in_group(user, ADMIN))


class UploadForm(forms.Form):
    csv_file = forms.FileField(label=gettext_lazy("CSV file"))

    def clean_csv_file(self) -> Any:
        upload = self.cleaned_data["csv_file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        data = upload.read()
        upload.seek(0)
        try:
            read_rows(data)
        except CsvError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


class ColumnsForm(forms.Form):
    id_field = forms.ChoiceField(label=gettext_lazy("Identifier column"))
    id_type = forms.ChoiceField(label=gettext_lazy("The identifier is"), choices=SizeUpload.ID_TYPES)
    height_field = forms.ChoiceField(label=gettext_lazy("Height column"), required=False)
    height_unit = forms.ChoiceField(label=gettext_lazy("Height unit"), choices=SizeUpload.HEIGHT_UNITS)
    weight_field = forms.ChoiceField(label=gettext_lazy("Weight column (kg)"), required=False)
    overwrite = forms.BooleanField(label=gettext_lazy("Replace heights and weights already stored"), required=False)

    def __init__(self, titles: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(t, t) for t in titles]
        self.fields["id_field"].choices = choices  # type: ignore[attr-defined]
        self.fields["height_field"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
        self.fields["weight_field"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [data.get(k) for k in ("id_field", "height_field", "weight_field") if data.get(k)]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("Choose a different column for each field."))
        if not data.get("height_field") and not data.get("weight_field"):
            raise forms.ValidationError(_("Choose a height or a weight column."))
        limit = SizeUpload._meta.get_field("id_field").max_length or 255
        if any(len(str(c)) > limit for c in chosen):
            raise forms.ValidationError(_("A column whose title is longer than %(n)d characters cannot be chosen: "
                                          "shorten its title in the file.") % {"n": limit})
        return data


@size_importer
def upload(request: HttpRequest) -> HttpResponse:
    """Upload a CSV (checked for a header row), then choose its columns."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            item = SizeUpload(original_name=form.cleaned_data["csv_file"].name[:255], user=_user(request))
            item.csv_file.save("size.csv", form.cleaned_data["csv_file"], save=False)
            item.save()
            audit.info("user %s uploaded size CSV %s", user_name(request), item.original_name)
            return redirect("ptsize_process", pk=item.pk)
        return render(request, "ptsize/upload.html", {"form": form}, status=400)
    return render(request, "ptsize/upload.html", {"form": form})


def _user(request: HttpRequest) -> Any:
    """The logged-in user (every view here requires one)."""
    return request.user


def _own(request: HttpRequest, item: SizeUpload) -> None:
    if not in_group(request.user, ADMIN) and item.user_id not in (None, request.user.pk):
        raise PermissionDenied


@size_importer
def process(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the identifier, height and weight columns, then queue the import."""
    item = get_object_or_404(SizeUpload, pk=pk, status=SizeUpload.UPLOADED)
    _own(request, item)
    if not item.csv_file:
        raise PermissionDenied
    with item.csv_file.open("rb") as handle:
        titles, _rows = read_rows(handle.read())
    form = ColumnsForm(titles, request.POST or None)
    if request.method == "POST" and form.is_valid():
        for key, value in form.cleaned_data.items():
            setattr(item, key, value)
        item.save()
        queue_size_import(item, request.user)
        messages.info(request, _("Patient size import started."))
        return redirect("ptsize_imports")
    return render(request, "ptsize/process.html", {"form": form, "item": item},
                  status=400 if request.method == "POST" else 200)


@size_manager
def imports(request: HttpRequest) -> HttpResponse:
    """Current and finished imports with their logs."""
    items = SizeUpload.objects.select_related("task", "user")
    if not in_group(request.user, ADMIN):
        items = items.filter(user=_user(request))
    running = [i for i in items if i.status in (SizeUpload.QUEUED, SizeUpload.PROCESSING)]
    return render(request, "ptsize/imports.html", {
        "running": running, "done": [i for i in items if i not in running and i.status != SizeUpload.UPLOADED],
        "waiting": [i for i in items if i.status == SizeUpload.UPLOADED]})


@size_manager
@require_POST
def abort(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(SizeUpload, pk=pk)
    _own(request, item)
    if item.task is not None:
        request_termination(item.task)
    audit.info("user %s aborted size import %s", user_name(request), item.pk)
    return redirect("ptsize_imports")


@size_manager
def log(request: HttpRequest, pk: int) -> HttpResponse:
    """The log of one import as a text file."""
    item = get_object_or_404(SizeUpload, pk=pk)
    _own(request, item)
    response = HttpResponse(f"{item.original_name}\n{item.progress}\n\n{item.log}\n",
                            content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="size-import-{item.pk}.log"'
    return response


@size_manager
@require_POST
def delete(request: HttpRequest) -> HttpResponse:
    """Delete the chosen finished import records (and their logs)."""
    chosen = [pk for pk in request.POST.getlist("pk") if pk.isascii() and pk.isdigit()]  # others name no record
    items = SizeUpload.objects.filter(pk__in=chosen).exclude(
        status__in=[SizeUpload.QUEUED, SizeUpload.PROCESSING])
    if not in_group(request.user, ADMIN):
        items = items.filter(user=_user(request))
    for item in items:
        if item.csv_file:
            item.csv_file.delete(save=False)
    count = items.count()
    items.delete()
    audit.info("user %s deleted %s size import record(s)", user_name(request), count)
    messages.success(request, _("Import records deleted."))
    return redirect("ptsize_imports")
