# Two commands set up a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/emerging demo

test: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python -m pytest -n 2 -q tests --doctest-modules emerging --nbmake notebooks

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	MPLBACKEND=Agg $(BIN)/python bench/run_all.py

lint: $(STAMP)
	$(BIN)/ruff check emerging tests bench analyses

clean:
	rm -rf $(VENV) data/processed/*.parquet data/processed/*.json figures/*.png figures/*.svg figures/*.pdf
