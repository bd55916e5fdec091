"""Python side of `cargo xtask bench`: the official Telnyx SDK on the same work.

Usage:
    python_bench.py unwrap   --body FILE [--duration S] [--warmup S]
    python_bench.py requests --base-url URL [--duration S] [--warmup S]

`unwrap` signs the delivery in FILE with the same Ed25519 seed the Rust bench
uses and calls `client.webhooks.unwrap` on it in a loop on one thread.
`requests` sends `client.calls.actions.answer` one after another with the
synchronous client (its fastest mode for a single caller) to the stub at URL.
Each prints one JSON object with the rate and the process's peak RSS.
"""

import argparse
import base64
import json
import resource
import sys
import time

from nacl.signing import SigningKey
from telnyx import Telnyx

# Same seed as the Rust bench, so both sides check the same signature.
SIGNING_SEED = bytes([9] * 32)
CALL_CONTROL_ID = "v3:bench-call-control-id"


def peak_rss_mb():
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def timed_loop(step, duration):
    done = 0
    started = time.perf_counter()
    deadline = started + duration
    while True:
        for _ in range(20):
            step()
        done += 20
        now = time.perf_counter()
        if now >= deadline:
            return done, now - started


def bench_unwrap(args):
    with open(args.body, "rb") as f:
        body = f.read().decode("utf-8")
    signing = SigningKey(SIGNING_SEED)
    public_key = base64.b64encode(bytes(signing.verify_key)).decode("ascii")
    timestamp = str(int(time.time()))
    signed = signing.sign(f"{timestamp}|{body}".encode("utf-8")).signature
    headers = {
        "telnyx-timestamp": timestamp,
        "telnyx-signature-ed25519": base64.b64encode(signed).decode("ascii"),
    }
    client = Telnyx(api_key="KEY_BENCH_NOT_A_REAL_KEY", public_key=public_key)
    event = client.webhooks.unwrap(body, headers=headers)
    kind = getattr(getattr(event, "data", None), "event_type", None)
    if kind != "call.answered":
        sys.exit(f"python_bench: the delivery unwrapped as {kind!r}, not call.answered")

    def step():
        client.webhooks.unwrap(body, headers=headers)

    timed_loop(step, args.warmup)
    done, elapsed = timed_loop(step, args.duration)
    return {
        "webhook_unwrap_per_s": done / elapsed,
        "body_bytes": len(body.encode("utf-8")),
        "peak_rss_mb": peak_rss_mb(),
    }


def bench_requests(args):
    client = Telnyx(api_key="KEY_BENCH_NOT_A_REAL_KEY", base_url=args.base_url)

    def step():
        reply = client.calls.actions.answer(call_control_id=CALL_CONTROL_ID)
        if reply.data is None or reply.data.result != "ok":
            sys.exit(f"python_bench: unexpected reply {reply!r}")

    timed_loop(step, args.warmup)
    cpu_before = time.process_time()
    done, elapsed = timed_loop(step, args.duration)
    cpu = time.process_time() - cpu_before
    client.close()
    return {
        "requests_per_s": done / elapsed,
        "requests": done,
        "concurrency": 1,
        "cpu_us_per_request": cpu * 1e6 / done,
        "peak_rss_mb": peak_rss_mb(),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["unwrap", "requests"])
    parser.add_argument("--body")
    parser.add_argument("--base-url")
    parser.add_argument("--duration", type=float, default=3.0)
    parser.add_argument("--warmup", type=float, default=0.5)
    args = parser.parse_args()
    if args.mode == "unwrap":
        if not args.body:
            parser.error("unwrap needs --body")
        result = bench_unwrap(args)
    else:
        if not args.base_url:
            parser.error("requests needs --base-url")
        result = bench_requests(args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
