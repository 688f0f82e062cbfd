"""The configuration pages: who may see and change what, and that every POST changes the database."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from permission_matrix import MATRIX, config_placeholder

from openrem.dose.models import (
    DicomDeleteSettings,
    HomePageAdminSettings,
    MergeOnDeviceObserverUIDSettings,
    NotPatientIndicator,
    PatientIDSettings,
    StandardName,
    StandardNameSettings,
    Study,
    UniqueEquipment,
    UserProfile,
)
from openrem.web.access import GROUPS

pytestmark = pytest.mark.django_db


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def viewer(group_users: dict[str, User]) -> Client:
    return _client(group_users["viewgroup"])


@pytest.fixture
def admin(group_users: dict[str, User]) -> Client:
    return _client(group_users["admingroup"])


def _placeholder(value: Any, studies: dict[str, int]) -> Any:
    if value == "<study>":
        return studies["ct"]
    if value == "<equipment>":
        return UniqueEquipment.objects.order_by("pk").first().pk  # type: ignore[union-attr]
    return config_placeholder(value)


CONFIG_NAMES = sorted(n for n in MATRIX if n.startswith("config_"))


@pytest.mark.parametrize("name", CONFIG_NAMES)
def test_config_matrix(name: str, group_users: dict[str, User], studies: dict[str, int]) -> None:
    entry = MATRIX[name]
    url = reverse(name, kwargs={k: _placeholder(v, studies) for k, v in entry["kwargs"].items()})
    for label, user in [("anonymous", None), *((g, group_users[g]) for g in GROUPS)]:
        for method in entry["methods"]:
            response = _client(user).get(url) if method == "GET" else _client(user).post(url, {})
            assert response.status_code < 500, (name, label, response.status_code)
            denied = response.status_code == 403 or (user is None and "/login/" in response.get("Location", ""))
            assert denied != (label in entry["allowed"]), (name, label, method, response.status_code)


def test_every_config_url_is_in_the_matrix() -> None:
    from openrem.web.config_urls import urlpatterns

    assert {p.name for p in urlpatterns} <= set(MATRIX)


@pytest.mark.parametrize("name", ["config_display_names", "config_failed_imports", "config_not_patient",
                                  "config_standard_names", "config_home_options"])
def test_pages_render_for_viewer_and_admin(name: str, viewer: Client, admin: Client, studies: dict[str, int]) -> None:
    NotPatientIndicator.objects.create(field="name", pattern="*phys*")
    StandardName.objects.create(standard_name="Head", modality="CT", study_description="CT HEAD")
    as_viewer, as_admin = viewer.get(reverse(name)), admin.get(reverse(name))
    assert as_viewer.status_code == as_admin.status_code == 200
    assert "Config" in as_admin.content.decode()


def test_display_names_lists_systems_and_admin_controls(viewer: Client, admin: Client,
                                                         studies: dict[str, int]) -> None:
    eq = Study.objects.get(pk=studies["rf"]).equipment
    page = viewer.get(reverse("config_display_names")).content.decode()
    assert eq.display_name in page and 'name="pk"' not in page
    assert 'name="pk"' in admin.get(reverse("config_display_names")).content.decode()
    review = viewer.get(reverse("config_equipment_review", args=[eq.pk])).content.decode()
    assert reverse("study_detail", args=["rf", studies["rf"]]) in review
    assert reverse("config_equipment_delete", args=[eq.pk]) not in review


def test_edit_many_systems_renames_and_moves_studies(admin: Client, studies: dict[str, int]) -> None:
    dx = Study.objects.get(pk=studies["dx"]).equipment
    rf = Study.objects.get(pk=studies["rf"]).equipment
    url = reverse("config_display_names_edit")
    assert admin.get(url, {"pk": [dx.pk, rf.pk]}).status_code == 200
    response = admin.post(url, {"pk": [dx.pk, rf.pk], "display_name": "Room 7", "user_defined_modality": "RF"})
    assert response.status_code == 302
    assert set(UniqueEquipment.objects.filter(pk__in=[dx.pk, rf.pk]).values_list("display_name", flat=True)) == {
        "Room 7"}
    assert Study.objects.get(pk=studies["dx"]).modality_type == "RF"
    admin.post(url, {"pk": [dx.pk], "display_name": "", "user_defined_modality": "DX"})
    assert Study.objects.get(pk=studies["dx"]).modality_type == "DX"
    assert UniqueEquipment.objects.get(pk=dx.pk).display_name == "Room 7"  # blank name: unchanged


def test_edit_refused_for_viewer_and_bad_input(viewer: Client, admin: Client, studies: dict[str, int]) -> None:
    eq = Study.objects.get(pk=studies["dx"]).equipment
    url = reverse("config_display_names_edit")
    assert viewer.post(url, {"pk": [eq.pk], "display_name": "Hacked", "user_defined_modality": "RF"}).status_code == 403
    assert admin.get(url, {"pk": "1; drop table"}).status_code == 400
    assert admin.post(url, {"pk": [eq.pk], "display_name": "x", "user_defined_modality": "XX"}).status_code == 400
    assert admin.post(url, {"pk": [eq.pk], "display_name": "y" * 300, "user_defined_modality": "DX"}).status_code == 400
    eq.refresh_from_db()
    assert eq.display_name != "Hacked" and eq.user_defined_modality is None
    assert Study.objects.get(pk=studies["dx"]).modality_type == "DX"


def test_observer_uid_toggle(viewer: Client, admin: Client) -> None:
    url = reverse("config_observer_uid")
    assert viewer.post(url, {"enabled": "on"}).status_code == 403
    assert MergeOnDeviceObserverUIDSettings.get().enabled is False
    admin.post(url, {"enabled": "on"})
    assert MergeOnDeviceObserverUIDSettings.get().enabled is True
    admin.post(url, {})
    assert MergeOnDeviceObserverUIDSettings.get().enabled is False


def test_delete_studies_of_a_system_then_the_system(viewer: Client, admin: Client, studies: dict[str, int],
                                                    caplog: pytest.LogCaptureFixture) -> None:
    eq = Study.objects.get(pk=studies["ct"]).equipment
    url = reverse("config_equipment_delete", args=[eq.pk])
    assert viewer.post(url, {"what": "equipment"}).status_code == 403
    assert Study.objects.filter(equipment=eq).exists()
    assert admin.post(url, {"what": "everything"}).status_code == 400
    with caplog.at_level("INFO", logger="openrem.audit"):
        assert admin.post(url, {"what": "studies"}).status_code == 302
    assert "user-admingroup deleted 1 studies" in caplog.text
    assert not Study.objects.filter(equipment=eq).exists() and UniqueEquipment.objects.filter(pk=eq.pk).exists()
    admin.post(url, {"what": "equipment"})
    assert not UniqueEquipment.objects.filter(pk=eq.pk).exists()
    assert Study.objects.filter(pk=studies["rf"]).exists()


def test_reprocess_dual_only_for_dual_systems(viewer: Client, admin: Client, studies: dict[str, int]) -> None:
    eq = Study.objects.get(pk=studies["rf"]).equipment
    Study.objects.filter(pk=studies["rf"]).update(modality_type="DX")
    url = reverse("config_equipment_reprocess", args=[eq.pk])
    admin.post(url)
    assert Study.objects.get(pk=studies["rf"]).modality_type == "DX"  # not dual: nothing done
    eq.user_defined_modality = "dual"
    eq.save()
    assert viewer.post(url).status_code == 403
    assert Study.objects.get(pk=studies["rf"]).modality_type == "DX"
    admin.post(url)
    assert Study.objects.get(pk=studies["rf"]).modality_type == "RF"


def test_failed_imports_listed_and_deleted(viewer: Client, admin: Client, studies: dict[str, int]) -> None:
    Study.objects.filter(pk=studies["dx"]).update(modality_type=None)
    Study.objects.filter(pk=studies["mg"]).update(modality_type="OT")
    UniqueEquipment.objects.filter(studies__pk=studies["ct"]).update(display_name="")
    page = viewer.get(reverse("config_failed_imports")).content.decode()
    assert "9.2" in page and "9.3" in page and "9.1" in page
    assert viewer.post(reverse("config_failed_delete", args=["unknown"])).status_code == 403
    assert admin.get(reverse("config_failed_delete", args=["nonsense"])).status_code == 404
    admin.post(reverse("config_failed_delete", args=["unknown"]))
    assert not Study.objects.filter(pk__in=[studies["dx"], studies["mg"]]).exists()
    admin.post(reverse("config_failed_delete", args=["ct"]))
    assert not Study.objects.filter(pk=studies["ct"]).exists()
    assert Study.objects.filter(pk=studies["rf"]).exists()


def test_not_patient_crud(viewer: Client, admin: Client) -> None:
    add = reverse("config_not_patient_add")
    assert viewer.post(add, {"field": "id", "pattern": "*qa*"}).status_code == 403
    assert not NotPatientIndicator.objects.exists()
    assert admin.post(add, {"field": "id", "pattern": "*qa*"}).status_code == 302
    pattern = NotPatientIndicator.objects.get()
    assert admin.post(add, {"field": "id", "pattern": "*qa*"}).status_code == 400  # duplicate
    assert admin.post(add, {"field": "nope", "pattern": "x"}).status_code == 400
    assert admin.post(add, {"field": "id", "pattern": "   "}).status_code == 400
    assert admin.post(add, {"field": "id", "pattern": "x" * 65}).status_code == 400
    admin.post(reverse("config_not_patient_edit", args=[pattern.pk]), {"field": "name", "pattern": "*phys*"})
    pattern.refresh_from_db()
    assert (pattern.field, pattern.pattern) == ("name", "*phys*")
    assert viewer.post(reverse("config_not_patient_delete", args=[pattern.pk])).status_code == 403
    admin.post(reverse("config_not_patient_delete", args=[pattern.pk]))
    assert not NotPatientIndicator.objects.exists()
    assert admin.get(reverse("config_not_patient_edit", args=[99999])).status_code == 404


def test_restore_074_and_reflag(viewer: Client, admin: Client, studies: dict[str, int]) -> None:
    assert viewer.post(reverse("config_not_patient_restore")).status_code == 403
    assert not NotPatientIndicator.objects.exists()
    NotPatientIndicator.objects.create(field="id", pattern="*qa*")
    admin.post(reverse("config_not_patient_restore"))
    admin.post(reverse("config_not_patient_restore"))  # twice: nothing duplicated
    assert sorted(NotPatientIndicator.objects.values_list("field", "pattern")) == [
        ("id", "*phy*"), ("id", "*qa*"), ("id", "*test*"), ("name", "*phys*"), ("name", "*qa*"), ("name", "*test*")]
    Study.objects.filter(pk=studies["ct"]).update(patient_id="QA-phantom", patient_id_hashed=False)
    assert viewer.post(reverse("config_not_patient_reflag")).status_code == 403
    assert Study.objects.get(pk=studies["ct"]).not_patient_indicator is None
    response = admin.post(reverse("config_not_patient_reflag"), follow=True)
    assert Study.objects.get(pk=studies["ct"]).not_patient_indicator == "IDs: *qa*"
    assert "1 changed" in response.content.decode()


@pytest.mark.parametrize(("name", "model", "data", "field"), [
    ("config_patient_id", PatientIDSettings, {"name_stored": "on", "name_hashed": "on"}, "name_stored"),
    ("config_dicom_delete", DicomDeleteSettings, {"del_rdsr": "on"}, "del_rdsr"),
    ("config_standard_name_settings", StandardNameSettings, {"enabled": "on"}, "enabled"),
])
def test_singleton_settings(name: str, model: Any, data: dict[str, str], field: str, viewer: Client,
                            admin: Client, caplog: pytest.LogCaptureFixture) -> None:
    assert viewer.get(reverse(name)).status_code == 403
    assert viewer.post(reverse(name), data).status_code == 403
    assert getattr(model.get(), field) is False
    with caplog.at_level("INFO", logger="openrem.audit"):
        assert admin.post(reverse(name), data).status_code == 302
    assert getattr(model.get(), field) is True
    assert "user-admingroup changed" in caplog.text


def test_home_options_per_user_and_admin_switch(group_users: dict[str, User], viewer: Client, admin: Client,
                                                studies: dict[str, int]) -> None:
    url = reverse("config_home_options")
    data = {"user-workload_days_a": "3", "user-workload_days_b": "90", "user-items_per_page": "50",
            "site-enable_workload_stats": "on"}
    assert viewer.post(url, data).status_code == 302
    profile = UserProfile.for_user(group_users["viewgroup"])
    assert (profile.workload_days_a, profile.workload_days_b, profile.items_per_page) == (3, 90, 50)
    assert HomePageAdminSettings.get().enable_workload_stats is False  # not an admin: switch ignored
    assert "Last 3 days" not in viewer.get(reverse("home")).content.decode()
    assert admin.post(url, {**data, "user-workload_days_a": "5"}).status_code == 302
    assert HomePageAdminSettings.get().enable_workload_stats is True
    assert "Last 3 days" in viewer.get(reverse("home")).content.decode()
    for bad in ("0", "-1", "abc", "99999"):
        assert viewer.post(url, {**data, "user-workload_days_a": bad}).status_code == 400
    assert viewer.post(url, {**data, "user-items_per_page": "7"}).status_code == 400
    assert UserProfile.for_user(group_users["viewgroup"]).workload_days_a == 3


def test_standard_name_crud(viewer: Client, admin: Client, studies: dict[str, int]) -> None:
    add = reverse("config_standard_name_add")
    data = {"standard_name": "Chest", "modality": "CT", "source": "acquisition_protocol", "value": "Chest"}
    assert viewer.post(add, data).status_code == 403
    assert not StandardName.objects.exists()
    page = admin.get(add, {"modality": "CT", "source": "acquisition_protocol"}).content.decode()
    assert '<option value="Chest">' in page  # suggestion from the stored protocols
    assert admin.post(add, data).status_code == 302
    obj = StandardName.objects.get()
    assert (obj.acquisition_protocol, obj.study_description) == ("Chest", None)
    assert admin.post(add, {**data, "standard_name": "Other"}).status_code == 400  # value already mapped
    assert admin.post(add, {**data, "modality": "NM"}).status_code == 400
    assert admin.post(add, {**data, "source": "patient_name"}).status_code == 400
    edit = reverse("config_standard_name_edit", args=[obj.pk])
    assert admin.post(edit, {**data, "standard_name": "Thorax"}).status_code == 302  # same value: no clash
    assert StandardName.objects.get().standard_name == "Thorax"
    assert "Thorax" in viewer.get(reverse("config_standard_names")).content.decode()
    assert viewer.post(reverse("config_standard_name_delete", args=[obj.pk])).status_code == 403
    admin.post(reverse("config_standard_name_delete", args=[obj.pk]))
    assert not StandardName.objects.exists()


def test_config_menu_shows_admin_entries_to_admins_only(viewer: Client, admin: Client) -> None:
    system_only = reverse("config_patient_id")
    assert system_only not in viewer.get(reverse("config_not_patient")).content.decode()
    assert system_only in admin.get(reverse("config_not_patient")).content.decode()


def test_home_shows_failed_import_indicator(group_users, studies) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    from openrem.dose.models import Study

    client = Client()
    client.force_login(group_users["viewgroup"])
    assert b'id="failed-imports"' not in client.get("/").content
    Study.objects.filter(pk=studies["dx"]).update(modality_type=None)
    response = client.get("/")
    assert b'id="failed-imports"' in response.content and b"/config/failed-imports/" in response.content
