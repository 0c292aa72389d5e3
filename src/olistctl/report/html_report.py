"""`olistctl report html`: one self-contained HTML file with the KPIs, charts, quality and cost.

plotly.js is inlined once in the page's head, so the file opens offline and
loads nothing from the network; each chart is a ``<div>`` drawn by it. The
sections are filled from answers the caller gathered (the named queries'
results, the quality overview, the cost report), so this module runs nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from olistctl.errors import ConfigError
from olistctl.report.charts import CHARTS, FIGURES
from olistctl.report.numbers import grouped, money_format, quantity
from olistctl.report.page import document, esc, table

GENERATOR = "olistctl"
INSTALL_HINT = "install the report extra: pip install 'olistctl[report]'"


@dataclass
class Answer:
    """A query's columns and rows (what the report needs of a QueryResult)."""

    columns: list[str]
    rows: list[Sequence[Any]]


@dataclass
class ReportInputs:
    title: str
    generated: str  # when, as text (UTC)
    source: str  # where the data came from: backend and location
    kpis: Answer | None = None
    answers: dict[str, Answer] = field(default_factory=dict)  # named query -> answer
    skipped: dict[str, list[str]] = field(default_factory=dict)  # named query -> missing tables
    quality: Any | None = None  # QualityOverview
    cost: Any | None = None  # CostReport
    notes: list[str] = field(default_factory=list)


def plotly_modules() -> tuple[Any, Any]:
    """plotly.io and plotly.offline, or ConfigError naming the extra to install."""
    try:
        import plotly.io as pio
        import plotly.offline as offline
    except ImportError:
        raise ConfigError(
            "report html draws its charts with plotly, which is not installed",
            hint=INSTALL_HINT,
        ) from None
    return pio, offline


def _kpi_section(kpis: Answer | None) -> str:
    if kpis is None or not kpis.rows:
        return ""
    cards = "".join(
        f'<div class="kpi"><div class="value">{esc(grouped(str(value)))}</div>'
        f'<div class="label">{esc(metric)}</div></div>'
        for metric, value in ((r[0], r[1]) for r in kpis.rows)
    )
    return f'<h2 id="kpis">Headline KPIs</h2>\n<div class="kpis">{cards}</div>'


def _chart_sections(inputs: ReportInputs, pio: Any) -> list[str]:
    out = ['<h2 id="charts">Charts</h2>']
    for spec in CHARTS:
        out.append(f"<h3>{esc(spec.title)}</h3>")
        answer = inputs.answers.get(spec.query)
        if answer is None:
            missing = ", ".join(inputs.skipped.get(spec.query, [])) or "its tables"
            out.append(f'<p class="note">Not drawn: the catalog has no {esc(missing)}.</p>')
            continue
        if not answer.rows:
            out.append('<p class="note">Not drawn: the query returned no rows.</p>')
            continue
        figure = FIGURES[spec.query](answer.columns, answer.rows)
        out.append(
            pio.to_html(
                figure,
                include_plotlyjs=False,  # inlined once, in the head
                full_html=False,
                div_id=f"chart-{spec.query}",
                default_height=f"{figure.layout.height}px",
                default_width="100%",
                config={"displaylogo": False, "responsive": True},
            )
        )
        out.append(
            f'<p class="note">{esc(spec.caption)} Query: <code>{esc(spec.query)}</code>.</p>'
        )
    return out


def _cost_section(cost: Any | None) -> str:
    if cost is None:
        return ""
    money = money_format(
        [ln.cost for ln in cost.lines] + [ln.projected_cost for ln in cost.lines]
        + [cost.total, cost.projection]
    )  # fmt: skip
    rows = [
        (
            ln.service,
            f"{quantity(ln.usage)} {ln.unit}",
            money(ln.cost),
            money(ln.projected_cost),
            ln.basis,
        )
        for ln in cost.lines
    ]
    rows.append(("Total", "", money(cost.total), money(cost.projection), ""))
    scaled = f", {cost.scale:g}x the data" if cost.scale != 1 else ""
    return "\n".join(
        [
            '<h2 id="cost">Cost</h2>',
            f'<p class="lead">{esc(cost.backend)} run priced in {esc(cost.region)},'
            f" {esc(cost.period.label)}{esc(scaled)}: {esc(money(cost.total))} so far,"
            f" {esc(money(cost.projection))} projected for the month.</p>",
            table(
                ["service", "usage", "cost", "month (projected)", "basis"],
                rows,
                numeric=[False, True, True, True, False],
            ),
            *(f'<p class="note">{esc(n)}</p>' for n in cost.notes),
        ]
    )


def render(inputs: ReportInputs) -> str:
    """The whole page, plotly.js included."""
    pio, offline = plotly_modules()
    from olistctl.report.quality_doc import quality_section

    head = f"<script>{offline.get_plotlyjs()}</script>\n"
    body = [
        f"<h1>{esc(inputs.title)}</h1>",
        f'<p class="lead">{esc(inputs.source)} · generated {esc(inputs.generated)}</p>',
        *(f'<p class="note">{esc(n)}</p>' for n in inputs.notes),
        _kpi_section(inputs.kpis),
        *_chart_sections(inputs, pio),
    ]
    if inputs.quality is not None:
        body.append(quality_section(inputs.quality, verbose=False))
    body.append(_cost_section(inputs.cost))
    body.append(
        "<footer>Made by olistctl report html. Charts drawn with plotly.js, which this file"
        " carries: it opens offline.</footer>"
    )
    return document(inputs.title, [b for b in body if b], head=head, generator=GENERATOR)


# How much of an existing file is read to recognise it (the generator meta is in it).
HEAD_BYTES = 4096


def is_ours(head: bytes) -> bool:
    """Whether a file's first bytes say olistctl wrote it (so it may be replaced)."""
    return f'<meta name="generator" content="{GENERATOR}">'.encode() in head


def answer_of(result: Any) -> Answer:
    return Answer(list(result.columns), [list(r) for r in result.rows])


def from_results(results: Mapping[str, Any]) -> dict[str, Answer]:
    return {name: answer_of(r) for name, r in results.items()}
