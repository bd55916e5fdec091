#!/usr/bin/env python3
"""Independent (PyNaCl / libsodium) cross-check of Telnyx webhook signatures.

The signed message is: timestamp header bytes, a b"|" byte, the raw body.

Modes:
  sign SEED_HEX   Print a JSON array of vectors signed with the Ed25519 key
                  whose 32-byte seed is SEED_HEX. Each vector has
                  public_key (base64), timestamp (string), body_b64 and
                  signature (base64).
  verify          Read a JSON array of vectors in the same shape on stdin and
                  check each one with PyNaCl. Also checks that a copy with one
                  body byte flipped is refused. Prints a JSON report and exits
                  non-zero if any vector misbehaves.

Run by telnyx-voice/tests/webhooks_pynacl.rs; requirements.txt pins PyNaCl.
"""

import base64
import json
import sys

import nacl.exceptions
import nacl.signing

CALL_ANSWERED = (
    '{"data":{"event_type":"call.answered","id":"6a09cdc3-8948-47f0-aa62-74ac943d6c58",'
    '"occurred_at":"2024-01-15T10:30:00.000000Z","payload":{'
    '"call_control_id":"v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg",'
    '"call_leg_id":"2dc6fc34-f9e0-11ea-b68e-02420a0f7768",'
    '"call_session_id":"2dc1b3c8-f9e0-11ea-bc5a-02420a0f7768",'
    '"client_state":"aGF2ZSBhIG5pY2UgZGF5ID1d","connection_id":"7267xxxxxxxxxxxxxx",'
    '"from":"+35319605860","start_time":"2024-01-15T10:29:58.000000Z",'
    '"state":"answered","to":"+13129457420"},"record_type":"event"},'
    '"meta":{"attempt":1,"delivered_to":"https://example.com/webhooks"}}'
)


def bodies():
    """Bodies covering empty, JSON, Unicode, separators and raw binary."""
    return [
        b"",
        b"{}",
        CALL_ANSWERED.encode("utf-8"),
        '{"text":"h\u00e9llo \u2603 \U0001f4de"}'.encode("utf-8"),
        b"a|b|c||",
        bytes(range(256)),
        b"{\"pad\":\"" + b"x" * 5000 + b"\"}",
    ]


def timestamps():
    return ["1700000000", "1700000123", "0", "1999999999", "1700000999"]


def message(timestamp, body):
    return timestamp.encode("ascii") + b"|" + body


def b64(data):
    return base64.b64encode(data).decode("ascii")


def sign(seed_hex):
    key = nacl.signing.SigningKey(bytes.fromhex(seed_hex))
    public_key = b64(bytes(key.verify_key))
    vectors = []
    stamps = timestamps()
    for i, body in enumerate(bodies()):
        ts = stamps[i % len(stamps)]
        signature = key.sign(message(ts, body)).signature
        vectors.append(
            {
                "public_key": public_key,
                "timestamp": ts,
                "body_b64": b64(body),
                "signature": b64(signature),
            }
        )
    json.dump(vectors, sys.stdout)
    sys.stdout.write("\n")


def accepts(vk, ts, body, signature):
    try:
        vk.verify(message(ts, body), signature)
        return True
    except nacl.exceptions.BadSignatureError:
        return False


def verify():
    vectors = json.load(sys.stdin)
    report = []
    failures = 0
    for v in vectors:
        vk = nacl.signing.VerifyKey(base64.b64decode(v["public_key"], validate=True))
        body = base64.b64decode(v["body_b64"], validate=True)
        signature = base64.b64decode(v["signature"], validate=True)
        ok = accepts(vk, v["timestamp"], body, signature)
        tampered = bytearray(body) if body else bytearray(b"\x00")
        tampered[-1] ^= 0x01
        tampered_ok = accepts(vk, v["timestamp"], bytes(tampered), signature)
        if not ok or tampered_ok:
            failures += 1
        report.append({"accepted": ok, "tampered_accepted": tampered_ok})
    json.dump({"checked": len(vectors), "failures": failures, "results": report}, sys.stdout)
    sys.stdout.write("\n")
    return 1 if failures else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "sign":
        sign(argv[2])
        return 0
    if len(argv) == 2 and argv[1] == "verify":
        return verify()
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
