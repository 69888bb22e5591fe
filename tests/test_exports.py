"""Text from inputs must never become a live formula in a spreadsheet (CSV or XLSX export)."""
import openpyxl
import pandas as pd

from pipeline.atomic import write_csv
from pipeline.review import write_review_sheet

HOSTILE = ["=cmd|' /C calc'!A0", "+SUM(A1:A9)", "-2+3", "@HYPERLINK(\"http://x\")", "\t=1+1", "plain"]


def test_csv_cells_are_defused(tmp_path):
    write_csv(tmp_path / "out.csv", pd.DataFrame({"title": HOSTILE, "score": [0.5] * len(HOSTILE)}))
    back = pd.read_csv(tmp_path / "out.csv")
    assert back["title"].tolist()[:5] == ["'" + v for v in HOSTILE[:5]]
    assert back["title"].iloc[5] == "plain" and back["score"].iloc[0] == 0.5


def test_xlsx_cells_stay_text(tmp_path):
    sheet = tmp_path / "review.xlsx"
    write_review_sheet(pd.DataFrame({"id": ["ITU-T X.1 (01/2020)"] * len(HOSTILE), "title": HOSTILE}), sheet)
    cells = [row[1] for row in openpyxl.load_workbook(sheet)["review"].iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)
    assert not any(str(cell.value).startswith("=") for cell in cells)
