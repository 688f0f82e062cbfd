"""Alert settings, rules, firings and the peak skin dose handed over by the skin dose map code."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openrem.dose.models.config import SingletonModel

MODALITY_CHOICES = [("ct", "CT"), ("rf", _("Fluoroscopy")), ("dx", _("Radiography")), ("mg", _("Mammography")),
                    ("nm", _("Nuclear medicine"))]


class AlertSettings(SingletonModel):
    """Site-wide settings of the fluoroscopy alerts (spec: "Fluroscopy high dose alerts").

    The three RF alert levels themselves live in the preset rules ``rf_total_dap``, ``rf_total_rp_dose`` and
    ``rf_peak_skin_dose`` (one engine for every modality); this row holds what is not per rule."""

    cumulative_weeks = models.PositiveSmallIntegerField(
        default=12, help_text=_("number of previous weeks over which DAP and dose at RP of the same patient are summed"))
    show_cumulative = models.BooleanField(
        default=True, help_text=_("show the summed DAP and dose at RP in the fluoroscopy list, detail and e-mails"))
    calculate_cumulative_on_import = models.BooleanField(
        default=True, help_text=_("calculate the summed DAP and dose at RP when a study is imported"))
    recalculation_needed = models.BooleanField(default=False)

    class Meta:
        app_label = "alerts"


class AlertRule(models.Model):
    """One alert rule: a measure of one modality (optionally one system and one protocol or standard name)
    compared with a threshold, per study, per event, or summed over the patient's studies of N weeks."""

    name = models.CharField(_("name"), max_length=100)
    modality = models.CharField(_("modality"), max_length=2, choices=MODALITY_CHOICES)
    measure = models.CharField(_("measure"), max_length=40, help_text=_("see the list of measures per modality"))
    threshold = models.FloatField(_("threshold"), null=True, blank=True,
                                  help_text=_("in the unit of the measure; not used by scanner dose checks"))
    cumulative_weeks = models.PositiveSmallIntegerField(
        _("cumulative weeks"), null=True, blank=True,
        help_text=_("also sum the study values of the same patient over this many previous weeks"))
    equipment = models.ForeignKey("dose.UniqueEquipment", verbose_name=_("system"), null=True, blank=True,
                                  on_delete=models.CASCADE, help_text=_("empty: every system"))
    protocol = models.CharField(_("protocol contains"), max_length=255, blank=True,
                                help_text=_("study description (study measures) or acquisition protocol "
                                            "(event measures) containing this text; empty: any"))
    standard_name = models.CharField(_("standard name"), max_length=255, blank=True,
                                     help_text=_("standard study name (study measures) or standard acquisition "
                                                 "name (event measures); empty: any"))
    drl_set = models.ForeignKey("drl.DrlSet", verbose_name=_("DRL set"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                help_text=_("DRL measures: empty means the newest set of the modality with values"))
    drl_period = models.CharField(_("DRL comparison"), max_length=8, blank=True, choices=[
        ("", _("each study")), ("week", _("weekly median per system")), ("month", _("monthly median per system"))],
        help_text=_("DRL measures: compare each study, or the median of the system's studies of the "
                    "same examination in the study's week or month"))
    enabled = models.BooleanField(_("enabled"), default=True)
    send_email = models.BooleanField(_("send e-mail"), default=False)
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="alert_rules",
                                        verbose_name=_("e-mail recipients"))
    preset = models.CharField(max_length=40, null=True, blank=True, unique=True, editable=False)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "alerts"
        ordering = ["modality", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.get_modality_display()}: {self.name}"


class AlertFiring(models.Model):
    """A rule exceeded by a study: the value and threshold at the time of the (last) check."""

    STUDY = "study"
    CUMULATIVE = "cumulative"
    EVENT = "event"
    SCANNER = "scanner"
    DRL_PERIOD = "drl_period"
    SCOPES = [(STUDY, _("study")), (CUMULATIVE, _("cumulative")), (EVENT, _("event")), (SCANNER, _("scanner")),
              (DRL_PERIOD, _("period median"))]

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="firings")
    study = models.ForeignKey("dose.Study", on_delete=models.CASCADE, related_name="alert_firings")
    scope = models.CharField(max_length=12, choices=SCOPES)
    value = models.FloatField(help_text="in the unit below")
    threshold = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=16, blank=True)
    detail = models.CharField(max_length=255, blank=True)
    active = models.BooleanField(default=True, db_index=True,
                                 help_text="false once a re-check found the value no longer over the threshold")
    fired_at = models.DateTimeField(auto_now_add=True, db_index=True)
    checked_at = models.DateTimeField(auto_now=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        app_label = "alerts"
        ordering = ["-fired_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["rule", "study", "scope"], name="one_firing_per_rule_scope")]
        indexes = [models.Index(fields=["study", "active"], name="alert_firing_study_active")]

    def __str__(self) -> str:
        return f"{self.rule} study {self.study_id}: {self.value:g} {self.unit}"


class PeakSkinDose(models.Model):
    """Peak skin dose of a study, handed over by the skin dose map calculation through
    :func:`openrem.alerts.hooks.peak_skin_dose_stored` (read by the ``peak_skin_dose`` measure)."""

    study = models.OneToOneField("dose.Study", on_delete=models.CASCADE, related_name="alert_peak_skin_dose")
    peak_skin_dose_gy = models.FloatField(db_comment="unit: Gy")
    stored_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "alerts"
