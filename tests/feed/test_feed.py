"""The public Atom feed end to end: officers, a leader and residents use the bot as they do,
then the feed is read over HTTP as a news site would. Every feed answer is checked against the
RELAX NG grammar of RFC 4287 (tests/feed/atom.rng) and the RFC's rules a grammar cannot say."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import etree
from lxml import html as lxml_html
from sqlalchemy import func, select

from bot.feed import feed_routes
from bot.http import build_http_app
from bot.runtime import _uvicorn_config
from core.clock import FrozenClock
from storage.delivery.models import Notification
from tests.conftest import OFFICER_ID
from tests.support.due import tick, utc
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import ANN, BOB, CAT, neighborhood

ATOM = "{http://www.w3.org/2005/Atom}"
SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).with_name("atom.rng"))))
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
BOB_PHONE = "+12035550187"


def check_atom(body: bytes) -> Any:
    """The parsed feed, once it is valid Atom: the grammar, then the RFC's other rules."""
    root = etree.fromstring(body)
    if not SCHEMA.validate(root):
        raise AssertionError(f"not valid Atom: {SCHEMA.error_log}")
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    feed_has_author = root.find(f"{ATOM}author") is not None
    ids = []
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{required}")) == 1, f"entry without one {required}"
        # An entry needs an author when its feed has none (RFC 4287 4.1.1).
        assert feed_has_author or entry.find(f"{ATOM}author") is not None
        # ... and content, or a link to it (4.1.2).
        assert entry.find(f"{ATOM}content") is not None or any(
            link.get("rel", "alternate") == "alternate" for link in entry.findall(f"{ATOM}link")
        )
        ids.append(entry.findtext(f"{ATOM}id"))
        content = entry.find(f"{ATOM}content")
        if content is not None and content.get("type") == "html":
            lxml_html.fragment_fromstring(content.text or "", create_parent="div")
    assert len(set(ids)) == len(ids), "entry ids repeat"
    # Dates are RFC 3339, with their time zone (3.3), which xsd:dateTime leaves optional.
    for stamp in root.iter(f"{ATOM}updated", f"{ATOM}published"):
        assert RFC3339.match(stamp.text or ""), stamp.text
    # A feed names itself (4.2.7.2: it SHOULD).
    assert [link.get("rel") for link in root.findall(f"{ATOM}link")].count("self") == 1
    return root


class FeedReader:
    """The HTTP server as `crimewatch run` builds it, read like a news site's feed reader."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def get(self, query: str = "", **headers: str) -> httpx.Response:
        """A request; a feed in the answer must be valid Atom."""
        response = await self.http.get("/feed.xml" + query, headers=headers)
        if response.status_code == 200:
            check_atom(response.content)
        return response

    async def feed(self, query: str = "") -> Any:
        """The parsed feed."""
        response = await self.get(query)
        assert response.status_code == 200, response.text
        return etree.fromstring(response.content)


@pytest.fixture
async def reader(tg: TelegramHarness) -> AsyncIterator[FeedReader]:
    async def health() -> dict[str, Any]:
        return {"status": "ok"}

    app = build_http_app(health, extra_routes=feed_routes(tg.services))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield FeedReader(http)


def titles(root: Any) -> list[str]:
    return [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]


def contents(root: Any) -> str:
    return "\n".join(e.findtext(f"{ATOM}content") or "" for e in root.findall(f"{ATOM}entry"))


def terms(entry: Any) -> list[str]:
    return [c.get("term") for c in entry.findall(f"{ATOM}category")]


async def alert(tg: TelegramHarness, command: str, uid: int = OFFICER_ID) -> None:
    """An alert, scam alert or broadcast: the one-line command, then Send on its preview."""
    await tg.send(uid, command)
    await tg.press(uid, "alert:send")


async def new_partner(tg: TelegramHarness) -> str:
    """A partner group (code MAINSTREET) as an officer makes one; returns its invitation code."""
    await tg.send(OFFICER_ID, "/newpartner")
    await tg.press(OFFICER_ID, "prt:s:business")
    await tg.send(OFFICER_ID, "Main Street Merchants")
    invite = re.search(r"/join (P[A-Z0-9]{7})", tg.last(OFFICER_ID))
    assert invite, tg.last(OFFICER_ID)
    return invite.group(1)


async def everything_a_week_holds(tg: TelegramHarness, clock: FrozenClock) -> None:
    """A week of the service: public alerts, group alerts, a broadcast, a partner group's
    alert, a cancelled and a scheduled alert, a tip with an officer's question, and news."""
    await neighborhood(tg, extra=False)
    await tg.register(BOB + 100, "Bob Second", phone=BOB_PHONE)
    await new_partner(tg)
    await alert(tg, "/alert all Car break-ins on Oak St overnight.\nLock your cars.")
    clock.advance(minutes=1)
    await alert(tg, "/scam Callers claiming to be from the utility demand gift cards.")
    clock.advance(minutes=1)
    await alert(tg, "/alert category:burglary Garage burglaries on Birch Ln")
    clock.advance(minutes=1)
    await alert(tg, "/alert OAK Suspicious van circling Oak Park")
    clock.advance(minutes=1)
    await alert(tg, "/alert ELM Water main work on Elm St")
    clock.advance(minutes=1)
    await alert(tg, "/alert OAK,ELM Both groups: meeting of block captains")
    await alert(tg, "/broadcast Bring chairs to Thursday's meeting", uid=ANN)
    await alert(tg, "/alert MAINSTREET Counterfeit $20 bills passed on Main St")
    # Scheduled, then cancelled before its time; and one scheduled for later in the week.
    await tg.send(OFFICER_ID, "/alert all Cancelled notice about parking")
    await tg.press(OFFICER_ID, "alert:schedule")
    await tg.send(OFFICER_ID, "in 30m")
    await tg.press(OFFICER_ID, "alert:send")
    async with tg.services.db.transaction() as session:
        cancelled = await session.scalar(select(func.max(Notification.id)))
    await tg.send(OFFICER_ID, f"/unsend {cancelled}")
    await tg.send(OFFICER_ID, "/alert all Road closed for the parade")
    await tg.press(OFFICER_ID, "alert:schedule")
    await tg.send(OFFICER_ID, "12/4 10am")
    assert "Scheduled for" in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "alert:send")
    # A resident's tip, and the officer's question relayed to its author.
    await tg.send(CAT, "/tip Someone tries car doors on Elm St at night")
    await tg.send(OFFICER_ID, "/tip T-2026-00001")
    await tg.press(OFFICER_ID, "tip:c:1")
    await tg.press(OFFICER_ID, "tip:r:1")
    await tg.send(OFFICER_ID, "Relayed question: which cars did he try?")
    await tg.deliver()
    # Safety news, published on its day (Tuesday Dec 8, 10:00 in New York).
    await tg.send(OFFICER_ID, "/news add")
    await tg.press(OFFICER_ID, "news:topic:home_security")
    await tg.send(
        OFFICER_ID,
        "Test your smoke alarms\nPress the test button on every alarm once a month.",
    )
    await tg.send(OFFICER_ID, "weekly tue")
    clock.set(utc(2026, 12, 2, 15, 0))
    await tick(tg)


async def test_public_items_newest_first_and_nothing_private(
    tg: TelegramHarness, clock: FrozenClock, reader: FeedReader
) -> None:
    await everything_a_week_holds(tg, clock)
    clock.set(utc(2026, 12, 8, 15, 0))
    await tick(tg)
    response = await reader.get()
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert response.headers["cache-control"] == "public, max-age=300"
    root = etree.fromstring(response.content)
    assert titles(root) == [
        "Test your smoke alarms",
        "Road closed for the parade",
        "Garage burglaries on Birch Ln",
        "Scam alert: Callers claiming to be from the utility demand gift cards.",
        "Car break-ins on Oak St overnight.",
    ]
    news, parade, burglary, scam, first = root.findall(f"{ATOM}entry")
    assert terms(news) == ["news"] and terms(scam) == ["scam"] and terms(first) == ["alert"]
    assert terms(burglary) == ["alert", "burglary"]
    assert first.findtext(f"{ATOM}published") == "2026-12-01T15:00:00Z"
    assert parade.findtext(f"{ATOM}updated") == "2026-12-04T15:00:00Z"  # its send time
    assert root.findtext(f"{ATOM}updated") == "2026-12-08T15:00:00Z"
    assert "Lock your cars." in first.findtext(f"{ATOM}content")
    authors = {a.findtext(f"{ATOM}name") for a in root.iter(f"{ATOM}author")}
    assert authors == {"Stratford Crime Watch"}
    assert root.find(f"{ATOM}link").get("href") == "/feed.xml"
    assert re.fullmatch(
        r"tag:crimewatch\.invalid,2026:notification/\d+", first.findtext(f"{ATOM}id")
    )
    text = contents(root)
    for private in (
        "Suspicious van",  # a group's alert, in that group's feed only
        "Water main",
        "block captains",  # several groups: in no feed
        "Bring chairs",  # a leader's broadcast
        "Counterfeit",  # a partner group's
        "Cancelled notice",
        "car doors",
        "Relayed question",
    ):
        assert private not in text
    # Nobody's identity: no author label, Telegram id or phone number, anywhere in the bytes.
    async with tg.services.db.transaction() as session:
        labels = set(await session.scalars(select(Notification.author_label)))
    # The news' label is the unit's name, which signs the text too; the others name people.
    assert {"Sgt. Kowalski (officer, tg 900001)", "Ann (leader, member #1)"} <= labels
    needles = {label for label in labels if label and label != "Crime Prevention Unit"} | {
        str(OFFICER_ID),
        BOB_PHONE,
        BOB_PHONE[2:],
        "555-0142",
        "5550142",
        "Bob Second",
    }
    for needle in needles:
        assert needle.encode() not in response.content, needle


async def test_a_group_feed_adds_its_own_alerts_and_nothing_of_another_group(
    tg: TelegramHarness, clock: FrozenClock, reader: FeedReader
) -> None:
    await everything_a_week_holds(tg, clock)
    oak = await reader.feed("?group=oak")  # codes are read in any case
    assert titles(oak) == [
        "Suspicious van circling Oak Park",
        "Garage burglaries on Birch Ln",
        "Scam alert: Callers claiming to be from the utility demand gift cards.",
        "Car break-ins on Oak St overnight.",
    ]
    assert oak.findtext(f"{ATOM}title") == "Stratford Crime Watch: Oak Park"
    assert oak.findtext(f"{ATOM}id") == "tag:crimewatch.invalid,2026:feed/group/OAK"
    assert oak.find(f"{ATOM}link").get("href") == "/feed.xml?group=OAK"
    elm = contents(await reader.feed("?group=ELM"))
    assert "Water main work" in elm and "Suspicious van" not in elm
    for private in ("block captains", "Bring chairs", "Counterfeit", "Relayed question"):
        assert private not in contents(oak) and private not in elm
    # The scheduled alert joins every feed once its time has come.
    clock.set(utc(2026, 12, 4, 15, 1))
    assert "Road closed for the parade" in titles(await reader.feed("?group=OAK"))


async def test_a_partner_groups_code_answers_like_a_code_no_group_has(
    tg: TelegramHarness, reader: FeedReader
) -> None:
    await tg.register(ANN, "Ann")
    invite = await new_partner(tg)
    await tg.send(ANN, f"/join {invite}")
    await alert(tg, "/alert MAINSTREET Counterfeit $20 bills passed on Main St")
    await tg.deliver()
    answers = [await reader.get(f"?group={code}") for code in ("MAINSTREET", "NOPE99", invite)]
    assert {a.status_code for a in answers} == {404}
    assert len({(a.content, a.headers["content-type"]) for a in answers}) == 1
    assert answers[0].text == "There is no public feed for that group.\n"
    assert b"Counterfeit" not in b"".join(a.content for a in answers)


@pytest.mark.parametrize(
    "query",
    [
        "?group=",
        "?group=ABCDEFGHIJKLM",
        "?group=OA%20K",
        "?group=%3Cscript%3E",
        "?group=OAK&group=ELM",
    ],
)
async def test_a_malformed_query_is_refused(
    tg: TelegramHarness, reader: FeedReader, query: str
) -> None:
    response = await reader.get(query)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert "letters and digits" in response.text


async def test_readers_are_answered_304_while_nothing_changed(
    tg: TelegramHarness, clock: FrozenClock, reader: FeedReader
) -> None:
    await neighborhood(tg, extra=False)
    await alert(tg, "/alert all Car break-ins on Oak St overnight.")
    first = await reader.get()
    etag = first.headers["etag"]
    assert first.headers["last-modified"] == "Tue, 01 Dec 2026 15:00:00 GMT"
    clock.advance(minutes=5)
    again = await reader.get(**{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    by_date = await reader.get(**{"If-Modified-Since": first.headers["last-modified"]})
    assert by_date.status_code == 304
    # HEAD answers like GET, without the body.
    head = await reader.http.head("/feed.xml")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == etag
    assert head.headers["content-length"] == str(len(first.content))
    # A new alert changes the feed and its tag.
    await alert(tg, "/alert all Second alert of the day")
    changed = await reader.get(**{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert titles(etree.fromstring(changed.content))[0] == "Second alert of the day"


async def test_html_in_an_alert_stays_text_and_the_feed_stays_xml(
    tg: TelegramHarness, reader: FeedReader
) -> None:
    await neighborhood(tg, extra=False)
    typed = 'Watch for <b>fake</b> "inspectors" & their vans: 1 < 2 > 0 ]]> \x01'
    await alert(tg, f"/alert all {typed}")
    response = await reader.get()
    entry = etree.fromstring(response.content).find(f"{ATOM}entry")
    shown = 'Watch for <b>fake</b> "inspectors" & their vans: 1 < 2 > 0 ]]>'
    assert entry.findtext(f"{ATOM}title") == shown
    content = entry.findtext(f"{ATOM}content")
    # The content is HTML: the alert's heading in bold, the officer's text as text.
    page = lxml_html.fragment_fromstring(content, create_parent="div")
    assert page.find("b").text == "Police alert"
    assert shown in page.text_content()
    assert html.escape(shown, quote=False) in content
    assert b"&amp;lt;b&amp;gt;fake" in response.content  # escaped twice: HTML in XML
    assert "— Crime Prevention Unit" in page.text_content()  # the officer's signature


async def test_an_empty_feed_is_valid_and_settings_shape_links_and_size(
    tg: TelegramHarness, clock: FrozenClock, reader: FeedReader
) -> None:
    empty = await reader.get()
    root = etree.fromstring(empty.content)
    assert root.findall(f"{ATOM}entry") == []
    assert root.findtext(f"{ATOM}updated") == "2026-12-01T15:00:00Z"  # now
    assert "last-modified" not in empty.headers
    clock.advance(minutes=10)
    later = await reader.get(**{"If-None-Match": empty.headers["etag"]})
    assert later.status_code == 304  # an empty feed's tag does not move with the clock
    await neighborhood(tg, extra=False)
    for n in range(3):
        await alert(tg, f"/alert all Alert number {n}")
        clock.advance(minutes=1)
    tg.services.settings.public_url = "https://cw.example.org"
    tg.services.settings.feed_size = 2
    root = await reader.feed("?group=OAK")
    assert titles(root) == ["Alert number 2", "Alert number 1"]
    assert root.find(f"{ATOM}link").get("href") == "https://cw.example.org/feed.xml?group=OAK"
    assert root.findtext(f"{ATOM}id") == "tag:cw.example.org,2026:feed/group/OAK"


async def test_the_running_service_serves_the_feed_without_a_public_url(
    tg: TelegramHarness,
) -> None:
    assert tg.services.settings.public_url is None
    app = _uvicorn_config(tg.services.settings, tg.services, tg.app, scheduler=None).app
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await FeedReader(http).get()
    assert response.status_code == 200
    assert check_atom(response.content).findall(f"{ATOM}entry") == []
