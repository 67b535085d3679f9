"""`crimewatch sandbox` as a process: the real service against the sandbox's Telegram and SMS
provider, driven through the page's JSON API (the browser tests drive the page itself)."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.sandbox.support import PageClient, SandboxProcess
from tests.support.process import ROOT, wait_for


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    running = SandboxProcess(tmp_path_factory.mktemp("sandbox")).start()
    try:
        yield running
    finally:
        assert running.stop() == 0, running.output()[-3000:]


@pytest.fixture
def page(sandbox: SandboxProcess) -> Iterator[PageClient]:
    client = PageClient(sandbox.url)
    yield client
    checks = client.http.get("/api/checks").json()
    # Every call the service made was one Telegram and Twilio would take.
    assert checks["telegram"] == [] and checks["twilio"] == [], checks


def register(page: PageClient, key: str, name: str) -> None:
    """/start, I agree, the name button, Share my phone number, an address."""
    page.say(key, "/start")
    page.press(key, page.wait_bot(key, "Do you agree"), "I agree")
    page.press(key, page.wait_bot(key, "Step 1 of 3"), name.split()[0])
    page.wait_bot(key, "Step 2 of 3")
    keyboard = page.chat(key)["keyboard"]
    assert keyboard["keyboard"][0][0]["request_contact"] is True
    assert page.http.post(f"/api/chat/{key}/contact", json={}).status_code == 202
    page.wait_bot(key, "Step 3 of 3")
    page.say(key, "3000 S Halsted St")
    page.wait_bot(key, "You're registered")


def file_anonymous_tip(page: PageClient, key: str, text: str) -> str:
    page.say(key, "/tip")
    page.wait_bot(key, "What happened")
    page.say(key, text)
    for step in ("When did it happen", "Where", "Photos"):
        page.press(key, page.wait_bot(key, step), "Skip")
    page.press(key, page.wait_bot(key, "What kind of tip"), "Vehicle")
    page.press(key, page.wait_bot(key, "Anonymous or with your name"), "anonymous")
    page.press(key, page.wait_bot(key, "Please check your tip"), "Send")
    receipt = page.wait_bot(key, r"Your tip is in: T-\d{4}-\d{5}")
    return receipt["text"].split("Your tip is in: ", 1)[1].split()[0]


def test_the_sandbox_starts_seeded_says_where_and_listens_on_loopback_only(
    sandbox: SandboxProcess, page: PageClient
) -> None:
    output = sandbox.output()
    assert f"Crime Watch sandbox: open {sandbox.url}" in output
    assert "TELEGRAM_BOT_TOKEN" in output  # how to go live
    assert "group Bridgeport (join code BRIDGEPORT) led by Marcus Lee" in output
    people = {p["key"]: p for p in page.people()}
    assert {p["role"] for p in people.values()} >= {"officer", "leader", "resident"}
    assert people["walt"]["telegram_id"] is None and people["walt"]["phone"]
    html = page.http.get("/")
    assert html.status_code == 200 and "Crime Watch sandbox" in html.text
    # Nothing comes from the internet: every script and style is the sandbox's own.
    assert 'src="http' not in html.text and 'href="http' not in html.text
    assert page.http.get("/static/app.js").status_code == 200
    # The seeded leader was told of their role, and the group's meeting invitations went out.
    assert page.wait_bot("leader", "You are now the leader of Bridgeport")
    other = _non_loopback_address()
    if other is not None:
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://{other}:{sandbox.port}/api/people", timeout=2)


def test_a_new_resident_registers_joins_and_files_an_anonymous_tip_that_the_officer_answers(
    page: PageClient,
) -> None:
    nina = page.add("Nina Park", "312 555 0177")
    assert nina["phone"] == "+13125550177" and nina["telegram_id"]
    register(page, nina["key"], "Nina Park")
    assert page.chat(nina["key"])["keyboard"] is None  # the share-contact keyboard is gone
    page.say(nina["key"], "/join BRIDGEPORT")
    page.wait_bot(nina["key"], "You're now a member of Bridgeport")
    reference = file_anonymous_tip(page, nina["key"], "Someone tries car doors on Morgan St.")

    page.say("officer", "/tips")
    listing = page.wait_bot("officer", "Open tips")
    page.press("officer", listing, reference)
    card = page.wait_bot("officer", f"Tip {reference}")
    assert "Nina" not in card["text"] and "anonymous" in card["text"]
    page.press("officer", card, "Reply")
    page.wait_bot("officer", "Type your message to the tipster")
    page.say("officer", "Thank you. Which block of Morgan St?")
    page.wait_bot("officer", "On its way to the tipster")

    question = page.wait_bot(nina["key"], "Message from the police about your tip")
    assert "Which block of Morgan St?" in question["text"]
    answer = page.http.post(
        f"/api/chat/{nina['key']}/text",
        json={"text": "The 3200 block, a grey sedan.", "reply_to": question["id"]},
    )
    assert answer.status_code == 202
    relayed = page.wait_bot("officer", "grey sedan")
    assert "Nina" not in relayed["text"]


def test_an_alert_reaches_residents_on_telegram_and_by_text_and_the_outbox_shows_it(
    page: PageClient,
) -> None:
    page.say("officer", "/alert all Lock your car tonight: break-ins on Morgan St.")
    preview = page.wait_bot("officer", "Preview")
    page.press("officer", preview, "Send now")
    page.wait_bot("officer", "is on its way")
    for key in ("ruth", "priya", "sam"):
        page.wait_bot(key, "Lock your car tonight")
    wait_for(
        lambda: any("Lock your car tonight" in t["body"] for t in page.texts("sam")),
        15,
        "the alert on Sam's phone",
    )

    def settled() -> dict[str, object] | None:
        rows = page.http.get("/api/outbox").json()["notifications"]
        alert = next(n for n in rows if n["kind"] == "alert")
        return alert if alert["done"] == alert["total"] else None

    alert = wait_for(settled, 15, "the alert's deliveries settled")
    assert alert["counts"]["telegram"]["sent"] >= 4

    def delivered() -> bool:
        rows = page.http.get("/api/outbox").json()["notifications"]
        alert = next(n for n in rows if n["kind"] == "alert")
        return bool(alert["counts"]["sms"].get("delivered"))

    # The sandbox's Twilio reports the text delivered by its signed status callback.
    wait_for(delivered, 15, "the SMS status callback")


def test_a_photo_sent_from_the_page_reaches_the_service_and_shows_in_the_chat(
    page: PageClient,
) -> None:
    png = (ROOT / "docs" / "screenshots" / "sandbox-resident.png").read_bytes()
    sent = page.http.post("/api/chat/priya/photo?caption=the+van", content=png)
    assert sent.status_code == 202
    mine = wait_for(
        lambda: [m for m in page.messages("priya") if m["from"] == "user" and "photo" in m],
        10,
        "the photo in the chat",
    )
    assert mine[-1]["caption"] == "the van"
    shown = page.http.get(f"/api/file/{mine[-1]['photo'][-1]['file_id']}")
    assert shown.content == png and shown.headers["content-type"] == "image/png"
    photo_id = mine[-1]["id"]
    answer = wait_for(
        lambda: [m for m in page.messages("priya") if m["from"] == "bot" and m["id"] > photo_id],
        10,
        "the service's answer to the photo",
    )
    assert answer[0]["text"]  # a photo outside a tip is answered, never ignored
    assert page.http.post("/api/chat/priya/photo", content=b"").status_code == 400


def test_someone_who_only_texts_files_a_tip_and_stops(page: PageClient) -> None:
    replies = page.text_service("walt", "TIP someone sleeps in the empty house on 31st St")
    assert any("received" in reply and "anonymously" in reply for reply in replies), replies
    replies = page.text_service("walt", "STOP")
    assert replies[0].startswith("You have successfully been unsubscribed")  # Twilio's, not ours
    phone = page.http.get("/api/sms/walt").json()
    assert phone["opted_out"] is True
    assert [t["direction"] for t in phone["texts"][:2]] == ["out", "in"]
    replies = page.text_service("walt", "START")
    assert replies[0].startswith("You have successfully been re-subscribed")
    assert page.http.get("/api/sms/walt").json()["opted_out"] is False


@pytest.mark.parametrize(
    ("person", "problem"),
    [
        ({"name": "", "phone": ""}, "A name of 1 to 40"),
        ({"name": "x" * 41, "phone": ""}, "A name of 1 to 40"),
        ({"name": "Al", "phone": "12"}, "does not look like a phone number"),
        ({"name": "Al", "phone": "+1 312 555 0103"}, "already has that number"),
        ({"name": "Al", "phone": "", "telegram": False}, "needs a phone number"),
        ({"name": "Al", "language": "fr"}, "en or es"),
    ],
)
def test_adding_a_person_with_bad_details_says_what_is_wrong(
    page: PageClient, person: dict[str, object], problem: str
) -> None:
    before = len(page.people())
    response = page.http.post("/api/people", json=person)
    assert response.status_code == 400 and problem in response.json()["error"]
    assert len(page.people()) == before


def test_bad_actions_on_the_page_get_a_clear_answer_and_change_nothing(page: PageClient) -> None:
    http = page.http
    assert http.post("/api/people", content=b"not json").status_code == 400
    assert http.post("/api/chat/ruth/text", json={"text": "  "}).json()["error"]
    long = http.post("/api/chat/ruth/text", json={"text": "x" * 4097})
    assert long.status_code == 400 and "4096" in long.json()["error"]
    assert http.get("/api/chat/nobody").status_code == 404
    walt = http.post("/api/chat/walt/text", json={"text": "hi"})
    assert walt.status_code == 409 and "phone panel" in walt.json()["error"]
    stale = http.post("/api/chat/ruth/press", json={"message_id": 99999, "data": "alert:send@1"})
    assert stale.status_code == 409
    assert http.post("/api/chat/ruth/location", json={"latitude": 95, "longitude": 0}).json()[
        "error"
    ]
    assert http.post("/api/chat/officer/contact", json={}).status_code == 409  # no phone
    gone = http.post("/api/chat/ruth/text", json={"text": "hi", "reply_to": 99999})
    assert gone.status_code == 409
    assert http.post("/api/sms/walt", json={"text": "y" * 1601}).status_code == 400
    assert http.get("/api/file/nothing-here").status_code == 404


def test_an_emergency_typed_in_the_sandbox_gets_the_911_notice(page: PageClient) -> None:
    page.say("priya", "someone is breaking into my neighbor's house right now")
    assert "911" in page.wait_bot("priya", "911")["text"]


def test_a_restarted_sandbox_keeps_its_data_and_fresh_starts_empty(tmp_path: Path) -> None:
    first = SandboxProcess(tmp_path).start()
    try:
        client = PageClient(first.url)
        olga = client.add("Olga Berg", "312 555 0188")
        client.say(olga["key"], "/start")
        client.wait_bot(olga["key"], "Do you agree")
        client.text_service("walt", "HELP")
        before = client.messages(olga["key"])
        walt = client.texts("walt")
    finally:
        assert first.stop() == 0
    again = SandboxProcess(tmp_path).start()
    try:
        assert "sandbox seed" not in again.output()  # seeded on the first run only
        client = PageClient(again.url)
        assert "Olga Berg" in [p["name"] for p in client.people()]
        # The chats and phones show what they showed, and go on from there.
        assert client.messages(olga["key"]) == before
        assert client.texts("walt") == walt
        client.press(olga["key"], before[-1], "I agree")
        step = client.wait_bot(olga["key"], "Step 1 of 3")
        assert step["id"] > before[-1]["id"]
    finally:
        assert again.stop() == 0
    fresh = SandboxProcess(tmp_path, fresh=True).start()
    try:
        assert PageClient(fresh.url).people() == []
    finally:
        assert fresh.stop() == 0


def test_run_without_a_token_still_stops_with_the_hint_and_never_falls_into_the_sandbox(
    tmp_path: Path,
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "sandbox" not in (result.stdout + result.stderr).lower().replace("make run", "")
    assert not (tmp_path / "sandbox.db").exists()


def _non_loopback_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") else address
