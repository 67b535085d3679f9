"""The file links' face: `GET /files/<token>` serves the file a signed link opens (the survey
report a resident who only gets texts is sent), rendered again by the feature that owns it.

A token we did not sign answers 403, an expired one or one whose file is gone (the survey
deleted, `/forget`) 410, each with a short plain page that says nothing about anyone. The
token is never logged (the HTTP server's access log is off, and the lines here leave it out).
"""

from __future__ import annotations

import logging
import re

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from core.links import FILES_PATH, FileLinks, LinkExpired, LinkGone, LinkRefused

log = logging.getLogger(__name__)

PRIVATE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
REFUSED = "This link is not valid. Ask the officer for a copy.\n"
EXPIRED = "This link has expired. Ask the officer for a copy.\n"
GONE = "This file is no longer available. Ask the officer for a copy.\n"


def safe_filename(name: str) -> str:
    """A file name that cannot break the Content-Disposition header."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:100] or "file"


def file_routes(links: FileLinks) -> list[Route]:
    """The route that opens file links."""

    async def open_file(request: Request) -> Response:
        token = request.path_params["token"]
        try:
            file = await links.open(token)
        except LinkRefused:
            log.warning("file link: refused a token we did not sign")
            return PlainTextResponse(REFUSED, status_code=403, headers=PRIVATE)
        except LinkExpired:
            log.info("file link: an expired link was opened")
            return PlainTextResponse(EXPIRED, status_code=410, headers=PRIVATE)
        except LinkGone:
            log.info("file link: a link to a file that is gone was opened")
            return PlainTextResponse(GONE, status_code=410, headers=PRIVATE)
        disposition = f'inline; filename="{safe_filename(file.filename)}"'
        return Response(
            file.content,
            media_type=file.media_type,
            headers={**PRIVATE, "Content-Disposition": disposition},
        )

    return [Route(f"{FILES_PATH}/{{token}}", open_file, methods=["GET"])]
