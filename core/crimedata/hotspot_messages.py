"""The texts of hotspots for officers: the /hotspots reply (Telegram HTML, every street
escaped), the map's title and caption, and the morning alert (HTML and plain text).

A rise is called significant only where the test says so; everything else is "within normal
variation", so that a busy street is not mistaken for a new problem."""

from __future__ import annotations

from datetime import date, timedelta

from core.crimedata.hotspot_report import HotspotCell, HotspotReport
from core.crimedata.messages import label, short_date
from core.markup import esc

SIGNIFICANT = "significant rise"
NORMAL = "within normal variation"
NO_DATA = "No crime data has been imported yet, so there are no hotspots to look for."


def _what(category: str | None) -> str:
    return label(category).lower() if category else "incidents"


def _span(first: date, last: date) -> str:
    return f"{short_date(first)} – {short_date(last)}"


def _cell_line(index: int, cell: HotspotCell) -> str:
    spot = cell.spot
    verdict = f"<b>{SIGNIFICANT}</b>" if spot.significant else NORMAL
    return (
        f"{index}. {'🔴' if spot.significant else '⚪'} <b>{esc(cell.place)}</b>: "
        f"{spot.count} now, {spot.previous} before — {verdict}"
    )


def report_text(report: HotspotReport) -> str:
    """The /hotspots reply."""
    what = _what(report.category)
    head = f"<b>Hotspots: {esc(what)}, last {report.days} days</b>"
    if report.data_until is None:
        return f"{head}\n\n{NO_DATA}"
    before = _span(report.baseline_first, report.first - timedelta(days=1))
    lines = [
        head,
        f"<i>{_span(report.first, report.last)}, against {before}; cells of {report.cell_m} m</i>",
        "",
    ]
    if report.too_few:
        lines.append(
            f"Only {report.total} {esc(what)} with a place in these {report.days} days "
            f"(before: {report.previous_total}): too few to look for hotspots. "
            "A longer period may help, e.g. /hotspots 90."
        )
    else:
        lines.append(
            f"<b>{report.total}</b> {esc(what)} with a place in these {report.days} days "
            f"(before: {report.previous_total}), in {len(report.cells)} cells."
        )
        significant = len(report.significant)
        if significant:
            cells = "cell" if significant == 1 else "cells"
            lines.append(f"<b>{significant} {cells}</b> rose more than chance would explain.")
        else:
            lines.append(
                "No cell stands out: every count is within normal variation for its place."
            )
        lines.append("")
        lines.append("<b>The busiest cells</b> (now, and in the days before)")
        lines += [_cell_line(i, cell) for i, cell in enumerate(report.shown, 1)]
        lines.append("")
        lines.append("The map and a CSV of every cell follow.")
    if report.data_until == report.last:
        lines.append(f"<i>Figures up to {short_date(report.last)}, the newest imported.</i>")
    return "\n".join(lines)


def chart_title(report: HotspotReport) -> str:
    """'Burglary hotspots, 14 days to Dec 1' (plain text: the chart draws it)."""
    what = label(report.category) if report.category else "Incident"
    return f"{what} hotspots, {report.days} days to {report.last:%b} {report.last.day}"


def chart_caption(report: HotspotReport) -> str:
    """The caption under the map."""
    return (
        f"{chart_title(report)}: one circle per {report.cell_m} m cell, bigger for more "
        "incidents; orange where the rise is more than chance."
    )[:1024]


def csv_caption(report: HotspotReport) -> str:
    """The caption of the CSV file."""
    return (
        f"Every cell with {_what(report.category)} from {_span(report.first, report.last)}: "
        "centre, bounds, streets, counts, expected count, p-value (significant means below "
        "0.01 divided by the number of cells)."
    )[:1024]


def alert(cells: list[HotspotCell], seen: set[int], report: HotspotReport) -> tuple[str, str]:
    """The officers' morning alert of cells that rose in the report's days: (HTML, plain
    text). `seen` holds the positions of cells already in an alert this past week."""
    periods = report.baseline_periods
    title = f"Hotspots: {len(cells)} {'cell' if len(cells) == 1 else 'cells'} rose"
    span = f"{_span(report.first, report.last)}, against the {report.days * periods} days before"
    per = "a week" if report.days == 7 else f"per {report.days} days"
    html = [
        f"🔴 <b>{title} more than chance in the last {report.days} days</b>",
        f"<i>{span}</i>",
        "",
    ]
    text = [f"{title} more than chance in the last {report.days} days ({span}):"]
    for index, cell in enumerate(cells):
        spot = cell.spot
        weekly = spot.previous / periods
        again = " (in an alert this week already)" if index in seen else ""
        html.append(
            f"• <b>{esc(cell.place)}</b>: {spot.count} incidents, against "
            f"{weekly:.1f} {per} before{again}"
        )
        text.append(f"- {cell.place}: {spot.count}, against {weekly:.1f} {per} before{again}")
    html += ["", "/hotspots for the map."]
    text.append("/hotspots in Telegram for the map.")
    return "\n".join(html), "\n".join(text)
