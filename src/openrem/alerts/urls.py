"""URLs of the alert pages, mounted under ``alerts/``."""

from django.urls import path

from openrem.alerts import views

urlpatterns = [
    path("", views.alert_list, name="alerts_list"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="alerts_acknowledge"),
    path("fluoroscopy/", views.rf_settings, name="alerts_rf_settings"),
    path("fluoroscopy/recalculate/", views.recalculate, name="alerts_recalculate"),
    path("rules/", views.rule_list, name="alerts_rules"),
    path("rules/add/", views.rule_add, name="alerts_rule_add"),
    path("rules/<int:pk>/", views.rule_edit, name="alerts_rule_edit"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="alerts_rule_delete"),
]
