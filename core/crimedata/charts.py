"""Charts of local crime data as PNG bytes, sized and lettered to be read on a phone.

Matplotlib is imported inside the functions (it takes about half a second and the service
must start fast), and only through `Figure` and the Agg canvas: pyplot keeps global figures
and state, which is neither thread-safe nor freed when a handler is done.
"""

from __future__ import annotations

import math
import struct
import textwrap
import zlib
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from numpy.typing import NDArray

EMPTY_TEXT = "No incidents in this period"
OTHER_KEY = "other"
OTHER_LABEL = "Other"
MAX_SERIES = 5  # the weekly chart: the top 4 categories and "Other"
MAX_BARS = 8  # the product rule for any chart: no more than 8 bars

SIZE_IN = 7.2
DPI = 150  # 7.2 in x 150 dpi = 1080 px, a square Telegram shows full width on a phone
TITLE_PT = 22
TICK_PT = 15
LABEL_PT = 15
LEGEND_PT = 15

# Okabe-Ito: told apart by people with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442")
OTHER_COLOUR = "#9E9E9E"
CURRENT_COLOUR = "#0072B2"
PREVIOUS_COLOUR = "#A6CBE3"
HOTSPOT_COLOUR = "#D55E00"
CELL_COLOUR = "#0072B2"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_date(day: date) -> str:
    """ "Oct 6": the same in every locale the service may run under."""
    return f"{_MONTHS[day.month - 1]} {day.day}"


def _new_figure() -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(SIZE_IN, SIZE_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _title(figure: Figure, title: str) -> None:
    # At 22 pt about 40 characters fit across; a longer title wraps instead of being cut off.
    figure.suptitle(textwrap.fill(title, 40), fontsize=TITLE_PT, fontweight="bold")


def _style(ax: Axes) -> None:
    ax.tick_params(labelsize=TICK_PT)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def png(figure: Figure) -> bytes:
    """The figure as an 8-bit palette PNG: a third of the size of the RGBA one matplotlib
    writes (a stacked area of 26 weeks: about 60 KB instead of 170 KB), looking the same."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = figure.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        canvas = FigureCanvasAgg(figure)
    canvas.draw()
    # Our figures have an opaque white background, so the alpha channel says nothing.
    rgb = np.asarray(canvas.buffer_rgba())[..., :3]
    return _palette_png(rgb)


def _palette_png(rgb: NDArray[np.uint8]) -> bytes:
    """Encode an RGB image with its 256 most frequent colours, the rest mapped to the nearest.

    A chart is a few flat colours and their anti-aliased blends: keeping the frequent ones
    keeps every fill, line and letter exact, and only rare blend pixels move slightly.
    """
    import numpy as np

    height, width, _ = rgb.shape
    packed = (
        (rgb[..., 0].astype(np.uint32) << 16)
        | (rgb[..., 1].astype(np.uint32) << 8)
        | rgb[..., 2].astype(np.uint32)
    ).ravel()
    colours, inverse, frequency = np.unique(packed, return_inverse=True, return_counts=True)
    palette = colours[np.argsort(-frequency, kind="stable")[:256]]

    def channels(values: NDArray[np.uint32]) -> NDArray[np.int32]:
        return np.stack([(values >> 16) & 255, (values >> 8) & 255, values & 255], axis=1).astype(
            np.int32
        )

    distance = ((channels(colours)[:, None, :] - channels(palette)[None, :, :]) ** 2).sum(axis=2)
    index = distance.argmin(axis=1).astype(np.uint8)[inverse].reshape(height, width)
    # Each row starts with its filter type; 0 (none) is what the PNG spec advises for palettes.
    rows = np.zeros((height, width + 1), dtype=np.uint8)
    rows[:, 1:] = index

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)),
            chunk(b"PLTE", channels(palette).astype(np.uint8).tobytes()),
            chunk(b"IDAT", zlib.compress(rows.tobytes(), 6)),
            chunk(b"IEND", b""),
        ]
    )


def empty_figure(title: str) -> Figure:
    """A chart that says there is nothing to chart, rather than an error or a blank image."""
    figure = _new_figure()
    _title(figure, title)
    ax = figure.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, EMPTY_TEXT, ha="center", va="center", fontsize=20, color="#555555")
    return figure


def _grouped(totals: Mapping[str, int], keep: int) -> tuple[list[str], list[str]]:
    """The categories shown on their own (largest first) and those folded into "Other"."""
    present = [key for key, total in totals.items() if total > 0]
    # Sorting is stable, so equal totals keep the taxonomy's order.
    ranked = sorted((k for k in present if k != OTHER_KEY), key=lambda k: -totals[k])
    has_other = OTHER_KEY in present
    if len(ranked) + has_other <= keep + 1:
        return ranked, [OTHER_KEY] if has_other else []
    return ranked[:keep], ranked[keep:] + ([OTHER_KEY] if has_other else [])


def _label(key: str, labels: Mapping[str, str]) -> str:
    return labels.get(key, key.replace("_", " ").capitalize())


def weekly_figure(
    weeks: Sequence[date],
    counts: Mapping[str, Sequence[int]],
    labels: Mapping[str, str],
    title: str,
) -> Figure:
    """The weekly chart as a Figure: a stacked area of at most 5 series (see `weekly_chart`)."""
    for key, series in counts.items():
        if len(series) != len(weeks):
            raise ValueError(f"{key}: {len(series)} counts for {len(weeks)} weeks")
    totals = {key: sum(series) for key, series in counts.items()}
    if not weeks or not any(totals.values()):
        return empty_figure(title)

    shown, folded = _grouped(totals, MAX_SERIES - 1)
    names = [_label(key, labels) for key in shown]
    rows = [list(counts[key]) for key in shown]
    colours = list(PALETTE[: len(shown)])
    if folded:
        names.append(OTHER_LABEL)
        rows.append([sum(counts[key][i] for key in folded) for i in range(len(weeks))])
        colours.append(OTHER_COLOUR)

    figure = _new_figure()
    _title(figure, title)
    ax = figure.add_subplot()
    _style(ax)
    xs: list[float] = list(range(len(weeks)))
    if len(weeks) == 1:
        # An area needs two points: one week is drawn as a flat band the width of a week.
        xs = [-0.4, 0.4]
        rows = [row * 2 for row in rows]
    areas = ax.stackplot(xs, *rows, labels=names, colors=colours, linewidth=0.5)
    for area in areas:
        area.set_edgecolor("white")

    # Label every 2nd or 3rd week so the dates never collide, always including this week.
    step = max(1, math.ceil(len(weeks) / 6))
    ticks = list(range(len(weeks) - 1, -1, -step))[::-1]
    ax.set_xticks(ticks, [short_date(weeks[i]) for i in ticks])
    ax.set_xlim(min(xs), max(xs))
    ax.set_ylabel("Incidents per week", fontsize=LABEL_PT)
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", alpha=0.3)

    # Legend in the order of the stack as seen, top series first.
    handles, texts = ax.get_legend_handles_labels()
    figure.legend(
        handles[::-1],
        texts[::-1],
        loc="outside lower center",
        ncols=2,
        fontsize=LEGEND_PT,
        frameon=False,
    )
    return figure


def weekly_chart(
    weeks: Sequence[date],
    counts: Mapping[str, Sequence[int]],
    labels: Mapping[str, str],
    title: str,
) -> bytes:
    """Weekly counts of the last weeks with their type mix: the top 4 types and "Other"."""
    return png(weekly_figure(weeks, counts, labels, title))


def category_figure(
    counts: Mapping[str, int],
    labels: Mapping[str, str],
    title: str,
    previous: Mapping[str, int] | None = None,
) -> Figure:
    """The category chart as a Figure: at most 8 bar positions (see `category_chart`)."""
    before = previous or {}
    keys = list(dict.fromkeys([*counts, *before]))
    # Rank by this period; the previous one only decides among equals and brings in types
    # that went to zero (a fall to nothing is news too).
    totals = {key: counts.get(key, 0) * 100_000 + before.get(key, 0) for key in keys}
    if not any(totals.values()):
        return empty_figure(title)
    shown, folded = _grouped(totals, MAX_BARS - 1)
    names = [_label(key, labels) for key in shown]
    now = [counts.get(key, 0) for key in shown]
    then = [before.get(key, 0) for key in shown]
    if folded:
        names.append(OTHER_LABEL)
        now.append(sum(counts.get(key, 0) for key in folded))
        then.append(sum(before.get(key, 0) for key in folded))

    figure = _new_figure()
    _title(figure, title)
    ax = figure.add_subplot()
    _style(ax)
    positions = list(range(len(names)))
    if previous is None:
        bars = ax.barh(positions, now, height=0.65, color=CURRENT_COLOUR)
        ax.bar_label(bars, padding=4, fontsize=LABEL_PT)
    else:
        # One position per type: this period's bar, with the previous period's thinner and
        # lighter just under it.
        bars = ax.barh(
            [p - 0.17 for p in positions],
            now,
            height=0.4,
            color=CURRENT_COLOUR,
            label="This period",
        )
        ax.bar_label(bars, padding=4, fontsize=LABEL_PT)
        ax.barh(
            [p + 0.21 for p in positions],
            then,
            height=0.26,
            color=PREVIOUS_COLOUR,
            label="Previous period",
        )
        figure.legend(loc="outside lower center", ncols=2, fontsize=LEGEND_PT, frameon=False)
    ax.set_yticks(positions, names)
    ax.invert_yaxis()  # largest on top
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    # Room to the right of the longest bar for its number.
    ax.set_xlim(0, max([*now, *then]) * 1.15 + 0.5)
    ax.grid(axis="x", alpha=0.3)
    return figure


def category_chart(
    counts: Mapping[str, int],
    labels: Mapping[str, str],
    title: str,
    previous: Mapping[str, int] | None = None,
) -> bytes:
    """Incidents by type as horizontal bars (top 7 and "Other"), the previous period paired."""
    return png(category_figure(counts, labels, title, previous))


def _scale_metres(width_m: float) -> int:
    """A round distance about a quarter of the map's width, for the scale bar."""
    for metres in (50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 20_000):
        if metres >= width_m / 4:
            return metres
    return 50_000


def hotspot_figure(
    cells: Sequence[tuple[float, float, int, str, bool]], title: str, *, labelled: int = 5
) -> Figure:
    """The hotspot map as a Figure (see `hotspot_chart`)."""
    cells = [cell for cell in cells if cell[2] > 0]
    if not cells:
        return empty_figure(title)
    lats = [c[0] for c in cells]
    lons = [c[1] for c in cells]
    mid_lat = (min(lats) + max(lats)) / 2
    cos_lat = math.cos(math.radians(mid_lat))
    biggest = max(c[2] for c in cells)

    figure = _new_figure()
    _title(figure, title)
    ax = figure.add_subplot()
    _style(ax)
    # Small counts under big ones, so every circle can be seen.
    order = sorted(cells, key=lambda c: c[2], reverse=True)
    sizes = [80 + 1400 * c[2] / biggest for c in order]
    colours = [HOTSPOT_COLOUR if c[4] else CELL_COLOUR for c in order]
    ax.scatter(
        [c[1] for c in order],
        [c[0] for c in order],
        s=sizes,
        c=colours,
        alpha=0.65,
        edgecolors=["#7A2E00" if c[4] else "white" for c in order],
        linewidths=[2.0 if c[4] else 0.8 for c in order],
        zorder=3,
    )
    # The hotspots are named first, then the busiest of the rest.
    # A label is skipped when a cell within a fifth of the map's width already has one:
    # overlapping names help nobody.
    spread_m = max((max(lats) - min(lats)) * 111_320, (max(lons) - min(lons)) * 111_320 * cos_lat)
    near_m = max(spread_m, 600.0) / 5
    named: list[tuple[float, float, int, str, bool]] = []
    for cell in sorted(order, key=lambda c: not c[4]):
        if len(named) == labelled:
            break
        if all(
            math.hypot((cell[0] - o[0]) * 111_320, (cell[1] - o[1]) * 111_320 * cos_lat) >= near_m
            for o in named
        ):
            named.append(cell)
    for lat, lon, count, label, _significant in named:
        text = f"{label} ({count})" if label else str(count)
        ax.annotate(
            textwrap.fill(text, 22),
            (lon, lat),
            xytext=(0, 14 + 24 * math.sqrt(count / biggest)),
            textcoords="offset points",
            ha="center",
            fontsize=13,
            zorder=4,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8},
        )

    # Limits in metres, square around the cells, so the map fills the square image; a
    # single cell still gets its neighbourhood around it.
    m_lon = 111_320 * cos_lat
    half_m = max((max(lats) - min(lats)) * 111_320, (max(lons) - min(lons)) * m_lon) * 0.58
    half_m = max(half_m, 300.0)
    mid_lon = (min(lons) + max(lons)) / 2
    # Room below the cells for the scale bar, and above for the names.
    south, north = mid_lat - half_m * 1.25 / 111_320, mid_lat + half_m * 1.12 / 111_320
    west, east = mid_lon - half_m / m_lon, mid_lon + half_m / m_lon
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    # A degree of longitude is cos(lat) of a degree of latitude on the ground.
    ax.set_aspect(1 / cos_lat, adjustable="box")
    ax.grid(alpha=0.25, zorder=0)
    # Degrees mean nothing to a resident: the grid stays, the numbers go, and a scale bar
    # says how far things are.
    ax.tick_params(labelbottom=False, labelleft=False, length=0)
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color("#BBBBBB")

    metres = _scale_metres(2 * half_m)
    from matplotlib.lines import Line2D

    x0 = west + (east - west) * 0.04
    y0 = south + (north - south) * 0.03
    length = metres / m_lon
    ax.plot([x0, x0 + length], [y0, y0], color="#333333", linewidth=4, zorder=5)
    ax.annotate(
        f"{metres:,} m" if metres < 1000 else f"{metres / 1000:g} km",
        (x0 + length / 2, y0),
        xytext=(0, 6),
        textcoords="offset points",
        ha="center",
        fontsize=LABEL_PT,
        zorder=5,
    )
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=14,
            color=HOTSPOT_COLOUR,
            markeredgecolor="#7A2E00",
            label="Unusual rise",
        ),
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=14,
            color=CELL_COLOUR,
            alpha=0.65,
            label="Incidents (bigger = more)",
        ),
    ]
    if not any(c[4] for c in cells):
        handles = handles[1:]
    figure.legend(
        handles=handles, loc="outside lower center", ncols=2, fontsize=LEGEND_PT, frameon=False
    )
    return figure


def hotspot_chart(cells: Sequence[tuple[float, float, int, str, bool]], title: str) -> bytes:
    """Cells as circles on a map-free lat/lon plane, bigger for more, hotspots highlighted."""
    return png(hotspot_figure(cells, title))
