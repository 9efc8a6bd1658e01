"""Charts as server-rendered SVG geometry: no charting library, no CDN, no script, so the
admin's strict CSP (script-src 'self', style-src 'self') holds. Templates draw the shapes
(templates/analytics/_bars.html, _hbars.html); every chart also has a text summary and its
numbers are in the table and CSV beside it."""

from dataclasses import dataclass

from core.money import format_cents

WIDTH, HEIGHT, PAD_TOP, PAD_BOTTOM = 640, 180, 12, 22


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str  # shown on hover and read by screen readers (<title>)


@dataclass(frozen=True)
class BarChart:
    slug: str
    title: str
    bars: list[Bar]
    max_label: str
    start_label: str
    end_label: str
    total_label: str
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def baseline(self) -> int:
        return self.height - PAD_BOTTOM

    @property
    def label_y(self) -> int:
        return self.height - 6


def _fmt(value, money: bool) -> str:
    return format_cents(value) if money else f"{value:,}"


def day_bars(series: list[dict], column: str, *, title: str, slug: str, money: bool = False) -> BarChart:
    values = [row[column] or 0 for row in series]
    top = max(values, default=0) or 1
    slot = WIDTH / max(len(values), 1)
    gap = min(2.0, slot * 0.2)
    usable = HEIGHT - PAD_TOP - PAD_BOTTOM
    bars = []
    for i, (row, value) in enumerate(zip(series, values, strict=True)):
        height = round(usable * value / top, 2)
        bars.append(Bar(x=round(i * slot + gap / 2, 2), y=round(HEIGHT - PAD_BOTTOM - height, 2),
                        width=round(slot - gap, 2), height=height,
                        title=f"{row['day']:%b %-d}: {_fmt(value, money)}"))
    return BarChart(
        slug=slug, title=title, bars=bars, max_label=_fmt(max(values, default=0), money),
        start_label=f"{series[0]['day']:%b %-d}" if series else "", end_label=f"{series[-1]['day']:%b %-d}" if series else "",
        total_label=_fmt(sum(values), money),
    )


@dataclass(frozen=True)
class HBar:
    label: str
    value_label: str
    width: float  # 0..100, a share of the longest bar
    y: int


def hbars(items: list[tuple[str, float, str]], *, row_height: int = 28) -> tuple[list[HBar], int]:
    """Horizontal bars (label, value, value_label) scaled to the largest value; returns the
    rows and the SVG height."""
    top = max((value for _, value, _ in items), default=0) or 1
    rows = [HBar(label=label, value_label=shown, width=round(100 * value / top, 2), y=i * row_height)
            for i, (label, value, shown) in enumerate(items)]
    return rows, max(len(rows), 1) * row_height
