"""HTML building blocks for olistctl's pages: one file, no external resource.

Every page is self-contained: its CSS is inline and it links to nothing, so it
opens offline and from any folder. Values are escaped here, once.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

CSS = """
:root { color-scheme: light; --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec;
        --error: #b42318; --warn: #b54708; --info: #475467; --accent: #1d4ed8; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 24px 28px 48px;
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 8px; border-bottom: 1px solid var(--line);
     padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
p.lead, p.note { color: var(--muted); margin: 4px 0; }
table { border-collapse: collapse; margin: 8px 0; width: 100%; }
th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid var(--line);
         vertical-align: top; }
th { font-weight: 600; background: #f5f7fa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code, .key { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 13px; }
.sev-error { color: var(--error); font-weight: 600; }
.sev-warn { color: var(--warn); font-weight: 600; }
.sev-info { color: var(--info); }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 4px; font-weight: 700;
           color: #fff; }
.verdict.FAILED { background: var(--error); } .verdict.WARNINGS { background: var(--warn); }
.verdict.OK { background: #027a48; }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
        gap: 12px; margin: 12px 0; }
.kpi { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; }
.kpi .value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
.kpi .label { color: var(--muted); font-size: 13px; }
.chart { width: 100%; height: 420px; margin: 8px 0 4px; }
.samples { color: var(--muted); font-size: 13px; margin: 2px 0 0; padding-left: 18px; }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; }
"""


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def document(
    title: str, body: Iterable[str], *, head: str = "", generator: str | None = None
) -> str:
    """A whole page: the title, the inline CSS, anything else for the head, the body.

    ``generator`` goes first in the head, so that the few bytes read to recognise the
    file (``html_report.is_ours``) hold it whatever the CSS grows to."""
    meta = f'<meta name="generator" content="{esc(generator)}">\n' if generator else ""
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n{meta}'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n{head}</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    numeric: Sequence[bool] | None = None,
    raw_html: Sequence[bool] | None = None,
) -> str:
    """A table; ``numeric`` columns right-aligned, ``raw_html`` cells already escaped."""
    numeric = numeric or [False] * len(columns)
    raw_html = raw_html or [False] * len(columns)
    head = "".join(
        f'<th class="num">{esc(c)}</th>' if n else f"<th>{esc(c)}</th>"
        for c, n in zip(columns, numeric, strict=True)
    )
    out = [f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>"]
    for row in rows:
        cells = "".join(
            ('<td class="num">' if n else "<td>") + (str(v) if r else esc(v)) + "</td>"
            for v, n, r in zip(row, numeric, raw_html, strict=True)
        )
        out.append(f"<tr>{cells}</tr>")
    out.append("</tbody>\n</table>")
    return "\n".join(out)
