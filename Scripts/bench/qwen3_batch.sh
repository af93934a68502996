#!/usr/bin/env bash
# The batch curve of Qwen3-TTS continuous batching at the real 0.6B shapes: 1, 2, 4 and 8
# requests decoding together, one process per batch size (so each peak resident figure is that
# batch's), on the random checkpoint that make_qwen3_random.py writes.
#
#   Scripts/bench/make_qwen3_random.py                  # once: ~/.cache/sotto/qwen3-random-0.6b
#   swift build -c release --product qwen3-batch-bench
#   Scripts/bench/qwen3_batch.sh [FOLDER] [FRAMES] [PRECISION] [THREADS]
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
folder="${1:-$HOME/.cache/sotto/qwen3-random-0.6b}"
frames="${2:-48}"
precision="${3:-int8}"
threads="${4:-2}"
source "$here/Scripts/lib.sh"
sotto_export_blas_core
bench="$here/.build/release/qwen3-batch-bench"
echo "streams,frames,decode_s,wall_s,frames_per_s,ms_per_step,first_chunk_mean_s,first_chunk_max_s,rss_after_warmup_mb,peak_rss_mb,talker_ms_per_step,predictor_ms_per_step,codec_ms_per_step,load1,load5,load15" > /tmp/qwen3-batch.csv
for n in ${STREAMS:-1 2 4 8}; do
    "$bench" "$folder" --streams "$n" --frames "$frames" --precision "$precision" --threads "$threads" | tee /tmp/qwen3-batch-$n.txt
    grep '^CSV,' /tmp/qwen3-batch-$n.txt | sed 's/^CSV,//; s/ /,/g' >> /tmp/qwen3-batch.csv
done
cat /tmp/qwen3-batch.csv
