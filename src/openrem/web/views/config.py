"""Helpers shared by the configuration pages (``config_*`` modules).

Every configuration view checks its group on the server with the decorators of
:mod:`openrem.web.access`; every change runs in one transaction and is written to the
``openrem.audit`` log with the user name.
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from openrem.web.access import ADMIN, in_group

audit = logging.getLogger("openrem.audit")


def user_name(request: HttpRequest) -> str:
    """The name written to the audit log."""
    return request.user.get_username() or "anonymous"


def changes(form: forms.BaseForm) -> str:
    """``field=value`` for each changed field of a bound, valid form."""
    return ", ".join(f"{name}={form.cleaned_data.get(name)!r}" for name in form.changed_data) or "no change"


def base_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    """Context every config template gets."""
    return {"is_admin": in_group(request.user, ADMIN), **extra}


def singleton_form_page(request: HttpRequest, form_class: type[forms.ModelForm],  # type: ignore[type-arg]
                        instance: Any, title: str, what: str, intro: str = "") -> HttpResponse:
    """GET: the settings form of a single-row table; POST: validate, save in a transaction, audit."""
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                form.save()
            audit.info("user %s changed %s: %s", user_name(request), what, changes(form))
            messages.success(request, gettext("%(title)s: saved.") % {"title": title})
            return redirect(request.path)
        return render(request, "web/config/form.html",
                      base_context(request, forms=[form], title=title, intro=intro), status=400)
    return render(request, "web/config/form.html", base_context(request, forms=[form], title=title, intro=intro))

