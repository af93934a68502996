#!/usr/bin/env python3
"""Sotto against onnxruntime on the same ONNX model, voice, texts and machine.

    python3 Scripts/bench/compare_onnxruntime.py kokoro [--threads 1,2] [--rounds 3] [--runs 5]
    python3 Scripts/bench/compare_onnxruntime.py piper  [...]
    python3 Scripts/bench/compare_onnxruntime.py kokoro --tiers avx2,generic   # Sotto once per kernel tier
    python3 Scripts/bench/compare_onnxruntime.py kokoro --sotto new=.build/release/sotto --sotto old=/tmp/sotto-old

Both runtimes receive exactly the same model inputs: the ids come from `sotto tokens`, so the
comparison measures inference, not phonemization. Each round runs Sotto (`sotto bench`, one
process: load, one warm-up, then --runs timed runs per text) and an onnxruntime worker process
doing the same, alternating which goes first. Reported: per text and thread count the median of
the round medians, real-time factor (compute / audio), the ratio between the two, warm time to
first audio (onnxruntime has no streaming: its first audio is the first sentence's whole output),
load time, cold start (process start to first audio) and peak resident memory. Every row names the
CPU and the kernel tier it ran on; `--tiers` runs Sotto once per tier (SOTTO_ISA), `--sotto
LABEL=PATH` (repeatable) compares builds, all interleaved in the same rounds.

onnxruntime and numpy are needed only here, never by Sotto; the script installs them into a venv
($SOTTO_BENCH_VENV, default ~/.cache/sotto/bench-venv) with pip on first use.
Build Sotto first: `swift build -c release --product sotto`.
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
TEXTS = {
    "short": "Hello world.",
    "medium": "The quick brown fox jumps over the lazy dog, too.",
    "long": "Text to speech engines turn written words into natural sounding audio. This paragraph is a "
            "little longer, so that we can measure how the latency grows with the number of phonemes the "
            "model has to read out loud.",
    # One long sentence (203 characters), for time to first audio: both engines see it whole, but
    # Sotto's Piper decoder hands out its first window while onnxruntime returns the sentence.
    "sentence": "Text to speech engines turn written words into natural sounding audio, and this sentence runs a "
                "little longer so that we can measure how the latency grows with the number of phonemes the model "
                "reads out.",
}
DEFAULT_TEXTS = {"kokoro": "short,medium,long", "piper": "short,medium,long,sentence"}
MODELS = {"kokoro": ("kokoro:kokoro-v1.0-int8", "jf_alpha"), "piper": ("piper:en_US-joe-medium", None)}


# ---------------------------------------------------------------- the onnxruntime side
def seconds_since_process_start():
    with open("/proc/self/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    return uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")


def worker(spec):
    """Runs in the venv: loads the model with onnxruntime and times the given inputs."""
    import resource

    import numpy as np
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = spec["threads"]
    options.inter_op_num_threads = 1
    started = time.perf_counter()
    session = ort.InferenceSession(spec["model_path"], sess_options=options, providers=["CPUExecutionProvider"])
    load_seconds = time.perf_counter() - started
    kind = spec["kind"]
    if kind == "kokoro":
        voices = np.load(spec["voices_path"])
        voice = voices[spec["voice"]]

    def run(ids):
        if kind == "kokoro":
            style = voice[min(len(ids) - 2, 510) - 1]
            feeds = {"tokens": np.array([ids], dtype=np.int64), "style": style.reshape(1, 256).astype(np.float32),
                     "speed": np.array([1.0], dtype=np.float32)}
        else:
            feeds = {"input": np.array([ids], dtype=np.int64), "input_lengths": np.array([len(ids)], dtype=np.int64),
                     "scales": np.array([0.0, 1.0, 0.0], dtype=np.float32)}
        return session.run(None, feeds)[0].size

    cold_first_audio = None
    results = {}
    for name, chunks in spec["inputs"].items():
        times, audio, first = [], [], []
        for index in range(spec["warmup"] + spec["runs"]):
            t0 = time.perf_counter()
            samples, first_audio = 0, None
            for ids in chunks:
                samples += run(ids)
                if first_audio is None:
                    first_audio = time.perf_counter() - t0
                if cold_first_audio is None:
                    cold_first_audio = seconds_since_process_start()
            elapsed = time.perf_counter() - t0
            if index >= spec["warmup"]:
                times.append(elapsed)
                audio.append(samples / spec["sample_rate"])
                first.append(first_audio)
        results[name] = {"seconds": times, "audio_seconds": audio, "first_audio_seconds": first}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"load_seconds": load_seconds, "cold_first_audio_seconds": cold_first_audio,
                      "peak_rss_mb": peak, "texts": results}))


# ---------------------------------------------------------------- the driver
def venv_python():
    venv = pathlib.Path(os.environ.get("SOTTO_BENCH_VENV", pathlib.Path.home() / ".cache/sotto/bench-venv"))
    python = venv / "bin/python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    probe = subprocess.run([str(python), "-c", "import onnxruntime, numpy"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "onnxruntime", "numpy"], check=True)
    return str(python)


def sotto_json(sotto, *args):
    out = subprocess.run([sotto, *args, "--json"], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"sotto {' '.join(args)} failed: {out.stderr.strip()}")
    return json.loads(out.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", choices=sorted(MODELS))
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--texts", help="comma-separated: short, medium, long, sentence (default: "
                        + "; ".join(f"{k}: {v}" for k, v in DEFAULT_TEXTS.items()) + ")")
    parser.add_argument("--sotto", action="append", default=[],
                        help="a sotto binary, or LABEL=PATH to compare several (default .build/release/sotto)")
    parser.add_argument("--tiers", default="", help="kernel tiers to run Sotto at (SOTTO_ISA), e.g. avx2,generic")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(json.loads(pathlib.Path(args.worker).read_text()))

    model_id, voice = MODELS[args.model]
    texts = (args.texts or DEFAULT_TEXTS[args.model]).split(",")
    binaries = []
    for item in args.sotto or [str(ROOT / ".build/release/sotto")]:
        label, _, path = item.rpartition("=")
        binaries.append((label or "sotto", path))
    first = binaries[0][1]
    listing = {m["id"]: m for m in sotto_json(first, "models")}
    if model_id not in listing or not listing[model_id]["complete"]:
        sys.exit(f"{model_id} is not installed and complete; run Scripts/setup")
    model = listing[model_id]
    files = {f["role"]: f["path"] for f in model["files"]}
    voice_args = ["-v", voice] if voice else []
    inputs = {name: [c["ids"] for c in sotto_json(first, "tokens", "-m", model_id, *voice_args, TEXTS[name])]
              for name in texts}
    sample_rate = 24000 if args.model == "kokoro" else 22050
    python = venv_python()
    noise = ["--noise-scale", "0", "--noise-w", "0"] if args.model == "piper" else []
    env = dict(os.environ)
    cpu_flags = open("/proc/cpuinfo").read()
    if "OPENBLAS_CORETYPE" not in env and all(f in cpu_flags for f in ("avx512f", "avx512bw", "avx512vl", "avx512dq")):
        env["OPENBLAS_CORETYPE"] = "SkylakeX"

    # Every Sotto side: a binary at a tier (its own choice when no tier is named).
    sides = []
    for label, path in binaries:
        for tier in (args.tiers.split(",") if args.tiers else [None]):
            side_env = dict(os.environ)
            if tier:
                side_env["SOTTO_ISA"] = tier
            name = label if not tier else f"{label} {tier}" if len(binaries) > 1 else f"sotto {tier}"
            sides.append((name, path, side_env))
    side_names = [name for name, _, _ in sides] + ["onnxruntime"]

    rows, tiers = {}, {"onnxruntime": "its own (MLAS)"}
    for threads in [int(t) for t in args.threads.split(",")]:
        spec = {"kind": args.model, "model_path": model["path"], "voices_path": files.get("voices"), "voice": voice,
                "threads": threads, "runs": args.runs, "warmup": 1, "inputs": inputs, "sample_rate": sample_rate}
        spec_path = pathlib.Path(f"/tmp/sotto-bench-spec-{os.getpid()}.json")
        spec_path.write_text(json.dumps(spec))
        for round_index in range(args.rounds):
            order = side_names if round_index % 2 == 0 else list(reversed(side_names))
            for side in order:
                if side != "onnxruntime":
                    _, path, side_env = next(x for x in sides if x[0] == side)
                    # `sotto bench` knows the standard texts by name and runs any other one as "custom".
                    standard = [name for name in texts if name != "sentence"]
                    calls = ([(standard, ["--texts", ",".join(standard)])] if standard else []) + \
                            ([(["sentence"], ["--text", TEXTS["sentence"]])] if "sentence" in texts else [])
                    per_text, report = {}, None
                    for names, selection in calls:
                        out = subprocess.run([path, "bench", "-m", model_id, *voice_args, *selection,
                                              "--runs", str(args.runs), "--warmup", "1", "--threads", str(threads),
                                              *noise, "--json"], capture_output=True, text=True, env=side_env)
                        if out.returncode != 0:
                            sys.exit(f"sotto bench ({side}) failed: {out.stderr.strip()}")
                        part = json.loads(out.stdout)
                        report = report or part
                        tiers[side] = part.get("tier", "before tiers")
                        for name in names:
                            runs = [r for r in part["runs"] if r["text"] in (name, "custom")]
                            per_text[name] = ([r["seconds"] for r in runs], [r["audio_seconds"] for r in runs],
                                              [r["first_audio_seconds"] for r in runs])
                else:
                    out = subprocess.run([python, __file__, args.model, "--worker", str(spec_path)],
                                         capture_output=True, text=True, env=env)
                    if out.returncode != 0:
                        sys.exit(f"onnxruntime worker failed: {out.stderr.strip()[-2000:]}")
                    report = json.loads(out.stdout)
                    per_text = {name: (v["seconds"], v["audio_seconds"], v["first_audio_seconds"])
                                for name, v in report["texts"].items()}
                for name, (seconds, audio, first_audio) in per_text.items():
                    entry = rows.setdefault((threads, name, side), {"medians": [], "audio": [], "first": [], "load": [],
                                                                    "cold": [], "rss": []})
                    entry["medians"].append(statistics.median(seconds))
                    entry["audio"].append(statistics.median(audio))
                    entry["first"].append(statistics.median(first_audio))
                    entry["load"].append(report["load_seconds"])
                    entry["cold"].append(report["cold_first_audio_seconds"])
                    entry["rss"].append(report["peak_rss_mb"])
        spec_path.unlink()

    cpu = cpu_model()
    print(f"{model_id} on {cpu}, {os.cpu_count()} cores; {args.rounds} rounds × {args.runs} warm runs, interleaved")
    print("| text | threads | engine | CPU | kernel tier | s | RTF | speed-up over onnxruntime | first audio s | peak MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for threads in [int(t) for t in args.threads.split(",")]:
        for name in texts:
            o = statistics.median(rows[(threads, name, "onnxruntime")]["medians"])
            for side in side_names:
                r = rows[(threads, name, side)]
                m, a = statistics.median(r["medians"]), statistics.median(r["audio"])
                print(f"| {name} | {threads} | {side} | {cpu} | {tiers[side]} | {m:.3f} | {m / a:.3f} | {o / m:.2f}× "
                      f"| {statistics.median(r['first']):.3f} | {max(r['rss']):.0f} |")
    for threads in [int(t) for t in args.threads.split(",")]:
        parts = []
        for side in side_names:
            r = rows[(threads, texts[0], side)]
            parts.append(f"{side} load {statistics.median(r['load']):.3f} s, cold start {statistics.median(r['cold']):.3f} s")
        print(f"threads {threads} (cold start = process start to first audio): " + "; ".join(parts))


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


if __name__ == "__main__":
    main()
