# The two commands of the README:  `make book`  and  `make test`.
# Each creates (or refreshes) a local virtual environment in .venv first, so a fresh
# machine needs nothing but Python 3.10+ and make.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: book test notebooks lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,frameworks]"
	touch $(STAMP)

## book: build the HTML book into _build/html (Sphinx warnings are errors)
book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going

## test: unit tests and every chapter notebook under nbval (strict)
test: $(STAMP)
	$(BIN)/pytest

## notebooks: re-execute every chapter in place in a fresh kernel (commit the result)
notebooks: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.record_timing=False \
	    chapters/*.ipynb

## lint: ruff format check and lint
lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

clean:
	rm -rf _build .pytest_cache
