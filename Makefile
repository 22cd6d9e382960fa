# Counterfoil: `make demo` and `make test` work on a fresh Debian 12 machine as root.
#   make deps     install the Debian packages (Node.js, Chromium and a CJK font for the console's
#                 tests included)
#   make build    configure and build the dev preset (Debug, Ninja, ccache) and the web console
#   make web      the web console only: `npm ci` (lock file) and `vite build` into web/dist
#   make test     deps + build (ASan/UBSan preset) + the whole test suite, then the console's
#                 Vitest unit tests and its Playwright end-to-end tests in Debian's Chromium
#   make demo     deps + build + `counterfoil serve --demo` on http://127.0.0.1:8080 (the console at /)
#   make bench    Release build + the benchmarks (see bench/README.md and
#                 src/screening/README.md)

APT_PACKAGES := build-essential cmake ninja-build ccache pkg-config git python3 curl \
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev \
  libsqlite3-dev sqlite3 libssl-dev libsodium-dev libcli11-dev libtomlplusplus-dev \
  libspdlog-dev libfmt-dev libzip-dev libgtest-dev libgmock-dev libbenchmark-dev \
  clang libclang-rt-14-dev \
  libvectorscan-dev libicu-dev wamerican libsimdjson-dev \
  libjpeg62-turbo-dev libpng-dev libwebp-dev \
  nodejs chromium fonts-wqy-zenhei

JOBS ?= $(shell nproc)
DEMO_DATA ?= ./counterfoil-demo
# ccache keys on paths relative to the checkout, so a fresh clone (as CI makes)
# reuses what earlier builds on the same machine compiled.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true
export CCACHE_MAXSIZE ?= 5G

.PHONY: deps build build-asan web web-test test demo bench fuzz clean format

deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@# Debian's nodejs comes without npm (its npm package); a Node.js that bundles npm needs nothing.
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  echo "installing: npm"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends npm; }

build: deps web
	cmake --preset dev >/dev/null
	cmake --build build/dev -j $(JOBS)

# The web console (web/): dependencies exactly as the lock file says, then
# the production build that `counterfoil serve` serves at /.
web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error

web: deps web/node_modules/.package-lock.json
	cd web && npm run --silent build

# The console's tests: Vitest, then Playwright (playwright-core) driving
# /usr/bin/chromium against a real `counterfoil serve --demo --test-clock` on a
# free loopback port with a temporary data directory. Screenshots of every main
# screen land in web/test-results/screenshots.
WEB_TEST_BINARY ?= build/asan/src/cli/counterfoil
define web_tests
	cd web && npx --no-install vitest run
	cd web && node e2e/run.mjs --binary ../$(WEB_TEST_BINARY)
endef
web-test: web
	$(web_tests)

build-asan: deps
	cmake --preset asan >/dev/null
	cmake --build build/asan -j $(JOBS)

test: build-asan web
	cd build/asan && ctest --output-on-failure -j $(JOBS) --timeout 600
	$(web_tests)

demo: build
	./build/dev/src/cli/counterfoil serve --demo --data $(DEMO_DATA) --listen 127.0.0.1:8080 --console web/dist

bench: deps
	cmake --preset release >/dev/null
	cmake --build build/release -j $(JOBS)
	./build/release/bench/notice_intake_benchmark
	./build/release/bench/screening_benchmark
	./build/release/bench/photo_hash_benchmark
	./build/release/bench/hash_index_benchmark

# libFuzzer targets (clang), each run for FUZZ_SECONDS.
FUZZ_SECONDS ?= 60
fuzz: deps
	cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
	  -DCOUNTERFOIL_BUILD_FUZZ=ON -DCOUNTERFOIL_BUILD_TESTS=OFF \
	  -DCMAKE_CXX_FLAGS="-O1 -g -fsanitize=address,undefined,fuzzer-no-link" >/dev/null
	cmake --build build/fuzz -j $(JOBS) --target json_fuzz csv_fuzz time_fuzz http_message_fuzz
	for t in json csv time; do ./build/fuzz/src/common/$${t}_fuzz -max_total_time=$(FUZZ_SECONDS) tests/fuzz/corpus/$$t; done
	./build/fuzz/src/api/http/http_message_fuzz -max_total_time=$(FUZZ_SECONDS) src/api/http/fuzz_corpus
	cmake --build build/fuzz -j $(JOBS) --target listing_json_fuzz catalogue_json_fuzz normalize_fuzz
	for t in listing_json catalogue_json normalize; do ./build/fuzz/src/screening/$${t}_fuzz -max_total_time=$(FUZZ_SECONDS) tests/fuzz/corpus/$$t; done
	cmake --build build/fuzz -j $(JOBS) --target jpeg_fuzz png_fuzz webp_fuzz pnm_fuzz bank_csv_fuzz
	for t in jpeg png webp pnm bank_csv; do ./build/fuzz/src/imaging/$${t}_fuzz -max_total_time=$(FUZZ_SECONDS) tests/fuzz/corpus/$$t; done

format:
	find src tests bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf build web/dist web/node_modules web/test-results
