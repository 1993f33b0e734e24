# CapPlan's single entry point. `make demo` and `make test` are the README's quick start:
# each installs what it needs (GLPK from Debian's packages) when it is missing.
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
EXAMPLE ?= examples/midsize-3year.yaml

.PHONY: demo test build release deps test-deps clean

# libglpk-dev: the GLPK library and glpk.h, which the CGLPK module needs;
# libyaml-dev: libyaml and yaml.h, which the CLibYAML module (the scenario reader) needs.
deps:
	@if [ ! -f /usr/include/glpk.h ]; then \
		echo "installing libglpk-dev"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libglpk-dev; \
	fi
	@if [ ! -f /usr/include/yaml.h ]; then \
		echo "installing libyaml-dev"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libyaml-dev; \
	fi

# glpk-utils: glpsol and the example MPS files the tests check against;
# python3 with jsonschema and yaml: the JSON Schema tests;
# chromium: the report's browser test (Tests/CapPlanCLITests/ReportCLITests.swift), headless.
test-deps: deps
	@if ! command -v glpsol >/dev/null || [ ! -d /usr/share/doc/glpk-utils/examples ]; then \
		echo "installing glpk-utils"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq glpk-utils; \
	fi
	@if ! python3 -c 'import jsonschema, yaml' 2>/dev/null; then \
		if ! python3 -m pip install -q jsonschema pyyaml 2>/dev/null; then \
			$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-jsonschema python3-yaml; \
		fi; \
	fi
	@if ! command -v chromium >/dev/null; then \
		echo "installing chromium"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product capplan

demo: release
	.build/release/capplan plan $(EXAMPLE) -o plan.json
	@echo "JSON plan written to plan.json"

test: test-deps
	$(SWIFT) test

clean:
	rm -rf .build
