"""The public feed's face: `GET /feed.xml` and `GET /feed.xml?group=CODE`, Atom for news sites
and social media (what goes in is decided in core.feed).

Readers poll, so answers may be cached for five minutes and a reader that sends back the
ETag (or the last change's date) gets 304 without the body. A code no watch group has and a
partner group's code get the same 404; a query that cannot be a code gets 400. Neither the
query nor anything in the feed is logged.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from core.errors import InvalidInput, NotFound
from core.feed import BAD_QUERY, FEED_PATH, MEDIA_TYPE, FeedDocument
from core.services import Services

CACHE = "public, max-age=300"
# Errors are not worth keeping: a group made a minute later has a feed at once.
ERROR_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def http_date(moment: datetime) -> str:
    """An HTTP date (RFC 9110): Tue, 01 Dec 2026 15:00:00 GMT."""
    return format_datetime(moment.replace(microsecond=0), usegmt=True)


def etag_matches(header: str, etag: str) -> bool:
    """Whether If-None-Match names this ETag (weak comparison, as RFC 9110 asks for it)."""
    if header.strip() == "*":
        return True
    ours = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == ours for tag in header.split(","))


def not_modified(request: Request, document: FeedDocument) -> bool:
    """Whether the reader's copy is current: by ETag, or by date when no ETag was sent."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return etag_matches(if_none_match, document.etag)
    since = request.headers.get("if-modified-since")
    if since is None or document.last_modified is None:
        return False
    try:
        their = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if their.tzinfo is None:
        return False
    return document.last_modified.replace(microsecond=0) <= their


def feed_routes(services: Services) -> list[Route]:
    """The route of the public feed (always on: it needs no public URL)."""

    async def feed(request: Request) -> Response:
        groups = request.query_params.getlist("group")
        if len(groups) > 1:
            return PlainTextResponse(BAD_QUERY, status_code=400, headers=ERROR_HEADERS)
        try:
            document = await services.feed.document(groups[0] if groups else None)
        except InvalidInput as error:
            return PlainTextResponse(str(error), status_code=400, headers=ERROR_HEADERS)
        except NotFound as error:
            return PlainTextResponse(str(error), status_code=404, headers=ERROR_HEADERS)
        headers = {"Cache-Control": CACHE, "ETag": document.etag}
        if document.last_modified is not None:
            headers["Last-Modified"] = http_date(document.last_modified)
        if not_modified(request, document):
            return Response(status_code=304, headers=headers)
        media_type = f"{MEDIA_TYPE}; charset=utf-8"
        if request.method == "HEAD":
            headers["Content-Length"] = str(len(document.body))
            return Response(b"", headers=headers, media_type=media_type)
        return Response(document.body, headers=headers, media_type=media_type)

    return [Route(FEED_PATH, feed, methods=["GET", "HEAD"])]
