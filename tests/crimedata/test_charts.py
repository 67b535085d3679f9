"""Charts: real PNGs, big enough and not blank, under the size limit; the weekly chart keeps
to 5 series and the category chart to 8 bars; empty periods say so; matplotlib is loaded only
when a chart is drawn, and never through pyplot."""

from __future__ import annotations

import io
import math
import re
import subprocess
import sys
from datetime import date
from itertools import pairwise

import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from core.crimedata import charts
from core.crimedata.taxonomy import CATEGORIES as LABELS
from core.crimedata.trends import weeks_back

WEEKS = weeks_back(date(2025, 12, 3))
# Ten categories with distinct totals: theft largest, then burglary, vandalism, fraud, ...
WEEKLY = {
    key: [(rank + 1) * 2 + (week * (rank + 3)) % 5 for week in range(len(WEEKS))]
    for rank, key in enumerate(
        [
            "other",
            "robbery",
            "drugs",
            "assault",
            "vehicle_theft",
            "theft_from_vehicle",
            "fraud",
            "vandalism",
            "burglary",
            "theft",
        ]
    )
}
TOTALS = {key: sum(series) for key, series in WEEKLY.items()}
SHORT_DATE = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}$")


def readable(png: bytes, ink: float = 0.05) -> Image.Image:
    """Assert the bytes are a phone-sized PNG with at least `ink` of it not white."""
    assert len(png) < 150_000
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.width >= 800 and image.height >= 800
    rgb = image.convert("RGB")
    colours = rgb.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 8
    white = sum(count for count, colour in colours if min(colour) >= 250)
    assert 1 - white / (rgb.width * rgb.height) > ink
    return image


def texts(figure: Figure) -> list[str]:
    return [text.get_text() for text in figure.findobj(lambda a: hasattr(a, "get_text"))]


def assert_large_type(figure: Figure) -> None:
    assert figure.get_suptitle()
    title = figure.texts[0] if figure.texts else None
    shown = figure.findobj(lambda a: isinstance(a, Text) and bool(a.get_text()) and a.get_visible())
    sizes = [text.get_fontsize() for text in shown if isinstance(text, Text)]
    assert sizes and min(sizes) >= 13
    assert title is not None and title.get_fontsize() >= 20
    for ax in figure.axes:
        for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
            if label.get_text():
                assert label.get_fontsize() >= 14


# --- weekly


def test_weekly_chart_is_a_readable_png() -> None:
    image = readable(charts.weekly_chart(WEEKS, WEEKLY, LABELS, "Bridgeport, last 12 weeks"))
    assert image.size == (1080, 1080)


def test_weekly_chart_has_the_top_four_and_other_for_ten_categories() -> None:
    figure = charts.weekly_figure(WEEKS, WEEKLY, LABELS, "Bridgeport, last 12 weeks")
    (ax,) = figure.axes
    assert len(ax.collections) == 5  # one stacked area a series
    (legend,) = figure.legends
    entries = [text.get_text() for text in legend.get_texts()]
    assert len(entries) == 5
    top4 = sorted((k for k in TOTALS if k != "other"), key=lambda k: -TOTALS[k])[:4]
    assert set(entries) == {LABELS[k] for k in top4} | {"Other"}
    # The stack's top edge is the week's total, every category included.
    top = max(ax.get_ylim())
    assert top >= max(sum(series[i] for series in WEEKLY.values()) for i in range(len(WEEKS)))
    assert ax.get_ylim()[0] == 0
    assert all(float(t).is_integer() for t in ax.get_yticks())
    assert_large_type(figure)


def test_weekly_chart_dates_are_short_and_spaced() -> None:
    figure = charts.weekly_figure(WEEKS, WEEKLY, LABELS, "t")
    labels = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert 4 <= len(labels) <= 6
    assert all(SHORT_DATE.match(label) for label in labels)
    assert labels[-1] == "Dec 1"  # this week is always named
    ticks = list(figure.axes[0].get_xticks())
    assert all(b - a in (2, 3) for a, b in pairwise(ticks))
    assert charts.short_date(date(2025, 10, 6)) == "Oct 6"


def test_weekly_chart_with_few_categories_shows_them_all() -> None:
    counts = {"theft": [1, 2, 3], "burglary": [0, 1, 0], "fraud": [0, 0, 0]}
    figure = charts.weekly_figure(WEEKS[-3:], counts, LABELS, "t")
    assert [t.get_text() for t in figure.legends[0].get_texts()] == ["Burglary", "Theft"]
    one_week = charts.weekly_figure(WEEKS[-1:], {"theft": [4]}, LABELS, "t")
    assert len(one_week.axes[0].collections) == 1
    readable(charts.png(one_week))


def test_weekly_chart_refuses_counts_that_do_not_match_the_weeks() -> None:
    with pytest.raises(ValueError):
        charts.weekly_chart(WEEKS, {"theft": [1, 2]}, LABELS, "t")


# --- by category


CATEGORY = {key: 10 + 3 * i for i, key in enumerate(LABELS)}
PREVIOUS = {key: 30 - 2 * i for i, key in enumerate(LABELS)}


@pytest.mark.parametrize("previous", [None, PREVIOUS])
def test_category_chart_never_draws_more_than_eight_bars(previous: dict[str, int] | None) -> None:
    figure = charts.category_figure(CATEGORY, LABELS, "By type, last 4 weeks", previous)
    (ax,) = figure.axes
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert len(names) == 8
    assert names[-1] == "Other"
    # Drugs (34) is the largest of the named; "other" (37) and the two smallest make "Other".
    assert names[0] == "Drugs"
    assert len(ax.containers) == (1 if previous is None else 2)
    for container in ax.containers:
        assert len(container) == 8
    now = [bar.get_width() for bar in ax.containers[0]]
    assert now[-1] == CATEGORY["theft"] + CATEGORY["burglary"] + CATEGORY["other"]
    assert_large_type(figure)
    readable(charts.png(figure))


def test_category_chart_pairs_the_previous_period_lighter() -> None:
    figure = charts.category_figure(CATEGORY, LABELS, "t", PREVIOUS)
    now, before = figure.axes[0].containers
    assert before[0].get_width() == PREVIOUS["drugs"]
    assert before[0].get_height() < now[0].get_height()
    assert to_hex(before[0].get_facecolor()) != to_hex(now[0].get_facecolor())
    assert [t.get_text() for t in figure.legends[0].get_texts()] == [
        "This period",
        "Previous period",
    ]


# --- hotspots


CELLS = [
    (41.8350 + 0.0023 * (i % 6), -87.6550 + 0.003 * (i // 6), 3 + i % 7, f"Street {i}", False)
    for i in range(30)
] + [(41.8400, -87.6450, 31, "W 31st St", True)]


def test_hotspot_chart_highlights_and_names_the_hotspot() -> None:
    figure = charts.hotspot_figure(CELLS, "Where, last 4 weeks")
    (ax,) = figure.axes
    assert ax.get_aspect() == pytest.approx(1 / math.cos(math.radians(41.8400 - 0.0001)), rel=1e-3)
    (scatter,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(scatter.get_offsets()) == 31
    colours = {to_hex(c, keep_alpha=False) for c in scatter.get_facecolors()}
    assert colours == {charts.HOTSPOT_COLOUR.lower(), charts.CELL_COLOUR.lower()}
    sizes = list(scatter.get_sizes())
    assert sizes[0] == max(sizes)  # the biggest count has the biggest circle
    shown = [text for text in texts(figure) if re.search(r"\(\d+\)$", text)]
    assert "W 31st St (31)" in shown and len(shown) == 5
    assert any(text.endswith(" m") or text.endswith(" km") for text in texts(figure))
    assert_large_type(figure)
    readable(charts.png(figure))


def test_hotspot_chart_of_one_cell() -> None:
    readable(charts.hotspot_chart([(41.84, -87.65, 2, "Main St", False)], "One place"), ink=0.02)


# --- nothing to show


@pytest.mark.parametrize(
    "draw",
    [
        lambda: charts.weekly_figure(WEEKS, {}, LABELS, "Bridgeport"),
        lambda: charts.weekly_figure(WEEKS, {"theft": [0] * 12}, LABELS, "Bridgeport"),
        lambda: charts.weekly_figure([], {}, LABELS, "Bridgeport"),
        lambda: charts.category_figure({}, LABELS, "Bridgeport"),
        lambda: charts.category_figure({"theft": 0}, LABELS, "Bridgeport", {"theft": 0}),
        lambda: charts.hotspot_figure([], "Bridgeport"),
        lambda: charts.hotspot_figure([(41.8, -87.6, 0, "x", False)], "Bridgeport"),
    ],
)
def test_no_incidents_says_so(draw: object) -> None:
    assert callable(draw)
    figure = draw()
    assert charts.EMPTY_TEXT in texts(figure)
    readable(charts.png(figure), ink=0.003)


def test_empty_chart_bytes() -> None:
    for png in [
        charts.weekly_chart(WEEKS, {}, LABELS, "Bridgeport"),
        charts.category_chart({}, LABELS, "Bridgeport"),
        charts.hotspot_chart([], "Bridgeport"),
    ]:
        readable(png, ink=0.003)


def test_same_data_same_bytes() -> None:
    first = charts.category_chart(CATEGORY, LABELS, "t", PREVIOUS)
    assert charts.category_chart(CATEGORY, LABELS, "t", PREVIOUS) == first


def test_matplotlib_loads_only_when_drawing_and_never_pyplot() -> None:
    script = (
        "import sys\n"
        "import core.crimedata.charts as charts, core.crimedata.hotspots, core.crimedata.trends\n"
        "assert 'matplotlib' not in sys.modules, 'imported at module level'\n"
        "png = charts.category_chart({'theft': 3}, {'theft': 'Theft'}, 'x')\n"
        "assert png.startswith(bytes([137, 80, 78, 71]))\n"
        "assert 'matplotlib' in sys.modules\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot was imported'\n"
    )
    result = subprocess.run(  # the interpreter running the tests, with a clean sys.modules
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
