"""The survey report for a resident who only gets texts: with PUBLIC_URL set the one line
carries a signed, expiring link `{PUBLIC_URL}/files/<token>`, and the service's HTTP app
answers it with the PDF rendered again from the database; a tampered token is refused (403),
an expired one, a deleted survey's or a forgotten resident's is gone (410), each with a short
plain page; without PUBLIC_URL the line says to ask the officer for a copy."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pypdf import PdfReader

from bot.runtime import _uvicorn_config
from bot.sandbox.twilio_api import FakeTwilio
from bot.sms import INBOUND_PATH
from core.clock import FrozenClock
from core.delivery import segments
from core.links import FileLinks, LinkExpired, LinkRefused
from core.settings import Settings
from core.surveys import messages
from core.surveys.rules import CHECKLISTS, ITEM_LABELS
from storage.surveys.records import FindingRecord
from tests.conftest import OFFICER_ID, make_settings
from tests.support.harness import TelegramHarness
from tests.support.sms import PUBLIC_URL, post, reply_of, text_form, twilio_settings
from tests.surveys.test_report_pdf import survey

PHONE = "+12035550177"
PRIORITIES = ("high", "medium", "ok", "low", "ok", "high", "ok", "ok")  # the home checklist
LINK = re.compile(re.escape(PUBLIC_URL) + r"(/files/\S+)$")

pytestmark = pytest.mark.sms


@pytest.fixture
def public_url() -> str | None:
    """PUBLIC_URL (a test parametrizes None to run without it)."""
    return PUBLIC_URL


@pytest.fixture
def settings(twilio: FakeTwilio, public_url: str | None) -> Settings:
    """Twilio on, with or without PUBLIC_URL."""
    return twilio_settings(twilio, PUBLIC_URL).model_copy(update={"public_url": public_url})


@pytest.fixture
async def web(tg: TelegramHarness) -> AsyncIterator[httpx.AsyncClient]:
    """The service's HTTP app as `crimewatch run` builds it (the file route only with
    PUBLIC_URL)."""
    app = _uvicorn_config(tg.services.settings, tg.services, tg.app, scheduler=None).app
    paths = {getattr(route, "path", "") for route in app.routes}
    assert ("/files/{token}" in paths) == tg.services.links.enabled, paths
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8080") as c:
        yield c


async def text(http: httpx.AsyncClient, twilio: FakeTwilio, body: str) -> str:
    answer = reply_of(await post(http, twilio, INBOUND_PATH, text_form(body, PHONE)))
    assert answer is not None
    return answer


async def surveyed_by_text(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio, clock: FrozenClock
) -> str:
    """A home survey asked for by text, visited, and its findings sent: the report's text."""
    await text(sms, twilio, "SURVEY 40 Elm St, the back door lock is weak")
    await tg.send(OFFICER_ID, "/surveys S-2026-00001")
    await tg.press(OFFICER_ID, "sv:p:1")
    await tg.send(OFFICER_ID, "12/8 10am")
    await tg.deliver()
    assert "is booked" in await text(sms, twilio, "SURVEY YES")
    clock.advance(days=8)
    await tg.send(OFFICER_ID, "/surveys S-2026-00001")
    await tg.press(OFFICER_ID, "sv:f:1")
    for n, priority in enumerate(PRIORITIES):
        await tg.press(OFFICER_ID, f"svf:p:{priority}")
        if n == 0:
            await tg.send(OFFICER_ID, "The back door deadbolt is loose")
        else:
            await tg.press(OFFICER_ID, "svf:skip")
    await tg.press(OFFICER_ID, "svf:send")
    await tg.deliver()
    return twilio.bodies_to(PHONE)[-1]


def path_of(summary: str) -> str:
    """The link's path on our HTTP app (the proxy in front serves it at PUBLIC_URL)."""
    match = LINK.search(summary)
    assert match, summary
    return match.group(1)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def service_logs(caplog: pytest.LogCaptureFixture) -> str:
    """What the service logged (not the test's own HTTP client, which names the URL)."""
    return "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))


def assert_plain_refusal(response: httpx.Response, status: int) -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["cache-control"] == "no-store"
    assert "Ask the officer for a copy." in response.text
    assert "Elm" not in response.text and PHONE not in response.text
    assert len(response.text) < 100


async def test_an_sms_only_resident_gets_a_link_that_opens_the_pdf(
    tg: TelegramHarness,
    sms: httpx.AsyncClient,
    twilio: FakeTwilio,
    clock: FrozenClock,
    web: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    summary = await surveyed_by_text(tg, sms, twilio, clock)
    assert summary.startswith("Stratford Crime Watch: Security survey S-2026-00001 is done: ")
    assert "4 recommendations. Most urgent: Doors, Alarms." in summary
    assert "The report (PDF, opens for 7 days): https://cw.stratford.example/hooks/files/" in (
        summary
    )
    assert "Ask the officer" not in summary
    assert segments(summary) <= 2
    path = path_of(summary)
    assert path.startswith("/files/survey.1.")

    caplog.set_level(logging.DEBUG)
    response = await web.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'inline; filename="survey-S-2026-00001.pdf"'
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    content = pdf_text(response.content)
    assert "Security survey report S-2026-00001" in content
    for _item, label in CHECKLISTS["residential"]:
        assert label in content
    assert "The back door deadbolt is loose" in content and "40 Elm St" in content
    # The same report the officer sent: rendered again, dated when it was written.
    assert "Report written Dec 9, 2026" in content
    token = path.rsplit("/", 1)[1]
    assert token not in service_logs(caplog) and PHONE not in service_logs(caplog)

    # Tampered: another survey's id, another expiry, a changed or cut signature.
    kind, subject, stamp, expires, mac = token.split(".")
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    for forged in (
        f"{kind}.2.{stamp}.{expires}.{mac}",
        f"{kind}.{subject}.{stamp}.{int(expires) + 86400 * 30}.{mac}",
        f"{kind}.{subject}.{stamp}.{expires}.{flipped}",
        f"{kind}.{subject}.{stamp}.{expires}.{mac[:10]}",
        f"{kind}.{subject}.{stamp}.{expires}",
        "nothing-at-all",
    ):
        assert_plain_refusal(await web.get(f"/files/{forged}"), 403)
    assert "refused a token we did not sign" in service_logs(caplog)
    assert token not in service_logs(caplog)

    # Still open on its last day; gone once it has expired.
    clock.advance(days=6, hours=23)
    last_day = await web.get(path)
    assert last_day.status_code == 200
    assert "Report written Dec 9, 2026" in pdf_text(last_day.content)  # not today's date
    clock.advance(hours=1)
    assert_plain_refusal(await web.get(path), 410)
    assert "expired" in (await web.get(path)).text


async def test_a_deleted_or_forgotten_survey_is_gone(
    tg: TelegramHarness,
    sms: httpx.AsyncClient,
    twilio: FakeTwilio,
    clock: FrozenClock,
    web: httpx.AsyncClient,
) -> None:
    path = path_of(await surveyed_by_text(tg, sms, twilio, clock))
    assert (await web.get(path)).status_code == 200
    assert await tg.services.surveys.requests.forget("sms", PHONE) == 1
    response = await web.get(path)
    assert_plain_refusal(response, 410)
    assert "no longer available" in response.text


async def test_a_link_made_for_another_survey_on_the_same_id_opens_nothing(
    tg: TelegramHarness,
    sms: httpx.AsyncClient,
    twilio: FakeTwilio,
    clock: FrozenClock,
    web: httpx.AsyncClient,
) -> None:
    """SQLite gives a deleted last row's id to the next one: the stamp tells them apart."""
    path_of(await surveyed_by_text(tg, sms, twilio, clock))
    links = tg.services.links
    other = links.token("survey", 1, "zz", clock.now() + timedelta(days=1))
    assert_plain_refusal(await web.get(f"/files/{other}"), 410)


async def test_the_longest_report_text_stays_within_three_segments(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    record = survey("commercial")
    findings = [
        FindingRecord(id=n, survey_id=1, item=item, priority="high", note=None, done_at=None)
        for n, (item, _label) in enumerate(CHECKLISTS["commercial"])
    ]
    link = tg.services.links.url("survey", 99_999_999, "zzzzzzzz")
    assert link is not None
    body = f"Stratford Crime Watch: {messages.summary_text(record, findings, (link, 30))}"
    assert all(ITEM_LABELS[f.item] in body for f in findings)
    assert segments(body) <= 3, (segments(body), body)


@pytest.mark.parametrize("public_url", [None])
async def test_without_public_url_the_text_says_to_ask_the_officer(
    tg: TelegramHarness,
    sms: httpx.AsyncClient,
    twilio: FakeTwilio,
    clock: FrozenClock,
    web: httpx.AsyncClient,
) -> None:
    assert not tg.services.links.enabled
    summary = await surveyed_by_text(tg, sms, twilio, clock)
    assert summary.endswith(
        "4 recommendations. Most urgent: Doors, Alarms. Ask the officer for a copy of the report."
    )
    assert "http" not in summary
    links = tg.services.links  # no route and no key without PUBLIC_URL
    assert (await web.get("/files/survey.1.a.9999999999.AAAA")).status_code == 404
    assert links.url("survey", 1, "a") is None


def test_tokens_are_signed_with_the_webhook_secret_and_expire() -> None:
    clock = FrozenClock(datetime(2026, 12, 1, 17, 0, tzinfo=UTC))
    ours = FileLinks(_settings("a" * 32), clock)
    theirs = FileLinks(_settings("b" * 32), clock)

    async def render(_subject: int, _stamp: str) -> None:
        return None

    for links in (ours, theirs):
        links.register("survey", render)
    token = ours.token("survey", 7, "abc", clock.now() + timedelta(days=1))
    assert ours.check(token) == ("survey", 7, "abc")
    with pytest.raises(LinkRefused):
        theirs.check(token)  # another WEBHOOK_SECRET: every old link ends
    clock.advance(days=1)
    with pytest.raises(LinkExpired):
        ours.check(token)
    with pytest.raises(ValueError, match="short lowercase name"):
        ours.register("Survey.Report", render)
    with pytest.raises(ValueError, match="no feature renders"):
        ours.token("property", 1, "", clock.now())
    assert FileLinks(make_settings(), clock).url("survey", 1, "") is None


def _settings(secret: str) -> Settings:
    return make_settings(public_url="https://cw.example", webhook_secret=secret)
