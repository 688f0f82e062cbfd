"""Query-retrieve pages: the query form, live progress (JSON polled by the page), the query summary
list, a query's studies and a study's series and objects, retrieve and delete.

Access (decided here, documented in docs/query-retrieve.md): querying and retrieving need
importqrgroup; the summary pages and deleting old queries are for importqrgroup and admingroup.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from openrem.netdicom.models_query import Query, QuerySeries, QueryStudy
from openrem.netdicom.qr_forms import QueryForm
from openrem.web.access import ADMIN, IMPORT_QR, group_required, in_group, require

MAX_AGE_DAYS = 36500  # "older than" beyond a century means every finished query

qr_required = group_required(IMPORT_QR)
summary_required = require(lambda user: in_group(user, IMPORT_QR) or in_group(user, ADMIN))


@qr_required
def query_page(request: HttpRequest) -> HttpResponse:
    """The query form; a valid post queues the query (and the move, when asked) and shows its page."""
    from openrem.netdicom.qr_tasks import start_query

    form = QueryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        query = Query.objects.create(node=form.cleaned_data["node"], store=form.cleaned_data["store"],
                                     parameters=form.parameters(),
                                     user=request.user if request.user.is_authenticated else None,
                                     stage=_("Queued"))
        start_query(query, move=bool(form.cleaned_data.get("retrieve")), user=request.user)
        return redirect("dicom_query_detail", pk=query.pk)
    recent = Query.objects.select_related("node", "store")[:5]
    return render(request, "web/dicom/query.html", {"form": form, "recent": recent})


def _status(query: Query) -> dict[str, object]:
    counts = query.studies.aggregate(kept=Count("pk", filter=Q(kept=True)), total=Count("pk"))
    return {"id": query.pk, "stage": query.stage, "summary": query.summary, "errors": query.errors,
            "query_done": query.query_done, "move_requested": query.move_requested, "move_done": query.move_done,
            "failed": query.failed, "finished": query.finished.isoformat() if query.finished else None,
            "move_completed": query.move_completed, "move_failed": query.move_failed,
            "move_warning": query.move_warning, "studies_kept": counts["kept"], "studies_total": counts["total"]}


@summary_required
def query_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Progress of a query as JSON (polled by the query page)."""
    return JsonResponse(_status(get_object_or_404(Query, pk=pk)))


@summary_required
def query_list(request: HttpRequest) -> HttpResponse:
    """The DICOM query summary: all queries, newest first."""
    queries = Query.objects.select_related("node", "store").annotate(
        kept=Count("studies", filter=Q(studies__kept=True)), total=Count("studies"))[:500]
    return render(request, "web/dicom/query_list.html", {"queries": queries})


@summary_required
def query_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One query: parameters, live progress, its studies with kept/dropped reasons."""
    query = get_object_or_404(Query.objects.select_related("node", "store", "query_task", "move_task"), pk=pk)
    studies = query.studies.annotate(series_kept=Count("series", filter=Q(series__kept=True)),
                                     series_total=Count("series"))
    moves = QuerySeries.objects.filter(study__query=query, moved=True).select_related("study").order_by("pk")
    return render(request, "web/dicom/query_detail.html", {
        "query": query, "studies": studies, "status": _status(query), "moves": moves,
        "can_move": in_group(request.user, IMPORT_QR) and query.query_done and not query.move_requested
        and not query.failed})


@summary_required
def query_study(request: HttpRequest, pk: int) -> HttpResponse:
    """One study of a query: series, objects, reasons, and which objects are now in the database."""
    from openrem.dose.models import ProcessedObject

    study = get_object_or_404(QueryStudy.objects.select_related("query"), pk=pk)
    series = list(study.series.prefetch_related("images"))
    uids = [i.sop_instance_uid for s in series for i in s.images.all()]
    imported = set(ProcessedObject.objects.filter(sop_instance_uid__in=uids).values_list("sop_instance_uid", flat=True))
    return render(request, "web/dicom/query_study.html", {
        "study": study, "series": series, "imported": imported, "import_tasks": study.import_tasks.all()})


@qr_required
@require_POST
def query_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Retrieve (C-MOVE) what a finished query kept."""
    from openrem.netdicom.qr_tasks import start_move

    query = get_object_or_404(Query, pk=pk)
    if not query.query_done or query.move_requested:
        messages.warning(request, _("This query cannot be retrieved now."))
    else:
        start_move(query, user=request.user)
    return redirect("dicom_query_detail", pk=query.pk)


@summary_required
@require_POST
def query_delete(request: HttpRequest) -> HttpResponse:
    """Delete one query (``pk``) or every finished query older than ``days`` days."""
    if request.POST.get("pk"):
        pk = request.POST["pk"]
        if not (pk.isascii() and pk.isdigit()):  # str.isdigit() alone takes '²', which int() refuses
            return HttpResponseBadRequest(_("The query to delete is not a valid number."))
        deleted, _rows = Query.objects.filter(pk=int(pk)).exclude(finished=None).delete()
    else:
        try:
            days = min(MAX_AGE_DAYS, int(request.POST.get("days") or 7))
        except ValueError:
            return HttpResponseBadRequest(_("The age in days is not a whole number."))
        if days < 0:  # would delete every finished query, the newest included
            return HttpResponseBadRequest(_("The age in days must not be negative."))
        cutoff = timezone.now() - dt.timedelta(days=days)
        deleted, _rows = Query.objects.filter(started__lt=cutoff).exclude(finished=None).delete()
    messages.info(request, ngettext("Deleted %(n)d record.", "Deleted %(n)d records.", deleted) % {"n": deleted})
    return redirect("dicom_query_list")
