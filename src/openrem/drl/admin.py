"""Django admin for DRL sets: edit sets, values and exam-to-standard-name mappings inline; import a
set from a CSV file (all or nothing, errors name the line); export selected sets as CSV."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openrem.drl.csvio import DrlFileError, parse_drl_file, write_drl_file
from openrem.drl.library import as_parsed, store_set
from openrem.drl.models import DrlExamMapping, DrlSet, DrlValue

MAX_UPLOAD_BYTES = 1_000_000


class DrlValueInline(admin.TabularInline):  # type: ignore[type-arg]
    model = DrlValue
    extra = 0


class DrlExamMappingInline(admin.TabularInline):  # type: ignore[type-arg]
    model = DrlExamMapping
    extra = 1


class DrlImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("DRL set file (CSV)"))


@admin.register(DrlSet)
class DrlSetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "version", "country", "modality", "valid_from", "is_local")
    list_filter = ("country", "modality", "is_local")
    inlines = [DrlValueInline, DrlExamMappingInline]
    actions = ["export_csv"]
    change_list_template = "drl/admin_change_list.html"

    def get_urls(self) -> list[URLPattern]:
        extra = [path("import/", self.admin_site.admin_view(self.import_view), name="drl_drlset_import")]
        return extra + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            return HttpResponse(status=403)
        form = DrlImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > MAX_UPLOAD_BYTES:
                    raise DrlFileError(_("file larger than 1 MB"))
                parsed = parse_drl_file(upload.read().decode("utf-8-sig"))
                drl_set = store_set(parsed)
            except (UnicodeDecodeError, ValueError) as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(request, _("Stored %(set)s with %(n)d values.") % {"set": drl_set,
                                                                                     "n": len(parsed.values)})
                return redirect("admin:drl_drlset_change", drl_set.pk)
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
                   "title": _("Import a DRL set")}
        return render(request, "drl/admin_import.html", context)

    @admin.action(description=gettext_lazy("Export the selected sets as CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[DrlSet]) -> HttpResponse | None:
        if queryset.count() != 1:
            messages.error(request, _("Select one set to export."))
            return None
        text = write_drl_file(as_parsed(queryset.get()))
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="drl-sets.csv"'
        return response

