"""What the safety news handlers say in Telegram."""

from __future__ import annotations

from core.markup import esc

NEWS_USAGE = (
    "/news show ID · /news add · /news edit ID · /news schedule ID SCHEDULE · "
    "/news pause ID · /news resume ID\n"
    "Schedules: weekly tue · monthly 1 · yearly 12-15 · once 2026-12-20 · off"
)


NEWS_CHOOSE_TOPIC = "📰 New news item. Which topic?"


NEWS_ASK_TEXT = (
    "Send the item: the <b>first line is the title</b>, the rest is the text (at most 1000 "
    "characters). Keep it short and factual."
    " /cancel to stop."
)


NEWS_ASK_SCHEDULE = (
    "When should it go out? <b>weekly tue</b>, <b>monthly 1</b>, <b>yearly 12-15</b>, "
    "<b>once 2026-12-20</b>, or <b>off</b> to keep it unscheduled."
    " /cancel to stop."
)


NEWS_NEEDS_TITLE_AND_TEXT = "Please send the title on the first line and the text below it."


def news_list(lines: list[str]) -> str:
    """/news."""
    body = "\n".join(lines) if lines else "The library is empty. Add an item with /news add."
    return f"📰 <b>Safety news</b>\n\n{body}\n\n{NEWS_USAGE}"


def news_item(line: str, title: str, body: str) -> str:
    """/news show ID."""
    return f"{line}\n\n<b>{esc(title)}</b>\n{esc(body)}"


def news_saved(line: str, done: str = "") -> str:
    """An item was added or changed: what happened, then its line as /news lists it (which
    starts with its number)."""
    return f"📰 {done}: {line}" if done else f"📰 {line}"
