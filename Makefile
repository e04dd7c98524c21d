# The two set-up commands the README promises. Both work on a fresh machine with Python 3.10+.
#   make book   install, build the book, and serve it at http://127.0.0.1:8000
#   make test   install (including Debian's chromium for the browser tests) and run every test
#   make hub    a real JupyterHub on http://127.0.0.1:18000 for a local class trial (Ctrl-C stops everything)
#
# Everything installs into .venv (Python) and node_modules (Pyodide for the live routine builder, pinned in
# package-lock.json, needs npm) inside the checkout; nothing is downloaded at build or test time.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
# The class hub lives in its own virtualenv (requirements-hub.txt). It is made from a Python every learner's Unix
# user can run: Debian's /usr/bin/python3 when present (a Python under /root, such as pyenv's, is not readable
# by other users).
HUB_VENV   ?= .venv-hub
HUB_PYTHON ?= $(shell [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo $(PYTHON))
HUB_PORT   ?= 18000

.PHONY: book build serve test install browser student pdf clean hub hub-env

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@command -v npm >/dev/null || { echo "npm not found: install Node.js and npm (Debian: apt-get install npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error

# Debian's chromium for the browser tests and screenshots (needs root or sudo; skipped if already there).
browser:
	@if [ -x /usr/bin/chromium ] || [ -n "$$BACKCOURSE_CHROMIUM" ]; then echo "chromium: present"; else \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core; fi

build: install
	BACKCOURSE_DIARY_SAMPLE=1 $(BIN)/jupyter-book build . -n -W --keep-going
	@echo "The book is in _build/html. Open _build/html/index.html, or run 'make serve'."

serve:
	@echo "Serving the book at http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

book: build serve

$(HUB_VENV)/.installed: requirements-hub.txt
	$(HUB_PYTHON) -m venv $(HUB_VENV)
	$(HUB_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(HUB_VENV)/bin/python -m pip install --quiet -r requirements-hub.txt
	touch $@

hub-env: $(HUB_VENV)/.installed

# A real JupyterHub for a class trial: the learners' names and the shared password are printed at start; make a
# notebook's link with `python -m backcourse.teach.assign` (book/instructors/class-scale.md shows how).
hub: install hub-env
	$(BIN)/python -m backcourse.teach.hub --port $(HUB_PORT)

test: install browser hub-env
	BACKCOURSE_DIARY_SAMPLE=1 $(BIN)/python -m pytest

# The student edition: every solution removed, built to _build/student (see the instructor guide).
student: install
	$(BIN)/python -m backcourse.book.edition student

# The whole course as one PDF booklet (_build/html/moving-again.pdf), printed from the built book by Chromium
# (backcourse/book/pdf.py); the landing page then links to it.
pdf: build browser
	$(BIN)/python -m backcourse.book.pdf

clean:
	rm -rf _build
