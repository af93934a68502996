#!/usr/bin/env python3
"""Load on a running `sotto serve`, measured the way the benchmark this product grew from measured
production: time to first byte and total latency (p50/p95) and throughput (seconds of audio per
wall-clock second) at several numbers of concurrent clients, per model. Each client sends its
next request as soon as its previous one ends. Models whose lane serialises requests are labelled
"queue" (N clients wait for each other), models that decode concurrent requests together "batch".

    ~/.cache/sotto/test-venv/bin/python Scripts/bench/serve_load.py http://127.0.0.1:8000 \\
        [--models kokoro,piper] [--concurrency 1,3,8] [--requests 3] [--text medium] [--json]

Needs the server started with the models preloaded (`sotto serve --preload kokoro --preload
piper`) and the openai package (Scripts/test puts it in ~/.cache/sotto/test-venv). Requests ask
for pcm, so the audio length is the body length over two bytes per sample at X-Sample-Rate.
"""
import argparse
import json
import os
import platform
import statistics
import threading
import time

import openai

TEXTS = {
    "short": "Hello there.",
    "medium": "The quick brown fox jumps over the lazy dog today.",
    "long": ("Speech synthesis has come a long way: modern models read whole paragraphs with natural "
             "rhythm, pause at commas, and raise their pitch at questions. Does it sound right to you? "
             "Listen closely, and compare the takes side by side."),
}


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def one_request(client, model, text):
    started = time.monotonic()
    first = None
    size = 0
    with client.audio.speech.with_streaming_response.create(model=model, input=text, voice="", response_format="pcm") as r:
        rate = int(r.headers.get("x-sample-rate", "0"))
        for piece in r.iter_bytes():
            if first is None:
                first = time.monotonic() - started
            size += len(piece)
    return {"first": first, "total": time.monotonic() - started, "audio": size / 2 / rate if rate else 0}


def run_level(base, model, text, clients, requests_each):
    results, errors = [], []
    lock = threading.Lock()

    def client_loop():
        client = openai.OpenAI(base_url=base + "/v1", api_key=os.environ.get("SOTTO_API_KEY", "none"), max_retries=0,
                               timeout=600)
        for _ in range(requests_each):
            try:
                result = one_request(client, model, text)
                with lock:
                    results.append(result)
            except openai.APIStatusError as e:
                with lock:
                    errors.append(e.status_code)

    started = time.monotonic()
    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    firsts = [r["first"] for r in results]
    totals = [r["total"] for r in results]
    return {
        "clients": clients, "requests": len(results), "errors": errors,
        "ttfb_p50": percentile(firsts, 50), "ttfb_p95": percentile(firsts, 95),
        "total_p50": percentile(totals, 50), "total_p95": percentile(totals, 95),
        "throughput": sum(r["audio"] for r in results) / wall,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base")
    parser.add_argument("--models", default="kokoro,piper")
    parser.add_argument("--concurrency", default="1,3,8")
    parser.add_argument("--requests", type=int, default=3, help="requests per client at each level")
    parser.add_argument("--text", default="medium", choices=sorted(TEXTS))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    client = openai.OpenAI(base_url=args.base + "/v1", api_key=os.environ.get("SOTTO_API_KEY", "none"), max_retries=0)
    listed = {m.id: m for m in client.models.list().data}
    rows = []
    for name in args.models.split(","):
        model = next((m for m in listed.values() if m.id == name or m.id.startswith(name + ":") or m.id.endswith(":" + name)), None)
        if model is None:
            raise SystemExit(f"serve_load: the server has no model {name}; it lists {', '.join(listed)}")
        mode = (model.model_extra or {}).get("concurrency", "queue")
        one_request(client, model.id, TEXTS[args.text])  # warm the connection and the lane
        for clients in [int(c) for c in args.concurrency.split(",")]:
            row = run_level(args.base, model.id, TEXTS[args.text], clients, args.requests)
            row.update(model=model.id, mode=mode)
            rows.append(row)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    print(f"CPU: {cpu}, {os.cpu_count()} cores; text: {args.text} ({len(TEXTS[args.text])} characters); "
          f"{args.requests} requests per client per level; load average {os.getloadavg()[0]:.2f}")
    print()
    print("| model | mode | clients | requests | TTFB p50 | TTFB p95 | total p50 | total p95 | audio s / wall s | TTFB p50 vs 1 client |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    base_ttfb = {}
    for r in rows:
        base_ttfb.setdefault(r["model"], r["ttfb_p50"])
        ratio = r["ttfb_p50"] / base_ttfb[r["model"]]
        errors = f" ({len(r['errors'])} refused)" if r["errors"] else ""
        print(f"| {r['model']} | {r['mode']} | {r['clients']} | {r['requests']}{errors} | {r['ttfb_p50']:.3f} s | "
              f"{r['ttfb_p95']:.3f} s | {r['total_p50']:.3f} s | {r['total_p95']:.3f} s | {r['throughput']:.2f} | {ratio:.2f}× |")
    if args.json:
        print(json.dumps({"cpu": cpu, "text": args.text, "rows": rows}))


if __name__ == "__main__":
    main()
