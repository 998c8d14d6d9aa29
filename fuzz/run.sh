#!/usr/bin/env bash
# Runs each fuzz target for a bounded time, one after the other.
#
#   fuzz/run.sh [SECONDS] [TARGET...]     (default: 600 s each; yaml kdl pipeline)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). On a stable
# toolchain RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its `-Z` flags. The build
# keeps debug assertions (integer overflow panics, as in `cargo test`) and
# uses no sanitizer: monocle forbids unsafe code, so a crash is a panic.
# The committed seeds (fuzz/seeds/<target>/, copied from specs/ and tests/)
# are copied into the working corpus (fuzz/corpus/<target>/, not committed);
# crashes land in fuzz/artifacts/<target>/. Runs under `nice -n 19`.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(yaml kdl pipeline)
export RUSTC_BOOTSTRAP=1

status=0
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "artifacts/$target"
  cp -n seeds/"$target"/* "corpus/$target/" 2>/dev/null || true
  echo "== $target for ${seconds}s"
  if ! nice -n 19 cargo fuzz run --sanitizer none --debug-assertions "$target" "corpus/$target" -- \
      -dict=spec.dict -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
      -print_final_stats=1; then
    echo "!! $target found a crash: see fuzz/artifacts/$target/" >&2
    status=1
  fi
done
exit "$status"
