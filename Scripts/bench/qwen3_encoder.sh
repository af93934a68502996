#!/usr/bin/env bash
# The Qwen3-TTS codec encoder on a voice-clone reference, native against the official PyTorch
# code, interleaved (native, PyTorch, native, ...) at 1 and 2 threads on the same raw input.
#
#   Scripts/bench/qwen3_encoder.sh [MODEL_FOLDER] [SECONDS] [ROUNDS]
#
# MODEL_FOLDER defaults to the random 0.6B checkpoint of make_qwen3_random.py (its
# speech_tokenizer has the released encoder's shapes). Needs `swift build -c release` first and
# the venv of Scripts/fixtures/make_qwen3_goldens.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
source Scripts/lib.sh
sotto_export_blas_core
folder="${1:-$HOME/.cache/sotto/qwen3-random-0.6b}"
seconds="${2:-3}"
rounds="${3:-3}"
python="${XDG_CACHE_HOME:-$HOME/.cache}/sotto/venv-qwen/bin/python"
input="$(mktemp --suffix=.f32)"
trap 'rm -f "$input"' EXIT
python3 Scripts/bench/qwen3_encoder_bench.py --write-input "$input" --seconds "$seconds"
for round in $(seq "$rounds"); do
  for threads in 1 2; do
    .build/release/qwen3-batch-bench "$folder" --encode "$input" --threads "$threads" --repeats 5
    OMP_NUM_THREADS="$threads" "$python" Scripts/bench/qwen3_encoder_bench.py "$folder/speech_tokenizer" "$input" \
      --threads "$threads" --repeats 5 2>/dev/null | grep '^pytorch'
  done
done
