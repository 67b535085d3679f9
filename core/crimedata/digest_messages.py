"""The texts of the weekly crime figures: counts by type, the trend against the four weeks
before, and one prevention tip. Plain and short, facts not fear; nothing about anyone."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from core.crimedata.messages import label
from core.crimedata.stats import top_categories
from core.crimedata.trends import Trend
from core.delivery import Message
from core.markup import esc

TOPIC_LABEL = "Weekly crime figures"


def _span(first: date, last: date) -> str:
    """'Nov 23 – 29, 2026', 'Nov 30 – Dec 6, 2026', 'Dec 28, 2026 – Jan 3, 2027'."""
    if first.year != last.year:
        return f"{first:%b} {first.day}, {first.year} – {last:%b} {last.day}, {last.year}"
    if first.month != last.month:
        return f"{first:%b} {first.day} – {last:%b} {last.day}, {last.year}"
    return f"{first:%b} {first.day} – {last.day}, {last.year}"


def _average(total: int) -> str:
    """28 days' total as a weekly average: '7', '7.5'."""
    average = total / 4
    return f"{average:.0f}" if average == int(average) else f"{average:.1f}"


def trend_words(trend: Trend, previous_total: int) -> str:
    """The week against the four weeks before, in words."""
    against = f"the 4 weeks before ({_average(previous_total)} a week)"
    if trend.verdict == "too_few":
        return "Too few incidents to compare with the 4 weeks before."
    if trend.verdict == "steady":
        return f"About the same as {against}."
    return f"{'Up' if trend.verdict == 'up' else 'Down'} on {against}."


def weekly_figures(
    *,
    group: str,
    first: date,
    last: date,
    counts: Mapping[str, int],
    trend: Trend,
    previous_total: int,
    data_until: date,
    tip: tuple[str, str] | None,
    tip_for: str | None,
) -> Message:
    """One group's weekly figures (HTML for Telegram, plain text for SMS)."""
    total = sum(counts.values())
    what = "incident" if total == 1 else "incidents"
    ranked = top_categories(counts, len(counts))
    span = _span(first, last)
    html = [
        f"📊 <b>{esc(group)}: the week in figures</b>",
        f"<i>{span}</i>",
        "",
        f"<b>{total}</b> {what} recorded in the area:",
        *(f"• {esc(label(category))}: {n}" for category, n in ranked),
        "",
        trend_words(trend, previous_total),
    ]
    types = ", ".join(f"{label(category)} {n}" for category, n in ranked)
    text = [f"{group}, {span}: {total} {what} ({types}). {trend_words(trend, previous_total)}"]
    if tip is not None:
        title, body = tip
        about = f" ({esc(label(tip_for).lower())})" if tip_for else ""
        html += ["", f"💡 <b>Tip{about}: {esc(title)}</b>", esc(body)]
        text.append(f"Tip: {title}. {body}")
    until = ""
    if data_until < last:
        until = f" up to {data_until:%b} {data_until.day}"
    html += [
        "",
        f"<i>From the police's incident records{until}. Call 911 in an emergency. "
        f"Turn these off in /settings ({TOPIC_LABEL}).</i>",
    ]
    text.append(f"Records{until}. Turn off: /settings.")
    return Message(html="\n".join(html), text=" ".join(text))
