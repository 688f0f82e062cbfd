"""Not-patient indicator patterns, patient identifier and DICOM deletion settings, home page options."""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from openrem.dose.models import (
    DicomDeleteSettings,
    HomePageAdminSettings,
    NotPatientIndicator,
    PatientIDSettings,
    Study,
    UserProfile,
)
from openrem.dose.reprocess import reflag_not_patient
from openrem.web.access import ADMIN, admin_required, in_group, login_required, viewer_required
from openrem.web.forms import (
    DicomDeleteSettingsForm,
    HomePageAdminForm,
    NotPatientIndicatorForm,
    PatientIDSettingsForm,
    UserProfileForm,
)
from openrem.web.views.config import audit, base_context, changes, singleton_form_page, user_name

PATTERNS_074 = ((NotPatientIndicator.ID, ("*phy*", "*test*", "*qa*")),
                (NotPatientIndicator.NAME, ("*phys*", "*test*", "*qa*")))


@viewer_required
def not_patient(request: HttpRequest) -> HttpResponse:
    """The ID and name patterns, how they are matched, and (admins) the actions."""
    patterns = NotPatientIndicator.objects.all()
    return render(request, "web/config/not_patient.html", base_context(
        request, id_patterns=[p for p in patterns if p.field == NotPatientIndicator.ID],
        name_patterns=[p for p in patterns if p.field == NotPatientIndicator.NAME],
        flagged=Study.objects.filter(not_patient_indicator__isnull=False).count(),
        patterns_074=PATTERNS_074))


def _pattern_form(request: HttpRequest, instance: NotPatientIndicator | None) -> HttpResponse:
    initial = {"field": request.GET.get("field")} if instance is None and request.GET.get("field") in (
        NotPatientIndicator.ID, NotPatientIndicator.NAME) else None
    form = NotPatientIndicatorForm(request.POST or None, instance=instance, initial=initial)
    title = _("Modify not-patient pattern") if instance else _("Add not-patient pattern")
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = form.save()
            except IntegrityError:  # the same pattern added meanwhile
                form.add_error("pattern", _("This pattern already exists."))
            else:
                audit.info("user %s %s not-patient pattern %s", user_name(request),
                           "changed" if instance else "added", saved)
                messages.success(request, _("Pattern saved. Use “Re-flag existing studies” to apply it to stored "
                                            "studies."))
                return redirect("config_not_patient")
        return render(request, "web/config/form.html", base_context(
            request, forms=[form], title=title, cancel=reverse("config_not_patient")), status=400)
    return render(request, "web/config/form.html", base_context(
        request, forms=[form], title=title, cancel=reverse("config_not_patient")))


@admin_required
def not_patient_add(request: HttpRequest) -> HttpResponse:
    """Add a pattern (``?field=id`` or ``?field=name`` preselects the list)."""
    return _pattern_form(request, None)


@admin_required
def not_patient_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Modify a pattern."""
    return _pattern_form(request, get_object_or_404(NotPatientIndicator, pk=pk))


@admin_required
def not_patient_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: confirmation; POST: delete a pattern."""
    pattern = get_object_or_404(NotPatientIndicator, pk=pk)
    if request.method == "POST":
        with transaction.atomic():
            text = str(pattern)
            pattern.delete()
        audit.info("user %s deleted not-patient pattern %s", user_name(request), text)
        messages.success(request, _("Pattern deleted."))
        return redirect("config_not_patient")
    return render(request, "web/config/confirm_delete.html", base_context(
        request, title=_("Delete the pattern “%(p)s”?") % {"p": pattern.pattern}, count=None, hidden={}, also="",
        cancel=reverse("config_not_patient")))


@admin_required
@require_POST
def not_patient_restore(request: HttpRequest) -> HttpResponse:
    """Add the patterns that releases up to 0.7.4 applied (those already present are kept)."""
    added = []
    with transaction.atomic():
        for field, patterns in PATTERNS_074:
            for pattern in patterns:
                _obj, created = NotPatientIndicator.objects.get_or_create(field=field, pattern=pattern)
                if created:
                    added.append(f"{field}: {pattern}")
    audit.info("user %s restored the 0.7.4 not-patient patterns; added %s", user_name(request), added)
    messages.success(request, ngettext("Added %(n)d pattern.", "Added %(n)d patterns.", len(added)) % {"n": len(added)})
    return redirect("config_not_patient")


@admin_required
@require_POST
def not_patient_reflag(request: HttpRequest) -> HttpResponse:
    """Recompute the not-patient indicator of the stored studies from their stored identifiers."""
    result = reflag_not_patient()
    audit.info("user %s re-flagged not-patient indicators: %s", user_name(request), result)
    messages.success(request, _(
        "Checked %(checked)d studies with a stored patient name or ID, %(changed)d changed; %(unknown)d studies "
        "have no stored (unhashed) identifier and kept the indicator set at import.") % {
        "checked": result.checked, "changed": result.changed, "unknown": result.unknown})
    return redirect("config_not_patient")


@admin_required
def patient_id_settings(request: HttpRequest) -> HttpResponse:
    """Which patient identifiers are stored (and hashed) by future imports."""
    return singleton_form_page(
        request, PatientIDSettingsForm, PatientIDSettings.get(), _("Patient identifier settings"),
        "patient identifier settings",
        _("These settings apply to studies imported from now on; data already stored is not changed."))


@admin_required
def dicom_delete_settings(request: HttpRequest) -> HttpResponse:
    """Which source files are deleted after a successful import."""
    return singleton_form_page(
        request, DicomDeleteSettingsForm, DicomDeleteSettings.get(), _("DICOM object deletion"),
        "DICOM object delete settings",
        _("Warning: a file passed to the import command is deleted too when its kind is ticked here."))


@login_required
def home_options(request: HttpRequest) -> HttpResponse:
    """The user's workload periods and page size; administrators also switch workload statistics on or off."""
    is_admin = in_group(request.user, ADMIN)
    data = request.POST if request.method == "POST" else None
    profile_form = UserProfileForm(data, instance=UserProfile.for_user(request.user), prefix="user")
    admin_form = HomePageAdminForm(data, instance=HomePageAdminSettings.get(), prefix="site") if is_admin else None
    forms = [f for f in (profile_form, admin_form) if f is not None]
    context = base_context(request, forms=forms, title=_("Home page options"))
    if request.method != "POST":
        return render(request, "web/config/form.html", context)
    if not all(f.is_valid() for f in forms):
        return render(request, "web/config/form.html", context, status=400)
    with transaction.atomic():
        for form in forms:
            form.save()
    if admin_form is not None and admin_form.has_changed():
        audit.info("user %s changed home page settings: %s", user_name(request), changes(admin_form))
    messages.success(request, _("Home page options saved."))
    return redirect("config_home_options")
