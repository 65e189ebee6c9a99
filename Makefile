# Two commands set up a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench lint clean system-deps

# Debian packages the fact sheets need: pango for WeasyPrint's PDFs, Chromium and poppler for
# the reader tests (screenshots, PDF pages as PNG). Installed only when absent.
SYSTEM_DEPS := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core chromium poppler-utils
system-deps:
	@missing=""; for p in $(SYSTEM_DEPS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing$$missing"; apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; fi

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/emerging demo

test: $(STAMP) system-deps
	MPLBACKEND=Agg $(BIN)/python -m pytest -n 2 -q tests --doctest-modules emerging --nbmake notebooks

bench: $(STAMP) system-deps
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	MPLBACKEND=Agg $(BIN)/python bench/run_all.py

lint: $(STAMP)
	$(BIN)/ruff check emerging tests bench analyses

clean:
	rm -rf $(VENV) data/processed/*.parquet data/processed/*.json figures/*.png figures/*.svg figures/*.pdf
