"""The coverage tables as one Excel workbook, a sheet per table, for chairs who live in Excel.

No cell of the workbook is ever a formula. Text that a spreadsheet would run as one (``=``, ``+``,
``-``, ``@`` …) is defused as in our CSVs (``pipeline.atomic.defuse_formulas``: a leading ``'``),
and XlsxWriter is told never to turn strings into formulas or links either. XlsxWriter in
constant-memory mode, rather than openpyxl, because the drill-down and trend sheets run to tens of
thousands of rows on the full catalogue and openpyxl alone took longer than the rest of the stage.
"""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import xlsxwriter

from pipeline.atomic import atomic_path, defuse_formulas

WIDTHS = {"name_en": 48, "name_fr": 48, "title_en": 60, "title_fr": 60, "evidence": 80, "rule_en": 70,
          "rule_fr": 70, "evidence_en": 70, "evidence_fr": 70, "rec_id": 26, "drill": 30}
OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
           "strings_to_numbers": False, "default_date_format": "yyyy-mm-dd"}


def _value(value):
    """Plain Python values: no NA, no numpy scalars (NaN and NA become empty cells)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):
        return value.item()
    return value


def write_workbook(target: Path, tables: dict[str, pd.DataFrame]) -> None:
    """One sheet per table, named after it (at most 31 characters), written atomically."""
    with atomic_path(target) as tmp:
        book = xlsxwriter.Workbook(str(tmp), OPTIONS)
        header = book.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1B4F91"})
        for name, frame in tables.items():
            sheet = book.add_worksheet(name[:31])
            for i, column in enumerate(frame.columns):
                sheet.set_column(i, i, WIDTHS.get(column, max(10, min(24, len(column) + 2))))
            sheet.freeze_panes(1, 0)
            sheet.write_row(0, 0, [str(c) for c in frame.columns], header)
            for r, values in enumerate(defuse_formulas(frame).itertuples(index=False, name=None), start=1):
                for c, value in enumerate(values):
                    value = _value(value)
                    if value is None:
                        continue
                    if isinstance(value, str):
                        sheet.write_string(r, c, value)
                    elif isinstance(value, (dt.date, dt.datetime)):
                        sheet.write_datetime(r, c, value)
                    elif isinstance(value, bool):
                        sheet.write_boolean(r, c, value)
                    else:
                        sheet.write_number(r, c, value)
            if len(frame):
                sheet.autofilter(0, 0, len(frame), len(frame.columns) - 1)
        book.close()
