"""The alert e-mail: one message per study with every firing not yet notified (HTML and plain text).

Settings (spec: e-mail configuration): EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
EMAIL_USE_TLS, EMAIL_USE_SSL, EMAIL_DOSE_ALERT_SENDER (From address) and EMAIL_OPENREM_URL (the base of
the study link).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from openrem.alerts.measures import GY_M2_TO_CGY_CM2
from openrem.alerts.models import AlertFiring, AlertSettings
from openrem.dose.models import Study
from openrem.modalities.registry import for_modality_type


def study_url(study: Study) -> str:
    """Absolute link to the study's detail page (EMAIL_OPENREM_URL + path)."""
    modality = for_modality_type(study.modality_type)
    path = reverse("study_detail", args=[modality.slug if modality else "ct", study.pk])
    return settings.EMAIL_OPENREM_URL.rstrip("/") + path


def recipients(firings: list[AlertFiring]) -> list[str]:
    """E-mail addresses of the users chosen on the rules of ``firings`` that send e-mail (sorted, unique)."""
    addresses = set()
    for firing in firings:
        if firing.rule.send_email:
            addresses |= {u.email for u in firing.rule.recipients.all() if u.email and u.is_active}
    return sorted(addresses)


def build_message(study: Study, firings: list[AlertFiring], to: list[str]) -> EmailMultiAlternatives:
    """The message for ``study`` listing ``firings`` (values with their thresholds and units)."""
    alert_settings = AlertSettings.get()
    context: dict[str, Any] = {
        "study": study, "firings": firings, "url": study_url(study),
        "show_cumulative": alert_settings.show_cumulative and study.modality_type == "RF",
        "weeks": alert_settings.cumulative_weeks,
        "cumulative_dap": study.total_dap_delta_weeks * GY_M2_TO_CGY_CM2
        if study.total_dap_delta_weeks is not None else None,
        "cumulative_rp": study.total_rp_dose_delta_weeks,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("alerts/email_subject.txt", context).strip()
        text = render_to_string("alerts/email.txt", context)
        html = render_to_string("alerts/email.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, settings.EMAIL_DOSE_ALERT_SENDER, to)
    message.attach_alternative(html, "text/html")
    return message


def send_for_study(study_pk: int, firing_pks: list[int]) -> str:
    """Send the message of one study; returns a one-line result. Raises on SMTP errors (the task retries)."""
    study = Study.objects.select_related("equipment").get(pk=study_pk)
    firings = list(AlertFiring.objects.filter(pk__in=firing_pks, study=study, notified_at__isnull=True)
                   .select_related("rule").prefetch_related("rule__recipients").order_by("rule__name", "scope"))
    if not firings:
        return "nothing left to notify"
    to = recipients(firings)
    if not to:
        return "no recipient with an e-mail address"
    build_message(study, firings, to).send(fail_silently=False)
    return f"sent to {', '.join(to)} ({len(firings)} alert(s))"
