"""Uploads streamed to disk as they arrive (never whole in memory), with a size limit.

A multipart/form-data body is parsed chunk by chunk (python-multipart); the one file part
goes straight into the file the caller names (a generated name, never the client's), the
small text fields are kept (at most FIELD_LIMIT bytes each). More file bytes than the limit
end the upload with UploadTooLargeError and no file left behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from valgus.assessment.analysis import Options
from valgus.errors import InputError, ValgusError
from valgus.pose.person_box import Box
from valgus.services import jobs as job_service
from valgus.storage import jobs, store
from valgus.storage.jobs import Job
from valgus.web.authz import ensure, scope_of
from valgus.web.security import check_csrf

FIELD_LIMIT = 4096


class UploadTooLargeError(InputError):
    """The upload is larger than the server accepts (HTTP 413)."""

    code = "too_large"


@dataclass
class Upload:
    """What the form held: the stored file (or None), its client name, the text fields."""

    path: Path | None = None
    client_name: str = ""
    size: int = 0
    fields: dict[str, str] = field(default_factory=dict)
    more_files: int = 0  # further file parts (not stored): one recording per request


@dataclass
class _Part:
    name: str = ""
    filename: str | None = None
    header_field: bytes = b""
    header_value: bytes = b""
    data: bytearray = field(default_factory=bytearray)


def _too_large(limit: int) -> UploadTooLargeError:
    return UploadTooLargeError(
        f"the file is larger than this server accepts ({limit / 1024**3:.1f} GB); trim the "
        "video to the reps, or start the server with a larger --max-upload-gb"
    )


async def receive(
    request: Request, *, file_field: str, destination: Callable[[str], Path], limit: int
) -> Upload:
    """Read a multipart form from the request; the part named `file_field` is written to
    `destination(client file name)`. InputError for a request that is not such a form."""
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    if ctype != b"multipart/form-data" or b"boundary" not in params:
        raise InputError("send the video as multipart/form-data with a 'file' field")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit + 1024**2:
        raise _too_large(limit)
    upload, part = Upload(), _Part()
    state: dict[str, IO[bytes] | None] = {"out": None}

    def on_part_begin() -> None:
        nonlocal part
        part = _Part()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        part.header_field += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        part.header_value += data[start:end]

    def on_header_end() -> None:
        if part.header_field.lower() == b"content-disposition":
            _, opts = parse_options_header(part.header_value)
            part.name = opts.get(b"name", b"").decode("utf-8", "replace")
            name = opts.get(b"filename")
            part.filename = None if name is None else name.decode("utf-8", "replace")
        part.header_field, part.header_value = b"", b""

    def on_headers_finished() -> None:
        if part.name == file_field and part.filename is not None and upload.path is not None:
            upload.more_files += 1
        if part.name == file_field and part.filename is not None and upload.path is None:
            upload.client_name = Path(part.filename.replace("\\", "/")).name
            upload.path = destination(upload.client_name)
            upload.path.parent.mkdir(parents=True, exist_ok=True)
            state["out"] = upload.path.open("wb")

    def on_part_data(data: bytes, start: int, end: int) -> None:
        out = state["out"]
        if out is not None:
            upload.size += end - start
            if upload.size > limit:
                raise _too_large(limit)
            out.write(data[start:end])
        elif len(part.data) + end - start <= FIELD_LIMIT:
            part.data += data[start:end]

    def on_part_end() -> None:
        out = state["out"]
        if out is not None:
            out.close()
            state["out"] = None
        elif part.name and part.filename is None:
            upload.fields[part.name] = part.data.decode("utf-8", "replace")

    parser = MultipartParser(
        params[b"boundary"],
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
        if state["out"] is not None:
            raise InputError("the upload ended before the whole file arrived; send it again")
    except MultipartParseError as err:
        _discard(upload, state["out"])
        raise InputError("the upload is not a well-formed form; send the file again") from err
    except BaseException:
        _discard(upload, state["out"])
        raise
    return upload


def _discard(upload: Upload, out: IO[bytes] | None) -> None:
    """Nothing of a failed upload stays on disk."""
    if out is not None:
        out.close()
    if upload.path is not None:
        upload.path.unlink(missing_ok=True)


def _flag(text: str | None) -> bool:
    return (text or "").strip().lower() in ("1", "true", "yes", "on")


async def accept(request: Request, s: Any, /, *, form: bool = False) -> Job:
    """An upload (multipart: `file`, `movement`, optional `person` (a name or an id),
    `side`, `sex`, `mirrored`, `keep_video`, `filmed`, `person_box` ("x,y,w,h" in pixels of
    the first frame: the person to follow when others are in the picture)), streamed to a generated name,
    checked and queued (services/jobs.submit). form=True: the app's own form, whose CSRF
    field must match."""
    job_id = jobs.new_id()
    got = await receive(
        request,
        file_field="file",
        destination=lambda name: s.workspace.upload_path(job_id, name),
        limit=s.settings.max_upload_bytes,
    )
    if got.path is None:
        raise InputError("no file in the form: choose a video (the field named 'file')")
    f = got.fields
    try:
        if got.more_files:
            raise InputError(
                f"{got.more_files + 1} files in one upload: send one recording per request "
                "(each becomes its own analysis; the page sends several one after the other)"
            )
        if form and not check_csrf(request, f.get("csrf")):
            raise InputError("the form expired; reload the page and send it again")
        person = f.get("person") or None
        if person is not None and person.isdigit():
            person = store.person_name(s.db, int(person))
        if not scope_of(request).everything:  # clinic mode: a person in the user's care
            if person is None:
                raise InputError("choose the person this recording is of")
            ensure(request, store.person_ids(s.db).get(person), "write")
        try:
            filmed = dt.date.fromisoformat(f["filmed"]) if f.get("filmed") else None
        except ValueError:
            raise InputError(f"filmed must be YYYY-MM-DD, got {f['filmed']!r}") from None
        box = Box.parse(f["person_box"]) if f.get("person_box") else None
    except ValgusError:
        got.path.unlink(missing_ok=True)
        raise
    return job_service.submit(
        s.db,
        s.workspace,
        job_id,
        got.path,
        upload_name=got.client_name,
        movement=f.get("movement") or "squat",
        options=Options(
            side=f.get("side") or "auto",
            sex=f.get("sex") or None,
            mirrored=_flag(f.get("mirrored")),
        ),
        person=person,
        keep_video=_flag(f.get("keep_video")),
        filmed=filmed,
        person_box=box,
    )
