"""Reports to read outside the terminal: markdown and self-contained HTML pages.

``page`` holds the HTML building blocks (no dependencies); ``markdown_text`` the one
Markdown escape (a table cell's text, code spans), also used by ``-o markdown``;
``quality_doc`` renders a quality overview as markdown or HTML; ``charts`` and ``html_report`` build
``olistctl report html``, which needs plotly (``pip install 'olistctl[report]'``)
and imports it only there.
"""
