"""The sandbox's page in headless Chromium (Debian's `chromium`, driven by Playwright; no
browser is downloaded): a trainee registers a resident by pressing buttons and sharing the
contact, joins the group, files an anonymous tip; the officer answers it; the resident sees the
answer; the officer's alert reaches two residents' chats and a phone. Screenshots for the README
are taken on the way (CRIMEWATCH_SCREENSHOTS names the folder to keep them in)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.sandbox.support import SandboxProcess

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's chromium is not installed: `make test` installs it where it can (as root, "
    "with apt-get); elsewhere install the chromium package to run the browser tests",
)
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    running = SandboxProcess(tmp_path_factory.mktemp("browser")).start()
    try:
        yield running
    finally:
        assert running.stop() == 0, running.output()[-3000:]


@pytest.fixture
def page(sandbox: SandboxProcess) -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        try:
            tab = browser.new_page(viewport={"width": 1180, "height": 760})
            tab.set_default_timeout(TIMEOUT_MS)
            expect.set_options(timeout=TIMEOUT_MS)
            errors: list[str] = []
            tab.on("pageerror", lambda error: errors.append(str(error)))
            tab.goto(sandbox.url)
            yield tab
            assert errors == [], errors  # no JavaScript error on the way
        finally:
            browser.close()


def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CRIMEWATCH_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def choose(page: Any, name: str) -> None:
    page.locator("#people button", has_text=name).click()
    expect(page.locator("#chat-title")).to_have_text(name)


def say(page: Any, text: str) -> None:
    page.fill("#text", text)
    page.press("#text", "Enter")


def bot_says(page: Any, text: str) -> Any:
    bubble = page.locator(".bubble.bot", has_text=text).last
    expect(bubble).to_be_visible()
    return bubble


def press(page: Any, label: str) -> None:
    page.locator(".bubble.bot .inline-keyboard button", has_text=label).last.click()


def test_a_trainee_walks_a_tip_and_an_alert_through_the_page(page: Any, tmp_path: Path) -> None:
    shots = screenshots(tmp_path)
    expect(page.locator("#people")).to_contain_text("Dana Reyes")

    # A new resident, registered by pressing buttons and sharing the contact.
    page.locator("summary", has_text="Add a person").click()
    page.fill("#add-form input[name=name]", "Nina Park")
    page.fill("#add-form input[name=phone]", "312 555 0177")
    page.locator("#add-form button[type=submit]").click()
    expect(page.locator("#chat-title")).to_have_text("Nina Park")
    say(page, "/start")
    bot_says(page, "Do you agree")
    press(page, "I agree")
    bot_says(page, "Step 1 of 3")
    press(page, "Nina")
    bot_says(page, "Step 2 of 3")
    page.locator("#keyboard button", has_text="Share my phone number").click()
    bot_says(page, "Step 3 of 3")
    expect(page.locator(".bubble.user", has_text="13125550177")).to_be_visible()
    say(page, "3000 S Halsted St")
    bot_says(page, "registered")
    expect(page.locator("#keyboard button")).to_have_count(0)

    say(page, "/join BRIDGEPORT")
    bot_says(page, "member of Bridgeport")
    say(page, "/tip")
    bot_says(page, "What happened")
    say(page, "A man tries car doors on Morgan St around 2 am.")
    for step in ("When did it happen", "Where", "Photos"):
        bot_says(page, step)
        press(page, "Skip")
    bot_says(page, "What kind of tip")
    press(page, "Vehicle")
    bot_says(page, "Anonymous or with your name")
    press(page, "Stay anonymous")
    bot_says(page, "Please check your tip")
    press(page, "Send")
    receipt = bot_says(page, "Your tip is in")
    reference = receipt.inner_text().split("Your tip is in: ", 1)[1].split()[0]
    expect(receipt.locator("b").first).to_be_visible()  # Telegram's bold, rendered
    page.screenshot(path=str(shots / "sandbox-resident.png"))

    # The officer answers it.
    choose(page, "Dana Reyes")
    say(page, "/tips")
    bot_says(page, "Open tips")
    press(page, reference)
    card = bot_says(page, f"Tip {reference}")
    expect(card).not_to_contain_text("Nina")
    press(page, "Reply")
    bot_says(page, "Type your message to the tipster")
    say(page, "Thank you. Which block of Morgan St?")
    bot_says(page, "On its way to the tipster")
    page.screenshot(path=str(shots / "sandbox-officer.png"))

    # The resident sees the answer, and answers it by replying.
    choose(page, "Nina Park")
    question = bot_says(page, "Which block of Morgan St?")
    question.locator("button.reply").click()
    expect(page.locator("#replying")).to_be_visible()
    say(page, "The 3200 block, a grey sedan.")
    choose(page, "Dana Reyes")
    bot_says(page, "grey sedan")

    # An alert reaches two residents' chats and a phone, and the outbox strip shows it.
    say(page, "/alert all Lock your car tonight: break-ins on Morgan St.")
    bot_says(page, "Preview")
    press(page, "Send now")
    bot_says(page, "is on its way")
    choose(page, "Ruth Alvarez")
    bot_says(page, "Lock your car tonight")
    choose(page, "Sam Okafor")
    bot_says(page, "Lock your car tonight")
    expect(page.locator("#texts .sms", has_text="Lock your car tonight")).to_be_visible()
    alert_row = page.locator("#activity tr", has_text="Lock your car tonight")
    # Sent, or already delivered by the sandbox Twilio's status callback.
    expect(alert_row).to_contain_text(re.compile(r"sms (sent|delivered)"))
    expect(alert_row).to_contain_text("telegram sent")
    page.screenshot(path=str(shots / "sandbox-alert.png"))


def test_someone_who_only_texts_uses_the_phone_panel(page: Any) -> None:
    choose(page, "Walt Brennan")
    expect(page.locator("#composer")).to_be_hidden()
    page.fill("#sms-text", "TIP a van parks by the school every night")
    page.press("#sms-text", "Enter")
    expect(page.locator("#texts .sms.in", has_text="received")).to_be_visible()


def test_a_bad_action_shows_the_reason_on_the_page(page: Any) -> None:
    page.locator("summary", has_text="Add a person").click()
    page.fill("#add-form input[name=name]", "Al")
    page.fill("#add-form input[name=phone]", "12")
    page.locator("#add-form button[type=submit]").click()
    expect(page.locator("#add-error")).to_contain_text("does not look like a phone number")


def test_a_location_is_asked_for_and_sent_as_a_pin(page: Any) -> None:
    choose(page, "Priya Shah")
    page.once("dialog", lambda dialog: dialog.accept("41.8401, -87.6502"))
    page.locator("#send-location").click()
    expect(page.locator(".bubble.user", has_text="41.8401, -87.6502")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept("north of here"))
    page.locator("#send-location").click()
    expect(page.locator("#chat-error")).to_contain_text("latitude and a longitude")
