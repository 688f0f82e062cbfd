"""Home page: studies per modality and system, latest study, workload, failed imports."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from openrem.dose.models import HomePageAdminSettings, Study, UserProfile
from openrem.modalities.registry import MODALITIES
from openrem.web.access import ADMIN, GROUPS, in_group, viewer_required

WORKLOAD_DAYS = (7, 28)


@viewer_required
def home(request: HttpRequest) -> HttpResponse:
    """Per modality: each system's study count, latest study and recent workload."""
    today = timezone.localdate()
    profile = UserProfile.for_user(request.user)  # workload periods: Config -> Home page options
    days = (profile.workload_days_a, profile.workload_days_b)
    since_a, since_b = (today - dt.timedelta(days=d) for d in days)
    tabs = []
    for modality in MODALITIES.values():
        # one row per display name: systems sharing a display name are counted together
        systems = (Study.objects.filter(modality_type__in=modality.modality_types)
                   .values("equipment__display_name")
                   .annotate(total=Count("pk"), latest=Max("study_datetime"),
                             days_a=Count("pk", filter=Q(study_date__gte=since_a)),
                             days_b=Count("pk", filter=Q(study_date__gte=since_b)))
                   .order_by("equipment__display_name"))
        rows = list(systems)
        if rows:
            tabs.append({"modality": modality, "systems": rows, "total": sum(r["total"] for r in rows)})
    failed = Study.objects.filter(Q(modality_type__isnull=True) | Q(equipment__display_name="")).count()
    first_run = request.user.is_superuser and not User.objects.filter(groups__name__in=GROUPS).exists()
    return render(request, "web/home.html", {
        "tabs": tabs, "total": Study.objects.count(), "days": days,
        "show_workload": HomePageAdminSettings.get().enable_workload_stats,
        "since": {"a": since_a, "b": since_b}, "first_run": first_run, "failed_imports": failed, "is_admin": in_group(request.user, ADMIN),
    })
