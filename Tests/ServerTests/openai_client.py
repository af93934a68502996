#!/usr/bin/env python3
"""Drives a running `sotto serve` with the official `openai` package (and, for what that client
cannot send, such as broken JSON, with httpx, which it is built on). Prints one JSON object with
what happened, for the Swift tests to check.

    openai_client.py BASE_URL speech MODEL FORMAT OUT [--voice V] [--instructions I] [--sse] [--input TEXT]
    openai_client.py BASE_URL error JSON_BODY        (sent through the openai client)
    openai_client.py BASE_URL raw BODY_TEXT          (sent as is, with httpx)
    openai_client.py BASE_URL concurrent MODEL N [--input TEXT]
    openai_client.py BASE_URL drop MODEL [--input TEXT]       (reads the first bytes, then hangs up)
    openai_client.py BASE_URL timeline MODEL --input TEXT   (when the first and last bytes came)
    openai_client.py BASE_URL models
"""
import argparse
import base64
import json
import sys
import threading
import time

import openai

try:  # the HTTP library the openai package is built on (renamed in its newer releases)
    import httpx2 as httpx
except ImportError:
    import httpx


def client(base):
    return openai.OpenAI(base_url=base + "/v1", api_key="unused-key", max_retries=0, timeout=600)


def speech(args):
    """One request per format in args.format (comma-separated); OUT is a folder for several."""
    formats = args.format.split(",")
    if len(formats) == 1:
        return speak(args, formats[0], args.out)
    return {"takes": {f: speak(args, f, f"{args.out}/take.{f}") for f in formats}}


def speak(args, response_format, out):
    extra = {}
    if args.sse:
        extra["stream_format"] = "sse"
    kwargs = dict(model=args.model, input=args.input, response_format=response_format, **extra)
    kwargs["voice"] = args.voice if args.voice is not None else ""
    if args.instructions is not None:
        kwargs["instructions"] = args.instructions
    extra_body = {}
    if args.seed is not None:
        extra_body["seed"] = args.seed
    if args.word_timings:
        extra_body["word_timings"] = True
    if extra_body:
        kwargs["extra_body"] = extra_body
    started = time.monotonic()
    pieces = []
    with client(args.base).audio.speech.with_streaming_response.create(**kwargs) as response:
        headers = {k.lower(): v for k, v in response.headers.items()}
        for piece in response.iter_bytes():
            pieces.append((time.monotonic() - started, piece))
        ended = time.monotonic() - started
    body = b"".join(p for _, p in pieces)
    result = {"status": response.status_code, "headers": headers, "first_byte_s": pieces[0][0] if pieces else None,
              "total_s": ended, "pieces": len(pieces), "bytes": len(body)}
    if args.sse:
        audio = b""
        events = []
        for block in body.decode().split("\n\n"):
            if not block.strip():
                continue
            assert block.startswith("data: "), block[:80]
            event = json.loads(block[len("data: "):])
            events.append(event["type"])
            if event["type"] == "speech.audio.delta":
                audio += base64.b64decode(event["audio"])
            if event["type"] == "speech.audio.words":
                result.setdefault("words", []).extend(event["words"])
            if event["type"] == "speech.audio.done":
                result["usage"] = event.get("usage")
        result["events"] = events
        body = audio
    with open(out, "wb") as f:
        f.write(body)
    result["audio_bytes"] = len(body)
    return result


# The fields openai's speech.create takes by name; the rest travel in extra_body.
SPEECH_FIELDS = {"model", "input", "voice", "instructions", "response_format", "speed", "stream_format"}


def error(args):
    body = json.loads(args.body)
    extra = {k: v for k, v in body.items() if k not in SPEECH_FIELDS}
    body = {k: v for k, v in body.items() if k in SPEECH_FIELDS}
    if extra:
        body["extra_body"] = extra
    try:
        with client(args.base).audio.speech.with_streaming_response.create(**body) as response:
            data = response.read()
            return {"status": response.status_code, "bytes": len(data)}
    except openai.APIStatusError as e:
        return {"status": e.status_code, "body": e.response.json(),
                "retry_after": e.response.headers.get("retry-after")}


def raw(args):
    response = httpx.post(args.base + "/v1/audio/speech", content=args.body.encode(),
                          headers={"content-type": "application/json"}, timeout=60)
    if response.headers.get("content-type", "").startswith("application/json"):
        return {"status": response.status_code, "body": response.json()}
    return {"status": response.status_code, "bytes": len(response.content)}


def concurrent(args):
    results = [None] * args.n

    def one(i):
        started = time.monotonic()
        try:
            with client(args.base).audio.speech.with_streaming_response.create(
                    model=args.model, input=args.input, voice="", response_format="pcm") as response:
                data = response.read()
                results[i] = {"status": response.status_code, "bytes": len(data), "seconds": time.monotonic() - started}
        except openai.APIStatusError as e:
            results[i] = {"status": e.status_code, "retry_after": e.response.headers.get("retry-after"),
                          "code": e.response.json()["error"]["code"]}
        except Exception as e:  # a crash or a dropped connection is what the test looks for
            results[i] = {"status": -1, "exception": repr(e)}

    threads = [threading.Thread(target=one, args=(i,)) for i in range(args.n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"results": results}


def drop(args):
    started = time.monotonic()
    with client(args.base).audio.speech.with_streaming_response.create(
            model=args.model, input=args.input, voice="", response_format="pcm") as response:
        first = next(response.iter_bytes())
        first_at = time.monotonic() - started
        response.close()
    return {"status": response.status_code, "first_bytes": len(first), "first_byte_s": first_at}


def timeline(args):
    """Reads a whole streamed take and notes when its first and its last bytes arrived."""
    started = time.monotonic()
    first_at, size = None, 0
    with client(args.base).audio.speech.with_streaming_response.create(
            model=args.model, input=args.input, voice="", response_format="pcm") as response:
        for chunk in response.iter_bytes():
            if chunk and first_at is None:
                first_at = time.monotonic() - started
            size += len(chunk)
    return {"status": response.status_code, "bytes": size, "first_byte_s": first_at,
            "last_byte_s": time.monotonic() - started}


def models(args):
    return {"ids": [m.id for m in client(args.base).models.list().data]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("speech")
    p.add_argument("model"); p.add_argument("format"); p.add_argument("out")
    p.add_argument("--voice"); p.add_argument("--instructions"); p.add_argument("--sse", action="store_true")
    p.add_argument("--word-timings", action="store_true")
    p.add_argument("--seed", type=int)
    p.add_argument("--input", default="Hello from the speech server. This is the second sentence of the test.")
    p.set_defaults(run=speech)
    p = sub.add_parser("error"); p.add_argument("body"); p.set_defaults(run=error)
    p = sub.add_parser("raw"); p.add_argument("body"); p.set_defaults(run=raw)
    p = sub.add_parser("concurrent"); p.add_argument("model"); p.add_argument("n", type=int)
    p.add_argument("--input", default="Eight clients speak at once."); p.set_defaults(run=concurrent)
    p = sub.add_parser("drop"); p.add_argument("model")
    p.add_argument("--input", default="A long text. " * 40)
    p.set_defaults(run=drop)
    p = sub.add_parser("timeline"); p.add_argument("model"); p.add_argument("--input", required=True)
    p.set_defaults(run=timeline)
    p = sub.add_parser("models"); p.set_defaults(run=models)
    args = parser.parse_args()
    print(json.dumps(args.run(args)))


if __name__ == "__main__":
    sys.exit(main())
