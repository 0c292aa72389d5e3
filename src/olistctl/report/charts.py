"""The HTML report's charts: plotly figures of the named queries' answers.

Each function takes a query's ``columns`` and ``rows`` (as the engines return
them) and returns a ``plotly.graph_objects.Figure``. plotly is imported here
only, so nothing else of olistctl needs it (``pip install 'olistctl[report]'``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

BLUE, ORANGE, GREY = "#1d4ed8", "#d97706", "#64748b"
HEIGHT = 420
TOP_CATEGORIES = 15


@dataclass(frozen=True)
class ChartSpec:
    query: str  # the named query it draws
    title: str
    caption: str


CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec(
        "monthly_orders_gmv",
        "Orders and GMV per month",
        "Orders by purchase month (left axis) and GMV, items' price + freight (right axis).",
    ),
    ChartSpec(
        "revenue_by_category",
        f"Item revenue by category (top {TOP_CATEGORIES})",
        "Sum of item prices per product category, in English where a translation exists.",
    ),
    ChartSpec(
        "delivery_by_state",
        "Delivery days and late share by customer state",
        "Delivered orders: average days from purchase to delivery (bars) and the share"
        " delivered after the promised date, timestamp rule (dots, right axis).",
    ),
    ChartSpec(
        "late_delivery_vs_review",
        "Review score against days late",
        "Average review score of delivered orders by days late (calendar-day rule), with"
        " the share of 1-2 star reviews (dots, right axis).",
    ),
    ChartSpec(
        "cohort_retention",
        "Monthly cohort retention",
        "Share of each month's new customers (unique people) who bought again N months"
        " later; month 0 (everyone) is left out.",
    ),
)


def _number(value: Any) -> float | None:
    if value is None:
        return None
    return float(value) if isinstance(value, int | float | Decimal) else float(str(value))


def _column(columns: Sequence[str], rows: Sequence[Sequence[Any]], name: str) -> list[Any]:
    at = list(columns).index(name)
    return [row[at] for row in rows]


def _layout(fig: Any, *, y_title: str, y2_title: str | None = None, **extra: Any) -> Any:
    layout: dict[str, Any] = {
        "height": HEIGHT,
        "margin": {"l": 70, "r": 70 if y2_title else 24, "t": 24, "b": 60},
        "template": "plotly_white",
        "font": {"family": "system-ui, sans-serif", "size": 13},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero"},
        "legend": {"orientation": "h", "y": 1.08, "x": 0},
        "hovermode": "x unified",
    }
    if y2_title:
        layout["yaxis2"] = {
            "title": {"text": y2_title},
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "showgrid": False,
        }
    layout.update(extra)
    fig.update_layout(**layout)
    return fig


def monthly_orders_gmv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Any:
    import plotly.graph_objects as go

    months = _column(columns, rows, "month")
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=months,
            y=[_number(v) for v in _column(columns, rows, "orders")],
            name="orders",
            mode="lines+markers",
            line={"color": BLUE, "width": 2},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=months,
            y=[_number(v) for v in _column(columns, rows, "gmv")],
            name="GMV (R$)",
            mode="lines+markers",
            yaxis="y2",
            line={"color": ORANGE, "width": 2},
        )
    )
    return _layout(fig, y_title="orders", y2_title="GMV (R$)", xaxis={"type": "category"})


def revenue_by_category(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Any:
    import plotly.graph_objects as go

    top = list(rows)[:TOP_CATEGORIES][::-1]  # the query sorts by revenue; biggest on top
    fig = go.Figure(
        go.Bar(
            x=[_number(v) for v in _column(columns, top, "revenue")],
            y=_column(columns, top, "category"),
            orientation="h",
            marker={"color": BLUE},
            name="revenue (R$)",
        )
    )
    return _layout(
        fig,
        y_title="",
        xaxis={"title": {"text": "item revenue (R$)"}},
        margin={"l": 190, "r": 24, "t": 24, "b": 60},
        hovermode="y",
    )


def _bars_and_points(
    x: list, bars: list, bar_name: str, points: list, point_name: str, *, joined: bool
) -> Any:
    """Bars on the left axis and points on the right one (``y2``), ``joined`` by a line."""
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.add_trace(go.Bar(x=x, y=bars, name=bar_name, marker={"color": BLUE}))
    fig.add_trace(
        go.Scatter(
            x=x,
            y=points,
            name=point_name,
            mode="lines+markers" if joined else "markers",
            yaxis="y2",
            marker={"color": ORANGE, "size": 9},
            **({"line": {"color": ORANGE}} if joined else {}),
        )
    )
    return fig


def delivery_by_state(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Any:
    days = list(columns).index("avg_delivery_days")
    # A state without a delivered order has no average: it goes last.
    ordered = sorted(rows, key=lambda r: (r[days] is None, _number(r[days]) or 0.0))
    fig = _bars_and_points(
        _column(columns, ordered, "state"),
        [_number(v) for v in _column(columns, ordered, "avg_delivery_days")],
        "average delivery days",
        [_number(v) for v in _column(columns, ordered, "late_pct")],
        "late (% of delivered)",
        joined=False,
    )
    return _layout(
        fig, y_title="days", y2_title="late %", xaxis={"type": "category", "title": "state"}
    )


def late_delivery_vs_review(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Any:
    calendar = [r for r in rows if r[list(columns).index("comparison")] == "calendar-day rule"]
    fig = _bars_and_points(
        _column(columns, calendar, "bucket"),
        [_number(v) for v in _column(columns, calendar, "avg_score")],
        "average review score",
        [_number(v) for v in _column(columns, calendar, "bad_review_pct")],
        "1-2 star reviews (%)",
        joined=True,
    )
    return _layout(
        fig,
        y_title="score (1-5)",
        y2_title="1-2 stars %",
        xaxis={"type": "category", "title": "delivered"},
    )


def cohort_retention(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Any:
    import plotly.graph_objects as go

    offset = list(columns).index("month_offset")  # a group key: never NULL
    later = [r for r in rows if int(r[offset]) > 0]
    cohorts = sorted({r[list(columns).index("cohort")] for r in later})
    offsets = sorted({int(r[offset]) for r in later})
    cell = {
        (r[list(columns).index("cohort")], int(r[offset])): (
            _number(r[list(columns).index("retention_pct")])
        )
        for r in later
    }
    z = [[cell.get((c, m)) for m in offsets] for c in cohorts]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[str(m) for m in offsets],
            y=cohorts,
            colorscale="Blues",
            colorbar={"title": {"text": "%"}},
            hovertemplate="cohort %{y}, month %{x}: %{z}%<extra></extra>",
        )
    )
    return _layout(
        fig,
        y_title="first purchase month",
        xaxis={"title": {"text": "months after the first purchase"}, "type": "category"},
        yaxis={
            "title": {"text": "first purchase month"},
            "type": "category",
            "autorange": "reversed",
        },
        hovermode="closest",
    )


FIGURES = {
    "monthly_orders_gmv": monthly_orders_gmv,
    "revenue_by_category": revenue_by_category,
    "delivery_by_state": delivery_by_state,
    "late_delivery_vs_review": late_delivery_vs_review,
    "cohort_retention": cohort_retention,
}
