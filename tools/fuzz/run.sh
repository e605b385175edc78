#!/usr/bin/env bash
# Builds one libFuzzer target and fuzzes it (one process, one job) for SECONDS seconds.
#
# Usage: tools/fuzz/run.sh TARGET SECONDS [more libFuzzer flags]
#   TARGET: text | binary | gzip | array | model | eval | index | stdin  (see docs/fuzzing.md)
#
# Corpus: tools/fuzz/corpus/TARGET (grows; git-ignored), seeded from tools/fuzz/seeds/TARGET
# (make-seeds.sh) and the regression corpus Tests/Corpus/fuzz/TARGET (read only).
# Crashes, leaks, timeouts and out-of-memory inputs go to tools/fuzz/artifacts/TARGET/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ $# -lt 2 ]; then
    echo "usage: $0 text|binary|gzip|array|model|eval|index|stdin SECONDS [libFuzzer flags]" >&2
    exit 2
fi
target=$1 seconds=$2
shift 2
case $target in
    text)   product=FuzzText   max_len=4096 ;;
    binary) product=FuzzBinary max_len=4096 ;;
    gzip)   product=FuzzGzip   max_len=4096 ;;
    array)  product=FuzzArray  max_len=8192 ;;    # .npy, safetensors, fastText models
    model)  product=FuzzModel  max_len=16384 ;;   # a tiny checkpoint is ~10 KB
    eval)   product=FuzzEval   max_len=4096 ;;
    index)  product=FuzzIndex  max_len=16384 ;;   # a 20-row index is a few KB
    stdin)  product=FuzzStdin  max_len=4096 ;;    # neighbors/embed queries, prompt keys
    *) echo "$0: unknown target '$target' (text, binary, gzip, array, model, eval, index, stdin)" >&2; exit 2 ;;
esac

cd "$here"
# SwiftPM's --sanitize links libFuzzer's main (a bare -Xswiftc -sanitize=fuzzer collides with
# SwiftPM's renamed entry point), but it passes swiftc `-sanitize=fuzzer -sanitize=address` and
# the last one wins: without -Xswiftc -sanitize=fuzzer,address the Swift code has no coverage
# counters ("Loaded 1 modules (3 inline 8-bit counters)"). -parse-as-library: no main.swift.
flags=(-c release --sanitize fuzzer --sanitize address -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
swift build "${flags[@]}" --product "$product" >&2
binary="$(swift build "${flags[@]}" --show-bin-path)/$product"

[ -d "seeds/$target" ] || ./make-seeds.sh >&2
mkdir -p "corpus/$target" "artifacts/$target"
inputs=("corpus/$target" "seeds/$target")
[ -d "$root/Tests/Corpus/fuzz/$target" ] && inputs+=("$root/Tests/Corpus/fuzz/$target")

# -malloc_limit_mb: no input of a few KB needs 512 MB in one malloc (the readers' own buffers
# are 8-12 MiB), so a bigger request is an unbounded allocation and is reported as a crash.
# (Blocks of 64 MiB and more that RowMatrix maps with mmap bypass this hook.)
input_dir=/dev/shm; [ -d "$input_dir" ] || input_dir=${TMPDIR:-/tmp}
export CHARVEC_FUZZ_INPUT="$input_dir/charvec-fuzz-$$.input"
# Leak checking off by default: LSan's scan after runs that allocate on Dispatch threads costs
# a third of the time; a smaller quarantine keeps the readers' 8 MiB buffers from cycling
# through munmap. Set ASAN_OPTIONS to override.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:quarantine_size_mb=16}
status=0
"$binary" "${inputs[@]}" \
    -max_len="$max_len" -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=10 \
    -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="artifacts/$target/" "$@" || status=$?
rm -f "$CHARVEC_FUZZ_INPUT"
exit $status
