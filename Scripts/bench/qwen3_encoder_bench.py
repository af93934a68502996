#!/usr/bin/env python3
"""Times the official Qwen3-TTS codec encoder (Qwen3TTSTokenizer.encode, as the Base model runs
it on a voice-clone reference) on a raw float32 24 kHz waveform, or writes that waveform.

    qwen3_encoder_bench.py --write-input FILE [--seconds 3]
    qwen3_encoder_bench.py FOLDER/speech_tokenizer FILE [--threads 2] [--repeats 5]

Prints one line: median and minimum wall milliseconds per encode, median CPU (user + system), frames, load average.
Scripts/bench/qwen3_encoder.sh runs it interleaved with the native encoder.
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures"))


def voiced(seconds, rate=24000):
    import numpy as np
    n = int(round(seconds * rate))
    t = np.arange(n) / rate
    f0 = 110 + 80 * t / max(t[-1], 1e-9)
    phase = 2 * np.pi * np.cumsum(f0) / rate
    wave = sum(np.sin(k * phase) / k for k in range(1, 20)) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))
    return (0.3 * wave / np.max(np.abs(wave))).astype(np.float32)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?")
    parser.add_argument("input", nargs="?")
    parser.add_argument("--write-input")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if args.write_input:
        voiced(args.seconds).tofile(args.write_input)
        return
    import make_qwen3_goldens  # noqa: F401  (stubs for the 25 Hz tokenizer's imports)
    import numpy as np
    import torch
    from qwen_tts import Qwen3TTSTokenizer
    torch.set_num_threads(args.threads)
    wave = np.fromfile(args.input, dtype=np.float32)
    tokenizer = Qwen3TTSTokenizer.from_pretrained(args.folder, dtype=torch.float32)
    tokenizer.encode(wave, sr=24000)  # warm-up
    times, cpu = [], []
    for _ in range(args.repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        codes = tokenizer.encode(wave, sr=24000).audio_codes[0]
        times.append(1000 * (time.perf_counter() - start))
        cpu.append(1000 * (time.process_time() - cpu_start))
    load = open("/proc/loadavg").read().split()[:3]
    print(f"pytorch threads {args.threads}: median {statistics.median(times):.1f} ms, min {min(times):.1f} ms, "
          f"CPU {statistics.median(cpu):.1f} ms, {codes.shape[0]} frames x {codes.shape[1]} codes, load {' '.join(load)}")


if __name__ == "__main__":
    main()
