# ztgw entry points. `make run` and `make test` set up everything they need on Debian 12 with Node >= 20.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NPM ?= npm
DEBS := socat mosquitto mosquitto-clients openssl
# Commands each Debian package provides, to tell whether it is already installed.
DEB_PROBES := socat:socat mosquitto:mosquitto mosquitto_pub:mosquitto-clients openssl:openssl

.PHONY: help setup build check test unit hil bench package run clean

help:
	@echo "make setup | build | check | test | unit | hil | bench | package | run | clean"

node_modules/.package-lock.json: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund
	@touch $@

# Debian packages the HIL rig needs, installed only when missing (needs root or sudo).
.debs-ok:
	@missing=""; for p in $(DEB_PROBES); do cmd=$${p%%:*}; pkg=$${p##*:}; \
	  command -v $$cmd >/dev/null 2>&1 || [ -x /usr/sbin/$$cmd ] || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@touch $@

setup: node_modules/.package-lock.json .debs-ok

build: setup
	npx tsc -p tsconfig.json
	@mkdir -p build
	@node build/js/hil/package/write-launcher.js build/ztgw

check: setup
	npx biome ci .
	npx tsc -p tsconfig.json --noEmit

unit: build
	npx tsx test/run-suites.ts unit

hil: build
	npx tsx test/run-suites.ts hil

# Unit and HIL tests; ends with one line "N passed, N failed".
test: build
	npx tsx test/run-suites.ts unit hil

package: build
	npx tsx hil/package/make-sea.ts

bench: build
	npx tsx hil/bench/run.ts
	npx tsx hil/bench/audit-export.ts
	npx tsx hil/bench/journal.ts
	npx tsx hil/bench/data-path/run.ts --json build/bench-data-path.json

run: build
	bash hil/run-lab.sh
	npx tsx hil/lab/run-lab.ts

clean:
	rm -rf build .debs-ok
