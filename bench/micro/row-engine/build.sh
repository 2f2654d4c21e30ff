#!/bin/sh
# Builds engine.wasm from engine.c. Needs clang and lld (Debian: apt-get install clang lld);
# the built engine.wasm is committed, so running the experiment needs neither.
set -e
cd "$(dirname "$0")"
clang --target=wasm32 -O2 -mbulk-memory -nostdlib \
  -Wl,--no-entry -Wl,--export=render -Wl,--allow-undefined -Wl,--import-memory \
  -Wl,--max-memory=2147483648 -o engine.wasm engine.c
