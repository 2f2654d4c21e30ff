#!/bin/sh
# Builds xlmerge's two WebAssembly modules: the reader's row engine
# (src/xlsx/read/row-engine/engine.c) and the writer's row copier
# (src/xlsx/write/row-copier/copier.c, with SIMD). First it generates what C and TypeScript
# share: src/core/excel-limits.h from src/core/excel-limits.ts (generate-limits.mjs) and the
# engine's engine-layout.ts from its engine-layout.h (generate-layout.mjs, which asks clang).
# Each module is embedded beside its source (engine-wasm.ts, copier-wasm.ts: base64) with the
# files it was built from and their SHA-256 (embed-wasm.mjs; a test checks them). The
# generated files are committed, so building and testing xlmerge need no C compiler.
#
#   sh src/wasm/build.sh        regenerates the files in place
#   sh src/wasm/build.sh DIR    writes them all to DIR instead, the tree untouched (the test
#                               that rebuilds the modules compares them with the committed ones)
#
# Needs clang 14.0.x with wasm-ld (Debian 12: apt-get install clang-14 lld-14): the committed
# modules are its output, byte for byte, and another version compiles other bytes, so any
# other is refused. CLANG names the compiler; else clang-14, else clang.
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

refuse() {
  echo "build.sh: $1" >&2
  echo "build.sh: the committed modules are clang 14's, byte for byte: install clang 14.0.x and its wasm-ld (Debian 12: apt-get install clang-14 lld-14), or set CLANG to it" >&2
  exit 1
}
clang=${CLANG:-}
if [ -z "$clang" ]; then
  for candidate in clang-14 clang; do
    if command -v "$candidate" >/dev/null 2>&1; then
      clang=$candidate
      break
    fi
  done
  [ -n "$clang" ] || refuse "no clang-14 or clang on PATH"
fi
version=$("$clang" --version 2>/dev/null) || refuse "$clang does not run"
version=$(echo "$version" | head -n 1)
case "$version" in
  *"clang version 14.0."*) ;;
  *) refuse "$clang is not clang 14.0.x: $version" ;;
esac
linker=$("$clang" --print-prog-name=wasm-ld)
command -v "$linker" >/dev/null 2>&1 || refuse "$clang finds no wasm-ld (lld)"

target=${1:-}
if [ -n "$target" ]; then
  [ -d "$target" ] || refuse "$target is not a folder"
  target=$(cd "$target" && pwd)
fi
# Where the generated file $1 goes: in place, or in the target folder.
place() {
  if [ -n "$target" ]; then echo "$target/$(basename "$1")"; else echo "$1"; fi
}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
flags="--target=wasm32 -O2 -mbulk-memory -nostdlib -Wall -Wextra -Werror -Wl,--no-entry -Wl,--import-memory -Wl,--stack-first -Wl,-z,stack-size=65536"

# The files a C source is built from (itself and what it includes but system headers), from the root.
sources() {
  "$clang" --target=wasm32 "$@" -MM > "$out/depends" || exit 1
  sed -e 's/^[^:]*://' -e 's/\\$//' "$out/depends" | tr -s ' ' '\n' | grep -v '^$' |
    while read -r file; do realpath --relative-to=. "$file"; done
}

node src/wasm/generate-limits.mjs src/core/excel-limits.ts "$(place src/core/excel-limits.h)"

engine=src/xlsx/read/row-engine
node src/wasm/generate-layout.mjs "$clang" "$engine/engine-layout.h" "$(place "$engine/engine-layout.ts")"
"$clang" $flags -Wl,--allow-undefined \
  -Wl,--export=scan -Wl,--export=reset -Wl,--export=resume -Wl,--export=__heap_base -Wl,--export=config_address -Wl,--export=result_address -Wl,--export=strings_walk \
  -o "$out/engine.wasm" "$engine/engine.c"
engine_sources=$(sources "$engine/engine.c")
node src/wasm/embed-wasm.mjs ENGINE "$out/engine.wasm" "$(place "$engine/engine-wasm.ts")" $engine_sources

copier=src/xlsx/write/row-copier
"$clang" $flags -msimd128 -Wl,--export=copy_row -Wl,--export=__heap_base -o "$out/copier.wasm" "$copier/copier.c"
copier_sources=$(sources -msimd128 "$copier/copier.c")
node src/wasm/embed-wasm.mjs COPIER "$out/copier.wasm" "$(place "$copier/copier-wasm.ts")" $copier_sources

if [ -n "$target" ]; then cp "$out/engine.wasm" "$out/copier.wasm" "$target"; fi
wc -c "$out/engine.wasm" "$out/copier.wasm"
