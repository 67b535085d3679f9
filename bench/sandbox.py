"""The sandbox's two figures: how long `crimewatch sandbox` takes to start, and how long the page
takes to show the bot's reply after a button press (headless Debian chromium).

Start: from launching the process to its "open http://..." line, first run (migrations and the
demo seed) and a restart. Press to reply: the officer's /tips list and a tip's card, pressed in
turn; each figure is measured inside the page, from the click to the reply's bubble in the DOM
(the Update by webhook, the service's handler, its sendMessage, the server-sent event, the
page's fetch of the chat, its rendering).

    .venv/bin/python -m bench.sandbox [--presses 40]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.sandbox.support import PageClient, SandboxProcess

MEASURE_PRESS = """
async (label) => {
  const box = document.getElementById("messages");
  // The reply is a new message or an edit of the pressed one: either changes the bot's text.
  const seen = () => [...box.querySelectorAll(".bubble.bot .text")]
    .map((b) => b.textContent).join("|");
  const before = seen();
  const buttons = [...box.querySelectorAll(".bubble.bot .inline-keyboard button")]
    .filter((b) => b.textContent.includes(label));
  if (!buttons.length) throw new Error(`no button ${label}`);
  const shown = new Promise((resolve, reject) => {
    const watch = new MutationObserver(() => {
      if (seen() !== before) { watch.disconnect(); resolve(); }
    });
    watch.observe(box, { childList: true, subtree: true, characterData: true });
    setTimeout(() => {
      watch.disconnect();
      reject(new Error(`no reply to ${label} in 10 s`));
    }, 10000);
  });
  const began = performance.now();
  buttons[buttons.length - 1].click();
  await shown;
  return performance.now() - began;
}
"""


def starts(rounds: int) -> tuple[list[float], list[float]]:
    first, again = [], []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as folder:
            for times in (first, again):
                running = SandboxProcess(Path(folder)).start()
                assert running.started_in is not None
                times.append(running.started_in)
                running.stop()
    return first, again


def presses(count: int, chromium: str) -> list[float]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        running = SandboxProcess(Path(folder)).start()
        try:
            client = PageClient(running.url)
            reference = _file_tip(client)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium, headless=True, args=["--no-sandbox"]
                )
                page = browser.new_page(viewport={"width": 1180, "height": 760})
                page.goto(running.url)
                page.locator("#people button", has_text="Dana Reyes").click()
                page.fill("#text", "/tips")
                page.press("#text", "Enter")
                page.locator(".bubble.bot", has_text="Open tips").last.wait_for()
                page.wait_for_timeout(1500)  # let the per-chat bucket refill before measuring
                measured = []
                for index in range(count):
                    label = reference if index % 2 == 0 else "Open tips"
                    measured.append(float(page.evaluate(MEASURE_PRESS, label)))
                    page.wait_for_timeout(1100)  # a person's pace: Telegram's ~1 a second a chat
                browser.close()
        finally:
            running.stop()
    return measured


def _file_tip(client: PageClient) -> str:
    client.say("ruth", "/tip")
    client.wait_bot("ruth", "What happened")
    client.say("ruth", "A van parks by the school every night with its lights off.")
    for step in ("When did it happen", "Where", "Photos"):
        client.press("ruth", client.wait_bot("ruth", step), "Skip")
    client.press("ruth", client.wait_bot("ruth", "What kind of tip"), "Vehicle")
    client.press("ruth", client.wait_bot("ruth", "Anonymous or with your name"), "anonymous")
    client.press("ruth", client.wait_bot("ruth", "Please check your tip"), "Send")
    receipt = client.wait_bot("ruth", r"Your tip is in")
    return str(receipt["text"].split("Your tip is in: ", 1)[1].split()[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--starts", type=int, default=3)
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("needs Debian's chromium (make browser installs it)", file=sys.stderr)
        return 2
    began = time.monotonic()
    first, again = starts(args.starts)
    print(f"start, first run (migrations + seed): {_summary(first)} s (target < 5 s)")
    print(f"start, again: {_summary(again)} s")
    measured = presses(args.presses, chromium)
    ordered = sorted(measured)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    print(
        f"button press -> reply shown, {len(measured)} presses: median "
        f"{statistics.median(measured):.0f} ms, p95 {p95:.0f} ms, max {max(measured):.0f} ms "
        "(target < 300 ms)"
    )
    print(f"({time.monotonic() - began:.0f} s in all; httpx {httpx.__version__})")
    return 0


def _summary(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    sys.exit(main())
