#!/usr/bin/env python3
"""Speed of Sotto's Qwen3-TTS engine against the official PyTorch code, same checkpoint and text.

    ~/.cache/sotto/venv-qwen/bin/python Scripts/bench/qwen3_bench.py [--size 0.6b|1.7b] [--threads 1,2]
        [--precisions fp32,bf16,int8,int4] [--frames 48] [--rounds 2] [--runs 2] [--sotto PATH]
        [--tiers avx2,generic] [--clone [--reference-seconds 3] [--encode-runs 5]]

Released weights are not needed: the script builds a checkpoint with the real dimensions of
Qwen3-TTS-12Hz-0.6B-CustomVoice (or 1.7B with --size 1.7b) and random, well-scaled weights,
in the released folder layout (config.json, generation_config.json, bf16 model.safetensors,
tokenizer files, speech_tokenizer/ with the real decoder dimensions), with the official
`qwen-tts` package, and caches it outside the repository ($SOTTO_QWEN3_BENCH_DIR, default
~/.cache/sotto/qwen3-bench/<size>). Speed does not depend on the values, only on the shapes.
Two liberties, both outside what is timed: the speech tokenizer's Mimi encoder (never run when
decoding) is a small one, and the end-of-speech row of codec_head is zero so that greedy decoding
never stops early (random logits would otherwise end takes at random lengths). Both sides then
generate exactly --frames frames greedily (Sotto: --max-frames N; reference: max_new_tokens
N + 1, since its last step's residual codes are never computed).

Each round runs, in alternating order, one `sotto bench` process per precision (load, one
warm-up, --runs timed runs) and --runs timed runs in one long-lived PyTorch worker (fp32, loaded
once, one warm-up per thread count; torch.set_num_threads). Reported per thread count: median
over all timed runs of talker time per decode step, code predictor time per frame, codec time per
second of audio, prefill, total time, real-time factor (compute / audio) and speed-up over PyTorch,
plus peak resident memory per process. The last line is one JSON object for machines. The
default run takes about 20 minutes on a quiet 2-core machine (the first one also builds the
checkpoint: 1.8 GB + 0.46 GB, a few minutes).

--clone adds voice cloning at the same size: a Base checkpoint built the same way (cached as
base-<size>-random) with the released speaker encoder (ECAPA-TDNN, x-vector as wide as the
talker) and the released codec encoder, and a --reference-seconds voiced test recording (24 kHz
WAV) with words of its own. Each round and thread count then also times, interleaved, what a
clone prompt costs: the x-vector and the reference codes, natively (qwen3-batch-bench --encode
--speaker, once per tier) and with the official code (extract_speaker_embedding and
speech_tokenizer.encode, as create_voice_clone_prompt runs them). The cloned takes are
clones of that recording, in context ("clone": its words and codes in the prompt) and from its
x-vector alone ("x-vector clone"): Sotto speaks the voice files `sotto clone` keeps of it
(--voice FILE), PyTorch `generate_voice_clone` with the prompts `create_voice_clone_prompt` made
once; neither re-encodes the reference per take. Their rows sit beside the CustomVoice ones,
with the ratio of their real-time factor to CustomVoice's at the same precision and tier, and
every row shows the prompt's length in tokens (what the prefill runs over). Build
qwen3-batch-bench too (`swift build -c release --product qwen3-batch-bench`).

The run needs the venv of Scripts/fixtures/make_qwen3_goldens.py (torch CPU, qwen-tts) and the
Qwen3 tokenizer files Scripts/setup fetches. Build Sotto first:
`swift build -c release --product sotto`. 1.7B: the checkpoint takes ~4 GB bf16 on disk, Sotto
fp32 holds ~7 GB and PyTorch fp32 ~8 GB, and PyTorch needs ~0.6 s per frame on 2 cores, so use
fewer frames or rounds (e.g. --size 1.7b --frames 24 --rounds 2 --runs 1).
"""
import argparse
import functools
import json
import os
import pathlib
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
TEXT = "The quick brown fox jumps over the lazy dog, too."
# The words of the cloned reference recording (its sound is a voiced test signal, see --clone).
REFERENCE_TEXT = "A short reference recording of the voice."
SPEAKER = "ryan"
# The two ways a Base model clones: in context (the reference's words and codes in the prompt)
# and from the x-vector alone; each as (side label, sotto clone --x-vector-only).
CLONE_KINDS = (("clone", False), ("x-vector clone", True))


def clone_kind(side):
    """The clone label in a side's name ("clone", "x-vector clone") or "" for CustomVoice."""
    for kind, _ in sorted(CLONE_KINDS, key=lambda k: -len(k[0])):
        if f" {kind} " in f" {side} ":
            return kind
    return ""
LANGUAGE = "english"
FRAMES_PER_SECOND = 12.5
SAMPLE_RATE = 24000
EOS = 2150

# Real dimensions of the released checkpoints (config.json of Qwen3-TTS-12Hz-{0.6B,1.7B}-*).
SIZES = {
    "0.6b": dict(tag="0b6", hidden=1024, intermediate=3072, predictor_hidden=1024),
    "1.7b": dict(tag="1b7", hidden=2048, intermediate=6144, predictor_hidden=1024),
}
CODEC_DECODER = dict(
    codebook_size=2048, codebook_dim=512, vector_quantization_hidden_dimension=512,
    hidden_size=512, latent_dim=1024, intermediate_size=1024, head_dim=64,
    num_attention_heads=16, num_key_value_heads=16, num_hidden_layers=8,
    max_position_embeddings=8000, rope_theta=10000, sliding_window=72, attention_bias=False,
    hidden_act="silu", layer_scale_initial_scale=0.01, rms_norm_eps=1e-5,
    num_quantizers=16, num_semantic_quantizers=1, semantic_codebook_size=4096,
    upsample_rates=[8, 5, 4, 3], upsampling_ratios=[2, 2], decoder_dim=1536, attention_dropout=0.0)


def goldens_module():
    """The fixture script holds the import workarounds, the tokenizer files and the seeded init."""
    sys.path.insert(0, str(ROOT / "Scripts" / "fixtures"))
    import make_qwen3_goldens
    return make_qwen3_goldens


# ---------------------------------------------------------------- the checkpoint
def talker_config(g, size):
    s = SIZES[size]
    return dict(
        vocab_size=3072, hidden_size=s["hidden"], intermediate_size=s["intermediate"], num_hidden_layers=28,
        num_attention_heads=16, num_key_value_heads=8, head_dim=128, hidden_act="silu",
        max_position_embeddings=32768, rms_norm_eps=1e-6, rope_theta=1000000,
        rope_scaling={"interleaved": True, "mrope_section": [24, 20, 20], "rope_type": "default", "type": "default"},
        text_vocab_size=151936, text_hidden_size=2048, num_code_groups=16, position_id_per_seconds=13,
        codec_bos_id=2149, codec_eos_token_id=EOS, codec_pad_id=2148, codec_think_id=2154,
        codec_nothink_id=2155, codec_think_bos_id=2156, codec_think_eos_id=2157,
        codec_language_id=g.LANGUAGES, spk_id=g.SPEAKERS, spk_is_dialect=g.DIALECTS,
        code_predictor_config=dict(
            vocab_size=2048, hidden_size=s["predictor_hidden"], intermediate_size=3072, num_hidden_layers=5,
            num_attention_heads=16, num_key_value_heads=8, head_dim=128, hidden_act="silu",
            max_position_embeddings=65536, rms_norm_eps=1e-6, rope_theta=1000000,
            num_code_groups=16, layer_types=["full_attention"] * 5))


# The released Base models' speaker encoder (ECAPA-TDNN); its x-vector is as wide as the talker.
def speaker_encoder_config(size):
    return dict(mel_dim=128, enc_dim=SIZES[size]["hidden"], enc_channels=[512, 512, 512, 512, 1536],
                enc_kernel_sizes=[5, 3, 3, 3, 1], enc_dilations=[1, 2, 3, 4, 1], enc_attention_channels=128,
                enc_res2net_scale=8, enc_se_channels=128, sample_rate=24000)


def released_codec_encoder():
    """The released codec's encoder_config (Mimi at 24 kHz → 12.5 Hz), as make_qwen3_random.py writes it."""
    sys.path.insert(0, str(ROOT / "Scripts" / "bench"))
    import make_qwen3_random
    return dict(make_qwen3_random.ENCODER, frame_rate=12.5)


def build_checkpoint(folder, size, tokenizer_dir, variant="custom_voice"):
    """variant "custom_voice", or "base": the voice-cloning model, with the released speaker
    encoder and codec encoder shapes (a reference recording goes through both)."""
    g = goldens_module()
    import torch
    from qwen_tts.core.models import Qwen3TTSConfig, Qwen3TTSForConditionalGeneration
    from qwen_tts.core.tokenizer_12hz.configuration_qwen3_tts_tokenizer_v2 import Qwen3TTSTokenizerV2Config
    from qwen_tts.core.tokenizer_12hz.modeling_qwen3_tts_tokenizer_v2 import Qwen3TTSTokenizerV2Model

    work = pathlib.Path(tempfile.mkdtemp(prefix="qwen3-bench-", dir=folder.parent))
    started = time.perf_counter()
    base = variant == "base"
    talker = talker_config(g, size)
    if base:
        talker.update(spk_id={}, spk_is_dialect={})
    config = Qwen3TTSConfig(talker_config=talker, tokenizer_type="qwen3_tts_tokenizer_12hz",
                            speaker_encoder_config=speaker_encoder_config(size) if base else None,
                            tts_model_size=SIZES[size]["tag"], tts_model_type=variant,
                            im_start_token_id=151644, im_end_token_id=151645, tts_pad_token_id=151671,
                            tts_bos_token_id=151672, tts_eos_token_id=151673, assistant_token_id=77091)
    model = Qwen3TTSForConditionalGeneration(config).eval()
    g.randomize(model, g.SEED + 11, range(151936))
    with torch.no_grad():
        model.talker.codec_head.weight[EOS].zero_()
    model.to(torch.bfloat16).save_pretrained(work, safe_serialization=True)
    del model
    full = config.to_dict()
    if base:
        # As released Base folders hold it (save_pretrained's "model_type": "" is refused on load).
        full["speaker_encoder_config"] = speaker_encoder_config(size)
    else:
        full.pop("speaker_encoder_config", None)
    (work / "config.json").write_text(json.dumps(full, indent=1))
    (work / "generation_config.json").write_text(json.dumps(dict(
        do_sample=True, top_k=50, top_p=1.0, temperature=0.9, repetition_penalty=1.05, subtalker_dosample=True,
        subtalker_top_k=50, subtalker_top_p=1.0, subtalker_temperature=0.9, max_new_tokens=8192), indent=2))
    g.write_tokenizer_files(str(work), str(tokenizer_dir))

    codec_config = Qwen3TTSTokenizerV2Config(encoder_config=released_codec_encoder() if base else g.CODEC_ENCODER,
                                             decoder_config=CODEC_DECODER,
                                             encoder_valid_num_quantizers=16, input_sample_rate=24000,
                                             output_sample_rate=24000, decode_upsample_rate=1920,
                                             encode_downsample_rate=1920)
    codec = Qwen3TTSTokenizerV2Model(codec_config).eval()
    g.randomize(codec, g.SEED + 12, [])
    with torch.no_grad():  # Mimi keeps its codebooks as buffers, which randomize() leaves at zero
        generator = torch.Generator().manual_seed(g.SEED + 13)
        for name, buffer in codec.named_buffers():
            if name.endswith("embed_sum"):
                buffer.copy_(torch.randn(buffer.shape, generator=generator))
            elif name.endswith("cluster_usage"):
                buffer.copy_(torch.rand(buffer.shape, generator=generator) * 1.5 + 0.5)
    codec.save_pretrained(work / "speech_tokenizer", safe_serialization=True)
    (work / "speech_tokenizer" / "preprocessor_config.json").write_text(json.dumps(dict(
        feature_extractor_type="EncodecFeatureExtractor", feature_size=1, sampling_rate=24000, padding_side="right",
        padding_value=0.0, return_attention_mask=True, chunk_length_s=None, overlap=None), indent=1))
    os.replace(work, folder)
    print(f"built {folder} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


# ---------------------------------------------------------------- the PyTorch side
def worker(folder, reference=None):
    """Long-lived: loads the checkpoint once in fp32, then answers one JSON request per line.
    With `reference` (a WAV) the checkpoint is a Base model: takes are cloned in context from
    the prompt the official code makes of that recording once, and an "encode" request times
    that prompt's two parts (x-vector and reference codes) on their own."""
    # The reference prints notices on stdout; the answers get a descriptor of their own.
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    goldens_module()  # import workarounds
    import torch
    from qwen_tts import Qwen3TTSModel

    started = time.perf_counter()
    model = Qwen3TTSModel.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager")
    load_seconds = time.perf_counter() - started
    talker = model.model.talker
    predictor = talker.code_predictor
    codec = model.model.speech_tokenizer
    clock = {}

    def timed(name, function):
        @functools.wraps(function)  # transformers reads forward's signature
        def wrapper(*args, **kwargs):
            embeds = kwargs.get("inputs_embeds")
            if embeds is not None:
                clock.setdefault(name + "_rows", []).append(int(embeds.shape[1]))
            t0 = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                clock.setdefault(name, []).append(time.perf_counter() - t0)
        return wrapper

    talker.forward = timed("talker_forward", talker.forward)
    predictor.generate = timed("code_predictor", predictor.generate)
    codec.decode = timed("codec", codec.decode)
    prompts = {}
    wave = None
    if reference:
        import soundfile
        wave, _ = soundfile.read(reference, dtype="float32")
        prompts["in-context"] = model.create_voice_clone_prompt(ref_audio=(wave, SAMPLE_RATE), ref_text=REFERENCE_TEXT)
        prompts["x-vector"] = model.create_voice_clone_prompt(ref_audio=(wave, SAMPLE_RATE), x_vector_only_mode=True)
    warmed = set()
    print(json.dumps({"ready": True, "load_seconds": load_seconds}), file=answers, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        torch.set_num_threads(request["threads"])
        if request.get("encode"):
            print(json.dumps(time_reference_encoding(model, wave, request["runs"])), file=answers, flush=True)
            continue
        runs = []
        for index in range(request["runs"] + (0 if (request["threads"], request.get("mode")) in warmed else 1)):
            clock.clear()
            t0 = time.perf_counter()
            if prompts:
                wavs, rate = model.generate_voice_clone(
                    text=request["text"], language=LANGUAGE, voice_clone_prompt=prompts[request.get("mode", "in-context")],
                    do_sample=False,
                    subtalker_dosample=False, repetition_penalty=1.05, max_new_tokens=request["frames"] + 1)
            else:
                wavs, rate = model.generate_custom_voice(
                    text=request["text"], speaker=SPEAKER, language=LANGUAGE, do_sample=False, subtalker_dosample=False,
                    repetition_penalty=1.05, max_new_tokens=request["frames"] + 1)
            seconds = time.perf_counter() - t0
            forwards = clock["talker_forward"]
            # The first talker call is the prefill; every later one runs the code predictor for
            # the previous token and then one talker step.
            steps = len(forwards) - 1
            runs.append(dict(seconds=seconds, audio_seconds=len(wavs[0]) / rate, frames=len(wavs[0]) // 1920,
                             prompt_rows=(clock.get("talker_forward_rows") or [None])[0], prefill=forwards[0],
                             talker=sum(forwards[1:]) - sum(clock["code_predictor"]),
                             talker_steps=steps, code_predictor=sum(clock["code_predictor"]),
                             predictor_frames=len(clock["code_predictor"]), codec=sum(clock["codec"])))
        warm_key = (request["threads"], request.get("mode"))
        if warm_key not in warmed:
            warmed.add(warm_key)
            runs = runs[1:]
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"runs": runs, "peak_rss_mb": peak}), file=answers, flush=True)


def time_reference_encoding(model, wave, runs):
    """What create_voice_clone_prompt computes from a 24 kHz recording, part by part: the
    speaker encoder's x-vector (log-mel + ECAPA-TDNN) and the codec encoder's reference codes.
    One warm-up, then `runs` timed repeats; wall and CPU seconds of each."""
    import torch
    codec = model.model.speech_tokenizer
    parts = dict(xvector=lambda: model.model.extract_speaker_embedding(audio=wave, sr=SAMPLE_RATE),
                 codes=lambda: codec.encode(wave, sr=SAMPLE_RATE).audio_codes[0])
    timings = {name: dict(wall=[], cpu=[]) for name in parts}
    with torch.inference_mode():
        for index in range(runs + 1):
            for name, part in parts.items():
                t0, c0 = time.perf_counter(), time.process_time()
                part()
                if index:
                    timings[name]["wall"].append(time.perf_counter() - t0)
                    timings[name]["cpu"].append(time.process_time() - c0)
    return timings


class TorchWorker:
    def __init__(self, folder, reference=None):
        command = [sys.executable, __file__, "--worker", str(folder)] + (["--worker-reference", reference] if reference else [])
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.ready = self._read()

    def _read(self):
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit("the PyTorch worker exited early; see its messages above")
        return json.loads(line)

    def run(self, threads, frames, runs, mode=None):
        self.process.stdin.write(json.dumps(dict(threads=threads, frames=frames, runs=runs, text=TEXT, mode=mode)) + "\n")
        self.process.stdin.flush()
        return self._read()

    def encode(self, threads, runs):
        self.process.stdin.write(json.dumps(dict(threads=threads, runs=runs, encode=True)) + "\n")
        self.process.stdin.flush()
        return self._read()

    def close(self):
        self.process.stdin.close()
        self.process.wait()


# ---------------------------------------------------------------- the Sotto side
def sotto_bench(sotto, folder, threads, precision, frames, runs, tier=None, voice=SPEAKER):
    command = [sotto, "bench", "-m", str(folder), "-v", voice, "--language", LANGUAGE, "--text", TEXT,
               "--greedy", "--max-frames", str(frames), "--threads", str(threads), "--precision", precision,
               "--warmup", "1", "--runs", str(runs), "--json"]
    env = dict(os.environ, SOTTO_ISA=tier) if tier else None
    out = subprocess.run(command, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{out.stderr}")
    report = json.loads(out.stdout)
    runs = []
    for run in report["runs"]:
        stages = run["stages"]
        frames_made = run["frames"]
        runs.append(dict(seconds=run["seconds"], audio_seconds=run["audio_seconds"], frames=frames_made,
                         prefill=stages["prefill"], talker=stages["talker"], talker_steps=frames_made - 1,
                         code_predictor=stages["code predictor"], predictor_frames=frames_made, codec=stages["codec"]))
    return dict(runs=runs, peak_rss_mb=report.get("peak_rss_mb"), load_seconds=report["load_seconds"],
                tier=report.get("tier") or report.get("kernel_tier") or tier or "?")


# ---------------------------------------------------------------- report
def summarize(runs):
    def med(f):
        return statistics.median(f(r) for r in runs)
    return dict(
        runs=len(runs), frames=med(lambda r: r["frames"]), audio_seconds=med(lambda r: r["audio_seconds"]),
        talker_ms_per_step=1000 * med(lambda r: r["talker"] / max(r["talker_steps"], 1)),
        code_predictor_ms_per_frame=1000 * med(lambda r: r["code_predictor"] / max(r["predictor_frames"], 1)),
        codec_seconds_per_audio_second=med(lambda r: r["codec"] / r["audio_seconds"]),
        prefill_seconds=med(lambda r: r["prefill"]), seconds=med(lambda r: r["seconds"]),
        prompt_rows=(statistics.median(r["prompt_rows"] for r in runs) if all(r.get("prompt_rows") for r in runs) else None),
        rtf=med(lambda r: r["seconds"] / r["audio_seconds"]))


def machine():
    name = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                name = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{name}, {os.cpu_count()} cores"


def cached_checkpoint(args, variant):
    cache = pathlib.Path(os.environ.get("SOTTO_QWEN3_BENCH_DIR") or os.path.expanduser("~/.cache/sotto/qwen3-bench"))
    folder = cache / f"{variant.replace('_', '')}-{args.size}-random"
    if not (folder / "speech_tokenizer" / "model.safetensors").exists():
        cache.mkdir(parents=True, exist_ok=True)
        if folder.exists():
            shutil.rmtree(folder)
        build_checkpoint(folder, args.size, args.tokenizer, variant)
    return folder


def write_reference(folder, seconds):
    """The reference recording both sides clone from: a voiced test signal, 24 kHz mono 16-bit
    WAV, and the same samples as raw float32 for qwen3-batch-bench --encode."""
    import soundfile
    sys.path.insert(0, str(ROOT / "Scripts" / "bench"))
    from qwen3_encoder_bench import voiced
    wav, raw = folder / "reference.wav", folder / "reference.f32"
    soundfile.write(wav, voiced(seconds), SAMPLE_RATE, subtype="PCM_16")
    soundfile.read(wav, dtype="float32")[0].tofile(raw)
    return wav, raw


def sotto_clone_voice(sotto, base, wav, out, x_vector_only=False):
    """The voice file `sotto clone` keeps of the reference: in context (with its words), or its
    x-vector alone."""
    kind = ["--x-vector-only"] if x_vector_only else ["--reference-text", REFERENCE_TEXT]
    command = [sotto, "clone", str(wav)] + kind + ["-m", str(base), "-o", str(out), "--force"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}")


def native_encoding(bench, base, raw, threads, runs, tier=None):
    """qwen3-batch-bench --encode --speaker: x-vector and reference codes timed apart."""
    command = [bench, str(base), "--encode", str(raw), "--speaker", "--threads", str(threads), "--repeats", str(runs)]
    env = dict(os.environ, SOTTO_ISA=tier) if tier else None
    out = subprocess.run(command, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{out.stderr}")
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1])


def encoding_table(encodings, threads_list, seconds):
    print(f"\nEncoding a {seconds:g} s reference (what a clone prompt needs): x-vector = log-mel + ECAPA-TDNN "
          "speaker encoder, reference codes = codec encoder; medians, wall ms (CPU ms = user + system)\n")
    print("| threads | engine | kernel tier | x-vector ms | reference codes ms | total ms | total CPU ms | runs |")
    print("|---|---|---|---|---|---|---|---|")
    rows = []
    for threads in threads_list:
        for (t, side), entry in encodings.items():
            if t != threads:
                continue
            med = {f"{part}_{kind}": 1000 * statistics.median(entry[part][kind]) for part in ("xvector", "codes")
                   for kind in ("wall", "cpu")}
            totals = [x + c for x, c in zip(entry["xvector"]["wall"], entry["codes"]["wall"])]
            cpu = [x + c for x, c in zip(entry["xvector"]["cpu"], entry["codes"]["cpu"])]
            row = dict(threads=threads, engine=side, tier=entry["tier"], total_ms=1000 * statistics.median(totals),
                       total_cpu_ms=1000 * statistics.median(cpu), runs=len(totals), **med)
            rows.append(row)
            print(f"| {threads} | {side} | {entry['tier']} | {med['xvector_wall']:.0f} | {med['codes_wall']:.0f} | "
                  f"{row['total_ms']:.0f} | {row['total_cpu_ms']:.0f} | {len(totals)} |")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="0.6b")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--precisions", default="fp32,bf16,int8,int4")
    parser.add_argument("--frames", type=int, default=48, help="frames per take (12.5 per audio second)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--runs", type=int, default=2, help="timed runs per side and round")
    parser.add_argument("--tiers", default="", help="kernel tiers to run Sotto at (SOTTO_ISA), e.g. avx2,generic")
    parser.add_argument("--no-torch", action="store_true", help="time Sotto only")
    parser.add_argument("--clone", action="store_true",
                        help="also a Base model of the same size: reference encoding, and in-context cloned takes")
    parser.add_argument("--reference-seconds", type=float, default=3.0, help="length of the cloned reference")
    parser.add_argument("--encode-runs", type=int, default=5, help="timed reference encodings per side and round")
    parser.add_argument("--sotto", default=str(ROOT / ".build/release/sotto"))
    parser.add_argument("--batch-bench", default=str(ROOT / ".build/release/qwen3-batch-bench"))
    parser.add_argument("--checkpoint", help="use this folder instead of the cached random one")
    parser.add_argument("--tokenizer", default=os.path.join(
        os.environ.get("SOTTO_MODELS_DIR") or os.path.expanduser("~/.local/share/sotto/models"), "qwen3-tokenizer"))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-reference", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.worker_reference)
    if not os.access(args.sotto, os.X_OK):
        raise SystemExit(f"no sotto binary at {args.sotto}; build it or pass --sotto")

    folder = pathlib.Path(args.checkpoint) if args.checkpoint else cached_checkpoint(args, "custom_voice")
    threads_list = [int(t) for t in args.threads.split(",")]
    precisions = args.precisions.split(",")
    tier_list = args.tiers.split(",") if args.tiers else [None]
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="qwen3-bench-"))
    # One Sotto side per (variant, tier, precision): name, precision, tier, folder, voice. The
    # name carries the tier only when tiers were asked for.
    sotto_sides = [(f"sotto {t} {p}" if t else f"sotto {p}", p, t, folder, SPEAKER) for t in tier_list for p in precisions]
    # (name, (worker, clone mode)); one worker serves both clone modes of the Base model.
    torch_sides = [] if args.no_torch else [("pytorch fp32", (TorchWorker(folder), None))]
    if args.clone:
        if not os.access(args.batch_bench, os.X_OK):
            raise SystemExit(f"no qwen3-batch-bench at {args.batch_bench}; build it or pass --batch-bench")
        base = cached_checkpoint(args, "base")
        wav, raw = write_reference(scratch, args.reference_seconds)
        for kind, x_vector_only in CLONE_KINDS:
            voice = scratch / f"reference-{kind.replace(' ', '-')}.voice"
            sotto_clone_voice(args.sotto, base, wav, voice, x_vector_only)
            sotto_sides += [(f"sotto {kind} {t} {p}" if t else f"sotto {kind} {p}", p, t, base, str(voice))
                            for t in tier_list for p in precisions]
        if not args.no_torch:
            cloner = TorchWorker(base, str(wav))
            torch_sides += [(f"pytorch {kind} fp32", (cloner, mode)) for kind, mode in
                            (("clone", "in-context"), ("x-vector clone", "x-vector"))]
    tiers = {name: "its own" for name, _ in torch_sides}
    collected = {}  # (threads, side) -> dict(runs, rss, load)
    encodings = {}  # (threads, side) -> dict(xvector, codes, tier)
    started = time.perf_counter()
    for round_index in range(args.rounds):
        for threads in threads_list:
            if args.clone:
                encoders = [(f"sotto {t or 'best'}", t) for t in tier_list] + \
                    [(n, w) for n, (w, mode) in torch_sides if mode == "in-context"]
                if round_index % 2 == 1:
                    encoders.reverse()
                for side, how in encoders:
                    if isinstance(how, TorchWorker):
                        result, tier = how.encode(threads, args.encode_runs), "its own"
                    else:
                        result = native_encoding(args.batch_bench, base, raw, threads, args.encode_runs, how)
                        tier = result.pop("tier", how or "?")
                    entry = encodings.setdefault((threads, side), dict(xvector=dict(wall=[], cpu=[]),
                                                                       codes=dict(wall=[], cpu=[]), tier=tier))
                    for part in ("xvector", "codes"):
                        for kind in ("wall", "cpu"):
                            entry[part][kind] += result[part][kind]
                    print(f"round {round_index + 1} threads {threads} {side} encoding: "
                          f"{1000 * statistics.median(result['codes']['wall']):.0f} ms codes, "
                          f"{1000 * statistics.median(result['xvector']['wall']):.0f} ms x-vector", file=sys.stderr)
            sides = list(torch_sides) + [(side[0], side) for side in sotto_sides]
            if round_index % 2 == 1:
                sides.reverse()
            for side, how in sides:
                if isinstance(how[0], TorchWorker):
                    torch_worker, mode = how
                    result = torch_worker.run(threads, args.frames, args.runs, mode)
                    result["load_seconds"] = torch_worker.ready["load_seconds"]
                else:
                    _, precision, tier, model, voice = how
                    result = sotto_bench(args.sotto, model, threads, precision, args.frames, args.runs, tier, voice)
                    tiers[side] = result["tier"]
                entry = collected.setdefault((threads, side), dict(runs=[], rss=[], load=[]))
                entry["runs"] += result["runs"]
                entry["rss"].append(result["peak_rss_mb"] or 0)
                entry["load"].append(result["load_seconds"])
                frames = {r["frames"] for r in result["runs"]}
                if frames != {args.frames}:
                    print(f"warning: {side} made {sorted(frames)} frames, not {args.frames}", file=sys.stderr)
                print(f"round {round_index + 1} threads {threads} {side}: "
                      f"{statistics.median(r['seconds'] for r in result['runs']):.2f} s "
                      f"({time.perf_counter() - started:.0f} s elapsed)", file=sys.stderr)
    for torch_worker in {id(w): w for _, (w, _) in torch_sides}.values():
        torch_worker.close()
    shutil.rmtree(scratch, ignore_errors=True)

    load = " ".join(open("/proc/loadavg").read().split()[:3])
    print(f"\nQwen3-TTS {args.size} CustomVoice{' and Base (clones of a ' + f'{args.reference_seconds:g} s reference, in context and from its x-vector)' if args.clone else ''} "
          f"(random weights, real shapes), \"{TEXT}\", greedy, "
          f"{args.frames} frames = {args.frames / FRAMES_PER_SECOND:.2f} s of audio; {machine()}; "
          f"medians of {args.rounds} rounds × {args.runs} runs; load average at the end {load}\n")
    print("| threads | engine | kernel tier | prompt tokens | talker ms/step | code predictor ms/frame | codec s per audio s | prefill s | total s "
          "| RTF | × PyTorch | clone RTF ÷ CustomVoice RTF | peak RSS MB | load s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    machine_rows = []
    for threads in threads_list:
        summaries = {side: summarize(entry["runs"]) for (t, side), entry in collected.items() if t == threads}
        for side, s in summaries.items():
            kind = clone_kind(side)
            baseline = summaries.get(f"pytorch {kind} fp32" if kind else "pytorch fp32")
            speedup = baseline["seconds"] / s["seconds"] if baseline else None
            plain = summaries.get(side.replace(f"{kind} ", "")) if kind else None
            # Both sides build the same prompt (the golden tests compare them); PyTorch's is counted.
            rows = baseline["prompt_rows"] if baseline else None
            versus = s["rtf"] / plain["rtf"] if plain else None
            entry = collected[(threads, side)]
            rss = max(entry["rss"])
            load_seconds = statistics.median(entry["load"])
            print(f"| {threads} | {side} | {tiers.get(side, '?')} | {'-' if rows is None else f'{rows:.0f}'} | "
                  f"{s['talker_ms_per_step']:.1f} | {s['code_predictor_ms_per_frame']:.1f} | "
                  f"{s['codec_seconds_per_audio_second']:.3f} | {s['prefill_seconds']:.3f} | {s['seconds']:.2f} | "
                  f"{s['rtf']:.3f} | {'-' if speedup is None else f'{speedup:.2f}'} | {'-' if versus is None else f'{versus:.2f}'} | "
                  f"{rss:.0f} | {load_seconds:.2f} |")
            machine_rows.append(dict(threads=threads, engine=side, tier=tiers.get(side), speedup=speedup, clone_vs_custom_voice=versus,
                                     prompt_tokens=rows,
                                     peak_rss_mb=rss, load_seconds=load_seconds, **s))
    encoding_rows = encoding_table(encodings, threads_list, args.reference_seconds) if args.clone else []
    print("\n" + json.dumps(dict(bench="qwen3", size=args.size, frames=args.frames, text=TEXT, machine=machine(),
                                 rounds=args.rounds, runs=args.runs, load_average=load, rows=machine_rows,
                                 encoding=encoding_rows)))

if __name__ == "__main__":
    main()
