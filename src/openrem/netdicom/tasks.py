"""Huey tasks of the netdicom app (huey's autodiscovery imports the ``tasks`` module of each app)."""

from openrem.netdicom.qr_tasks import move_task, query_task  # noqa: F401
