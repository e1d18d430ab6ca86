# hv-foundation: the two commands a new user needs are `make preview` and `make test`.
# Both create .venv and install the pinned requirements first (idempotent).

# .venv is made from the distribution's CPython 3.11 where there is one with venv (Debian's is
# built with PGO and LTO and linked statically: preflight's program runs measured ~20 % faster
# than on pyenv's default build), else from python3 (in CI, the 3.11 setup-python installs).
# `make PYTHON=...` picks another; `make clean` first to rebuild an existing .venv with it.
DISTRO_PYTHON ?= /usr/bin/python3.11
PYTHON ?= $(shell $(DISTRO_PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1 \
	&& echo $(DISTRO_PYTHON) || echo python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
STACK  ?= dev

.PHONY: setup preview test lint typecheck pytest bench audit clean

setup: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt policies/requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-r requirements.txt -r requirements-dev.txt -r policies/requirements.txt
	@touch $@

## preview: run the program offline on STACK (default dev; several: STACK="dev prod", side by
## side) and gate it with the policy pack
preview: setup
	$(BIN)/python -m preflight $(addprefix --stack ,$(STACK)) $(PREFLIGHT_ARGS)

## test: lint, type-check and the whole pytest suite
test: setup lint typecheck pytest

lint: setup
	$(BIN)/ruff check .

typecheck: setup
	$(BIN)/mypy

pytest: setup
	$(BIN)/python -m pytest -q -n 2 --dist worksteal

## bench: both stacks against the CDK anchor (wall, peak memory, ratios), one stack alone, the
## cost of a service, the audit scan. CDK_ANCHOR is where the anchor app lives on this machine.
CDK_ANCHOR ?= /work/shared/anchors/cdk-equivalent
bench: setup
	CDK_ANCHOR=$(CDK_ANCHOR) $(BIN)/python -m benchmarks

## audit: scan the live account (ambient AWS credentials) for contract breaches
audit: setup
	$(BIN)/python -m audit $(AUDIT_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
