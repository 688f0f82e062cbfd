"""``POST /import/orthanc/``: receive one DICOM object over HTTP and queue its import.

Authentication is by import token only (``Authorization: Bearer <token>``), never by session, which is
why the view is CSRF-exempt: a browser cannot be tricked into sending a bearer token. Two bodies:

* ``Content-Type: application/dicom``: the DICOM Part-10 file itself. It is streamed to a hidden
  temporary file in the inbox (``HTTP_IMPORT_INBOX``), checked, then renamed into place (atomic), and
  queued with ``delete_after=True``.
* ``Content-Type: application/json``: ``{"path": "/abs/path/file.dcm"}`` naming a file that is already
  on this server, accepted only inside one of the ``HTTP_IMPORT_FOLDERS`` (after resolving symbolic
  links and ``..``); the file is left where it is (the DICOM delete settings still apply).

Answers (JSON): 202 ``{"task": uuid, "status": "queued"}``; 401 no or unknown token; 403 revoked token
or a path outside the import folders; 400 not DICOM / bad JSON / no such file; 405 not POST;
413 body above ``HTTP_IMPORT_MAX_BYTES`` (default 200 MB); 415 another content type.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import uuid
import warnings
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from openrem.httpimport.models import ImportToken
from openrem.jobs.service import queue_import

log = logging.getLogger("openrem.httpimport")

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
CHUNK = 1024 * 1024
SOURCE = "orthanc"


class BodyTooLarge(Exception):
    """The request body is above the configured limit."""


def _error(status: int, message: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"error": message, "status": status}, status=status)
    for key, value in headers.items():
        response[key.replace("_", "-")] = value
    return response


def max_bytes() -> int:
    """The largest accepted body (setting ``HTTP_IMPORT_MAX_BYTES``)."""
    return int(getattr(settings, "HTTP_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def inbox() -> Path:
    """The folder posted objects are written to (created when missing, mode 0750)."""
    folder = Path(getattr(settings, "HTTP_IMPORT_INBOX", None) or Path(settings.MEDIA_ROOT).parent / "inbox" / "http")
    folder.mkdir(parents=True, exist_ok=True, mode=0o750)
    return folder


def import_folders() -> list[Path]:
    """The resolved folders a ``{"path": ...}`` post may name (setting ``HTTP_IMPORT_FOLDERS``)."""
    return [Path(f).resolve() for f in getattr(settings, "HTTP_IMPORT_FOLDERS", []) if str(f).strip()]


def authenticate(request: HttpRequest) -> ImportToken | JsonResponse:
    """The enabled token of the request, or the 401/403 response to send."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    challenge = {"WWW_Authenticate": 'Bearer realm="openrem-import"'}
    if scheme.lower() != "bearer" or not token.strip():
        return _error(401, "an import token is required: Authorization: Bearer <token>", **challenge)
    row = ImportToken.lookup(token.strip())
    if row is None:
        log.warning("HTTP import refused: unknown token from %s", request.META.get("REMOTE_ADDR"))
        return _error(401, "unknown import token", **challenge)
    if not row.enabled:
        log.warning("HTTP import refused: revoked token %r from %s", row.name, request.META.get("REMOTE_ADDR"))
        return _error(403, "this import token has been revoked")
    return row


def looks_like_dicom(path: Path) -> str | None:
    """None when ``path`` is a readable DICOM Part-10 file, else the reason it is not."""
    with open(path, "rb") as handle:
        head = handle.read(132)
    if len(head) < 132 or head[128:132] != b"DICM":
        return "not a DICOM Part-10 file (no DICM preamble)"
    import pydicom
    from pydicom.errors import InvalidDicomError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds = pydicom.dcmread(path, stop_before_pixels=True, specific_tags=["SOPClassUID", "Modality"])
    except (InvalidDicomError, OSError, ValueError, EOFError) as exc:
        return f"unreadable DICOM: {exc}"
    meta = getattr(ds, "file_meta", None)
    if not getattr(ds, "SOPClassUID", None) and not getattr(meta, "MediaStorageSOPClassUID", None):
        return "not a DICOM object: no SOP Class UID"
    return None


def _receive_body(request: HttpRequest, limit: int) -> Path:
    """Stream the body into a hidden temporary file of the inbox; the caller renames or removes it."""
    fd, name = tempfile.mkstemp(dir=inbox(), prefix=".incoming-", suffix=".part")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            size = 0
            while True:
                chunk = request.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise BodyTooLarge
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _declared_length(request: HttpRequest) -> int | None:
    """The request's Content-Length, or None when it is not a non-negative whole number."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    return declared if declared >= 0 else None


def _accept_body(request: HttpRequest, token: ImportToken) -> JsonResponse:
    limit = max_bytes()
    declared = _declared_length(request)
    if declared is None:
        return _error(400, "invalid Content-Length")
    if declared > limit:
        return _error(413, f"the object is larger than the limit of {limit} bytes")
    try:
        part = _receive_body(request, limit)
    except BodyTooLarge:
        return _error(413, f"the object is larger than the limit of {limit} bytes")
    reason = looks_like_dicom(part)
    if reason is not None:
        part.unlink(missing_ok=True)
        return _error(400, reason)
    final = part.with_name(f"{SOURCE}-{uuid.uuid4().hex}.dcm")
    os.replace(part, final)  # same folder: atomic, so the importer never sees a half-written file
    record = queue_import(str(final), source=SOURCE, delete_after=True)
    log.info("HTTP import from token %r: %s queued as task %s", token.name, final.name, record.uuid)
    return JsonResponse({"task": str(record.uuid), "status": "queued"}, status=202)


def _accept_path(request: HttpRequest, token: ImportToken) -> JsonResponse:
    declared = _declared_length(request)
    if declared is None:
        return _error(400, "invalid Content-Length")
    if declared > 64 * 1024:
        return _error(413, "JSON body too large")
    try:
        payload: Any = json.loads(request.read(64 * 1024 + 1) or b"null")
    except (ValueError, UnicodeDecodeError):
        return _error(400, "invalid JSON")
    raw = payload.get("path") if isinstance(payload, dict) else None
    if not isinstance(raw, str) or not raw or "\x00" in raw or not os.path.isabs(raw):
        return _error(400, 'give {"path": "<absolute path of a file inside an import folder>"}')
    resolved = Path(raw).resolve()
    folders = import_folders()
    if not any(resolved.is_relative_to(folder) and resolved != folder for folder in folders):
        log.warning("HTTP import refused: %r is outside the import folders (token %r)", raw, token.name)
        return _error(403, "the path is not inside a configured import folder (HTTP_IMPORT_FOLDERS)")
    if not resolved.is_file():
        return _error(400, "no such file")
    reason = looks_like_dicom(resolved)
    if reason is not None:
        return _error(400, reason)
    record = queue_import(str(resolved), source=SOURCE, delete_after=False)
    log.info("HTTP import from token %r: %s queued as task %s", token.name, resolved, record.uuid)
    return JsonResponse({"task": str(record.uuid), "status": "queued"}, status=202)


@csrf_exempt  # token authentication only (no session, no cookie): CSRF cannot apply
def import_orthanc(request: HttpRequest) -> HttpResponse:
    """Receive one DICOM object (body) or the path of one (JSON) and queue its import."""
    auth = authenticate(request)  # first: without a token nothing else is revealed
    if isinstance(auth, JsonResponse):
        return auth
    if request.method != "POST":
        return _error(405, "POST a DICOM object (application/dicom) or {\"path\": ...} (application/json)",
                      Allow="POST")
    content_type = (request.content_type or "").lower()
    if content_type == "application/json":
        response = _accept_path(request, auth)
    elif content_type in ("application/dicom", "application/octet-stream"):
        response = _accept_body(request, auth)
    else:
        response = _error(415, "send Content-Type application/dicom (the object) or application/json (a path)")
    auth.touch()
    return response
