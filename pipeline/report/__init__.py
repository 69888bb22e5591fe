"""The report stage's outputs for people: the bilingual HTML report, summary.md and the Excel workbook.

``render_report`` (page.py) builds one self-contained HTML file, ``render_summary`` (summary.py) the
Markdown digest in one language, ``write_workbook`` (workbook.py) coverage.xlsx. ``browser.py`` drives a
headless Chromium for screenshots and for the end-to-end test.
"""
from pipeline.report.page import render_report
from pipeline.report.summary import render_summary
from pipeline.report.workbook import write_workbook

__all__ = ["render_report", "render_summary", "write_workbook"]
