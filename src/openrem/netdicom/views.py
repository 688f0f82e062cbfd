"""The DICOM network page: store nodes and remote query-retrieve nodes, their live status, and
the DICOM object delete settings. Viewers see it; only admingroup adds, changes or deletes nodes
(checked on the server; changes are POSTs with CSRF, audited)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from openrem.dose.models import DicomDeleteSettings
from openrem.netdicom.echo import echo
from openrem.netdicom.forms import RemoteNodeForm, StoreNodeForm
from openrem.netdicom.models import RemoteNode, StoreNode
from openrem.web.access import admin_required, viewer_required
from openrem.web.views.config import audit, base_context, changes, user_name

LOCAL_ADDRESSES = {"", "0.0.0.0", "::"}


def delete_summary() -> list[tuple[str, bool]]:
    """(kind of object, deleted after import?) for each DICOM delete setting."""
    row = DicomDeleteSettings.get()
    return [(str(f.help_text), bool(getattr(row, f.name)))
            for f in DicomDeleteSettings._meta.get_fields()
            if isinstance(f, models.BooleanField) and f.name.startswith("del_")]


@viewer_required
def network(request: HttpRequest) -> HttpResponse:
    """Store nodes and remote nodes (status fetched by the page), and the delete settings."""
    return render(request, "web/dicom/network.html", base_context(
        request, store_nodes=StoreNode.objects.all(), remote_nodes=RemoteNode.objects.all(),
        delete_settings=delete_summary()))


@viewer_required
def store_status(request: HttpRequest, pk: int) -> JsonResponse:
    """C-ECHO to a store node (as OPENREMECHO); a listen address of 0.0.0.0 is echoed on 127.0.0.1."""
    node = get_object_or_404(StoreNode, pk=pk)
    host = "127.0.0.1" if node.host in LOCAL_ADDRESSES else node.host
    result = echo(host, node.port, node.aet)
    return JsonResponse({"pk": node.pk, "status": result.status, "alive": result.alive, "detail": result.detail})


@viewer_required
def remote_status(request: HttpRequest, pk: int) -> JsonResponse:
    """C-ECHO to a remote node (hostname preferred over IP), calling AE = the node's "our AE"."""
    node = get_object_or_404(RemoteNode, pk=pk)
    result = echo(node.address, node.port, node.remote_aet, our_aet=node.our_aet)
    return JsonResponse({"pk": node.pk, "status": result.status, "alive": result.alive, "detail": result.detail})


def _node_form(request: HttpRequest, form_class: type[forms.ModelForm],  # type: ignore[type-arg]
               instance: models.Model | None, title: str, what: str) -> HttpResponse:
    form = form_class(request.POST or None, instance=instance)
    context = base_context(request, forms=[form], title=title, cancel=reverse("dicom_network"))
    if request.method != "POST":
        return render(request, "web/config/form.html", context)
    if form.is_valid():
        try:
            with transaction.atomic():
                saved = form.save()
        except IntegrityError:  # the same name added meanwhile
            form.add_error("name", _("A node with this name already exists."))
        else:
            audit.info("user %s %s %s %s: %s", user_name(request), "changed" if instance else "added", what,
                       saved, changes(form))
            messages.success(request, _("%(node)s saved.") % {"node": saved})
            return redirect("dicom_network")
    return render(request, "web/config/form.html", context, status=400)


def _node_delete(request: HttpRequest, node: models.Model, what: str) -> HttpResponse:
    if request.method == "POST":
        text = str(node)
        with transaction.atomic():
            node.delete()
        audit.info("user %s deleted %s %s", user_name(request), what, text)
        messages.success(request, _("%(node)s deleted.") % {"node": text})
        return redirect("dicom_network")
    return render(request, "web/config/confirm_delete.html", base_context(
        request, title=(_("Delete the store node “%(node)s”?") if what == "store node"
                        else _("Delete the query-retrieve node “%(node)s”?")) % {"node": node}, count=None,
        hidden={}, also="", cancel=reverse("dicom_network")))


@admin_required
def store_add(request: HttpRequest) -> HttpResponse:
    """Add a store node."""
    return _node_form(request, StoreNodeForm, None, _("Add a store node"), "store node")


@admin_required
def store_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a store node."""
    return _node_form(request, StoreNodeForm, get_object_or_404(StoreNode, pk=pk), _("Modify a store node"),
                      "store node")


@admin_required
def store_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: confirmation; POST: delete a store node."""
    return _node_delete(request, get_object_or_404(StoreNode, pk=pk), "store node")


@admin_required
def remote_add(request: HttpRequest) -> HttpResponse:
    """Add a remote query-retrieve node."""
    return _node_form(request, RemoteNodeForm, None, _("Add a query-retrieve node"), "QR node")


@admin_required
def remote_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a remote query-retrieve node."""
    return _node_form(request, RemoteNodeForm, get_object_or_404(RemoteNode, pk=pk),
                      _("Modify a query-retrieve node"), "QR node")


@admin_required
def remote_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: confirmation; POST: delete a remote query-retrieve node."""
    return _node_delete(request, get_object_or_404(RemoteNode, pk=pk), "QR node")
