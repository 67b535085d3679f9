"""The texts of local crime data: the facts of /stats (Telegram HTML, every name escaped) and
their chart's title. Facts, not fear: counts with their comparison, and when there are too few
incidents to speak of a trend, that is what is said."""

from __future__ import annotations

from datetime import date

from core.crimedata.stats import Facts, top_categories
from core.crimedata.taxonomy import CATEGORIES
from core.crimedata.trends import Trend
from core.markup import esc


def label(category: str) -> str:
    """'Theft from vehicle'."""
    return CATEGORIES.get(category, category.replace("_", " ").capitalize())


def short_date(day: date) -> str:
    """'Jun 9, 2026'."""
    return f"{day:%b} {day.day}, {day.year}"


def _trend_words(trend: Trend, against: str) -> str:
    if trend.verdict == "too_few":
        return f"too few incidents to compare with {against}"
    if trend.verdict == "steady":
        return f"about the same as {against} ({trend.previous})"
    word = "up" if trend.verdict == "up" else "down"
    if trend.previous:
        percent = abs(trend.current - trend.previous) * 100 / trend.previous
        return f"{word} {percent:.0f}% on {against} ({trend.previous})"
    return f"{word} on {against} ({trend.previous})"


def facts_text(facts: Facts) -> str:
    """The /stats reply."""
    kind = esc(what(facts))
    scope = esc(facts.scope)
    period = f"{short_date(facts.first)} – {short_date(facts.last)}"
    lines = [f"<b>{scope}: {kind}, last 30 days</b>", f"<i>{period}</i>", ""]
    if facts.total == 0 and not facts.previous and not facts.last_year:
        lines.append(f"No {kind} recorded in these 30 days, nor in the 30 before.")
    else:
        lines.append(f"<b>{facts.total}</b> {kind} in these 30 days:")
        lines.append(f"• {_trend_words(facts.trend, 'the 30 days before')}")
        lines.append(f"• {_trend_words(facts.year_trend, 'the same days last year')}")
    if facts.category is None and facts.current:
        lines.append("")
        lines.append("<b>By type</b>")
        for category, n in top_categories(facts.current, 8):
            before = facts.previous.get(category, 0)
            lines.append(f"• {esc(label(category))}: {n} (before: {before})")
    if not facts.is_town:
        lines.append("")
        if facts.density is not None and facts.town_density is not None:
            lines.append(
                f"Per km²: {facts.density:.1f} here, {facts.town_density:.1f} in the town "
                f"({facts.town_current} in all)."
            )
        else:
            lines.append(f"In the whole town: {facts.town_current} in these 30 days.")
    if facts.data_until is not None and facts.data_until == facts.last:
        lines.append("")
        lines.append(f"<i>Figures up to {short_date(facts.data_until)}, the newest imported.</i>")
    if facts.data_until is None:
        lines = [f"<b>{scope}</b>", "", "No crime data has been imported yet."]
    return "\n".join(lines)


def what(facts: Facts) -> str:
    """'incidents', or the type asked for: 'burglary' (plain text)."""
    return label(facts.category).lower() if facts.category else "incidents"


def chart_title(facts: Facts) -> str:
    """'Oak Park North: weekly incidents' (plain text: the chart draws it)."""
    return f"{facts.scope}: weekly {what(facts)}"


def no_area_text(group: str, code: str, can_set: bool) -> str:
    """A group without an area on the map."""
    text = f"<b>{esc(group)}</b> has no area on the map yet, so its figures cannot be counted."
    if can_set:
        text += (
            f"\nSet it with /area {esc(code)} (send a pin and a radius), or from the shell: "
            f"<code>crimewatch group area {esc(code)} FILE.geojson</code>."
        )
    else:
        text += "\nThe group's leader or an officer can set it with /area."
    return text
