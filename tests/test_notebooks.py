"""The notebooks run in CI: each is executed on a slice of the bundled sample, outputs stripped in git."""
import json

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from tests.conftest import ENCODER_DIR, ROOT, SAMPLE

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_three_notebooks_exist():
    assert {p.stem for p in NOTEBOOKS} == {"retrain", "error_analysis", "explore_coverage"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_outputs_are_stripped(path):
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, f"{path.name}: strip outputs"


@pytest.fixture(scope="module")
def small_texts(tmp_path_factory):
    texts = pd.read_csv(SAMPLE / "recommendations.csv", dtype=str, keep_default_na=False)
    chosen = texts.drop_duplicates("rec_id").groupby("study_group").head(3)["rec_id"]
    folder = tmp_path_factory.mktemp("texts")
    texts[texts["rec_id"].isin(chosen)].to_csv(folder / "recommendations.csv", index=False)
    return folder


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, small_texts, embedding_store, tmp_path):
    notebook = nbformat.read(path, as_version=4)
    parameters = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
    models = tmp_path / "models" if path.stem == "retrain" else ROOT / "models" / "classifier"
    parameters.source += (f"\nTEXTS = Path({str(small_texts)!r})\nSTORE = Path({str(embedding_store)!r})"
                          f"\nENCODER = Path({str(ENCODER_DIR)!r})\nMODELS = Path({str(models)!r})"
                          f"\nWORK = Path({str(tmp_path / 'work')!r})")
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    if path.stem == "retrain":
        assert (models / "current").exists()
