# The two commands of the README:  `make book`  and  `make test`.
# Each creates (or refreshes) a local virtual environment in .venv first, so a fresh
# machine needs nothing but Python 3.11+ and make (and, for the browser test, Chromium).
# The environment is installed with the exact versions of constraints.txt, the ones that
# produced the notebooks' stored outputs (`make lock` refreshes them).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Pinned BLAS/OpenMP thread counts for the second nbval pass of `make test`.
ONE_THREAD := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

.PHONY: book test notebooks lint clean vendor lock catalogs

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else \
	  "constraints.txt pins versions made for Python 3.11 or newer; run make with PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev,frameworks]"
	touch $(STAMP)

## book: release the student version of every exercise into _release/ (one zip each, linked
## from its chapter: stubs and public checks only), build the HTML book into _build/html
## (Sphinx warnings are errors), then print the page-weight table (fails if a chapter page with
## its images exceeds 3 MB)
book: $(STAMP)
	rm -rf _release
	$(BIN)/course-grade release --out _release
	cd _release && for d in */; do $(abspath $(BIN))/python -m zipfile -c "$${d%/}.zip" "$$d"; done
	$(BIN)/jupyter-book build . -W -n --keep-going
	$(BIN)/python _ext/edition.py html zh_CN
	$(BIN)/python _ext/edition.py gettext
	$(BIN)/python tests/page_weight.py

## test: unit tests, every chapter notebook under nbval (strict), and the built book in a
## headless Chromium with no network (screenshots in _build/screenshots/); then every notebook
## under strict nbval once more with one BLAS thread, so an output that depends on the thread
## count (a sum split differently between threads) fails here and not on a student's laptop
test: book
	$(BIN)/pytest
	$(ONE_THREAD) $(BIN)/pytest -p no:cacheprovider chapters exercises

## catalogs: after an English edit, refresh the Chinese edition's catalogs under locale/ from
## the sources: new paragraphs arrive untranslated and changed ones fuzzy, and
## tests/test_translation.py fails until they are translated
## (`python tests/translation_checks.py FILE.po` lists what one catalog still needs)
catalogs: $(STAMP)
	$(BIN)/python _ext/edition.py gettext
	$(BIN)/sphinx-intl update --pot-dir _build/gettext --locale-dir locale --language zh_CN \
	    --line-width 0 --no-obsolete

## notebooks: write the install cell (from _config.yml) into every chapter, then re-execute
## every chapter in place in a fresh kernel (commit the result)
notebooks: $(STAMP)
	$(BIN)/python -m course_utils.install_cell chapters/*.ipynb
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.record_timing=False \
	    chapters/*.ipynb

## lint: ruff format check and lint
lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

## vendor: maintainers only (needs npm) - refresh the offline copies of MathJax and the
## widget embedder in _assets/vendored/ from the npm packages pinned below, then commit them
MATHJAX_VERSION      := 3.2.2
HTML_MANAGER_VERSION := 1.0.15
vendor:
	rm -rf _build/vendor && mkdir -p _build/vendor
	cd _build/vendor && npm pack --silent mathjax@$(MATHJAX_VERSION) \
	    @jupyter-widgets/html-manager@$(HTML_MANAGER_VERSION) >/dev/null
	cd _build/vendor && for f in *.tgz; do mkdir -p "$${f%.tgz}" && tar xzf "$$f" -C "$${f%.tgz}"; done
	rm -rf _assets/vendored/mathjax _assets/vendored/jupyter-widgets
	mkdir -p _assets/vendored/mathjax/output/chtml/fonts _assets/vendored/jupyter-widgets
	cp _build/vendor/mathjax-*/package/es5/tex-mml-chtml.js \
	   _build/vendor/mathjax-*/package/LICENSE _assets/vendored/mathjax/
	cp -r _build/vendor/mathjax-*/package/es5/output/chtml/fonts/woff-v2 \
	   _assets/vendored/mathjax/output/chtml/fonts/
	cp _build/vendor/jupyter-widgets-html-manager-*/package/dist/embed.js \
	   _build/vendor/jupyter-widgets-html-manager-*/package/dist/embed.js.LICENSE.txt \
	   _build/vendor/jupyter-widgets-html-manager-*/package/dist/*.woff2 \
	   _assets/vendored/jupyter-widgets/

## lock: refresh constraints.txt from a fresh resolution of pyproject.toml's dependencies
## (then re-run `make notebooks`, check the diff of the outputs, and commit both)
LOCK_VENV := _build/lock-venv
lock:
	rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOCK_VENV)/bin/python -m pip install --quiet ".[dev,frameworks]"
	{ sed -n '/^#/p' constraints.txt; $(LOCK_VENV)/bin/python -m pip freeze --exclude-editable \
	    | grep -v -i '^course-utils' | sed 's/+cpu$$//'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt
	rm -rf $(LOCK_VENV)

clean:
	rm -rf _build .pytest_cache
