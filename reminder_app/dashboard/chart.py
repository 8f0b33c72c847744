"""The 30-day chart, drawn on the server as SVG: no chart library, no script, no CDN.

Bars are each day's no-show rate, the line its confirmation rate, both in percent on one
axis. Colours come from classes in static/css/app.css (the CSP forbids inline styles).
The SVG scales to the width of its card; the page also carries the figures as a table.
"""

from markupsafe import Markup, escape

from .service import Day, Period

WIDTH, HEIGHT = 960, 250
LEFT, RIGHT, TOP, BOTTOM = 84, 8, 12, 30
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
#: Label every this many days on the x axis, counting back from today.
LABEL_EVERY = 7


def _y(rate: float) -> float:
    return TOP + PLOT_H * (1 - rate)


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.0%}"


def day_summary(day: Day) -> str:
    """What a person hovering over a day reads (and what the table says)."""
    if not day.appointments:
        return f"{day.day:%a %d %b}: no appointments"
    text = (f"{day.day:%a %d %b}: {day.appointments} appointment"
            f"{'s' if day.appointments != 1 else ''}, {day.confirmed} confirmed "
            f"({_percent(day.confirmation_rate)})")
    if day.attended + day.no_shows:
        text += f", {day.no_shows} no-show{'s' if day.no_shows != 1 else ''} " \
                f"({_percent(day.no_show_rate)})"
    return text


def render(period: Period) -> Markup:
    days = period.days
    band = PLOT_W / max(len(days), 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-title chart-desc" preserveAspectRatio="xMidYMid meet">',
        '<title id="chart-title">Confirmation rate and no-show rate, last '
        f'{len(days)} days before today</title>',
        f'<desc id="chart-desc">Confirmed: {_percent(period.confirmation_rate)} of '
        f'appointments; no-shows: {_percent(period.no_show_rate)} of appointments that took '
        'place. Bars: no-show rate per day. Line: confirmation rate per day.</desc>',
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        y = _y(tick)
        parts.append(f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
                     f'y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="chart-axis" x="{LEFT - 6}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{tick:.0%}</text>')
    for n, day in enumerate(days):
        x = LEFT + n * band
        if day.no_show_rate:
            height = PLOT_H * day.no_show_rate
            parts.append(
                f'<rect class="chart-bar" x="{x + band * 0.2:.1f}" y="{_y(day.no_show_rate):.1f}"'
                f' width="{band * 0.6:.1f}" height="{height:.1f}">'
                f'<title>{escape(day_summary(day))}</title></rect>')
        if (len(days) - 1 - n) % LABEL_EVERY == 0:
            last = n == len(days) - 1  # anchored at its end, so it stays inside the frame
            parts.append(f'<text class="chart-axis" x="{x + (band if last else band / 2):.1f}" '
                         f'y="{HEIGHT - BOTTOM + 20}" '
                         f'text-anchor="{"end" if last else "middle"}">{day.day:%d %b}</text>')
    parts.extend(_line(days, band))
    parts.append("</svg>")
    return Markup("".join(parts))


def _line(days: list[Day], band: float) -> list[str]:
    """The confirmation rate: a polyline per run of days with appointments, a dot per day."""
    runs: list[list[tuple[float, float]]] = [[]]
    dots = []
    for n, day in enumerate(days):
        rate = day.confirmation_rate
        if rate is None:
            if runs[-1]:
                runs.append([])
            continue
        point = (LEFT + n * band + band / 2, _y(rate))
        runs[-1].append(point)
        dots.append(f'<circle class="chart-dot" cx="{point[0]:.1f}" cy="{point[1]:.1f}" r="3">'
                    f'<title>{escape(day_summary(day))}</title></circle>')
    lines = [
        '<polyline class="chart-line" points="'
        + " ".join(f"{x:.1f},{y:.1f}" for x, y in run) + '"/>'
        for run in runs if len(run) > 1]
    return lines + dots
