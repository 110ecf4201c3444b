"""Requests no schema describes, sent to every operation of openapi.yaml: each must get a 4xx
problem+json, never a 5xx or a bare answer. Run by scripts/contract against the live service.

- a chunked body over the 1 MiB limit, on every operation that takes a body (413);
- a NUL, and invalid UTF-8, percent-encoded in every path parameter (400);
- a NUL in a header (400; the connection is then closed).

Usage: hostile_requests.py BASE_URL API_KEY
"""
from __future__ import annotations

import json
import pathlib
import re
import socket
import sys
from urllib.parse import urlparse

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPEC = yaml.safe_load((ROOT / "openapi.yaml").read_text())
LIMIT = 1024 * 1024


def exchange(host: str, port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Sends raw bytes (the service may answer before reading them all) and reads the answer."""
    with socket.create_connection((host, port), timeout=20) as sock:
        try:
            sock.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass
        data = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1]) if lines and len(lines[0].split(" ")) > 1 else 0
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers, body


def is_problem(status: int, headers: dict[str, str], body: bytes) -> bool:
    if not 400 <= status < 500 or headers.get("content-type") != "application/problem+json":
        return False
    try:
        return json.loads(body).get("status") == status
    except ValueError:
        return False


def main() -> int:
    base, key = sys.argv[1], sys.argv[2]
    url = urlparse(base)
    host, port = url.hostname, url.port
    failures, checked = [], 0

    def check(label: str, request: bytes, expected: int) -> None:
        nonlocal checked
        checked += 1
        status, headers, body = exchange(host, port, request)
        if status != expected or not is_problem(status, headers, body):
            failures.append(f"{label}: {status} {headers.get('content-type')} {body[:200]!r}")

    def head(method: str, path: str, extra: str = "") -> bytes:
        return (f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n"
                f"Connection: close\r\n{extra}\r\n").encode()

    chunk = b" " * 65536
    oversized = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(LIMIT // len(chunk) + 2)) + b"0\r\n\r\n"
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            concrete = re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", path)
            if "requestBody" in operation:
                request = head(method.upper(), concrete, "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n")
                check(f"{method.upper()} {path} chunked over the limit", request + oversized, 413)
            for parameter in re.findall(r"\{([^}]+)\}", path):
                for label, value in (("NUL", "A%00B"), ("invalid UTF-8", "%FF%FE")):
                    hostile = path.replace("{" + parameter + "}", value)
                    hostile = re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", hostile)
                    check(f"{method.upper()} {path} {label} in {parameter}", head(method.upper(), hostile), 400)
    check("NUL in a header", head("GET", "/health/live", "X-Note: a\x00b\r\n"), 400)

    print(f"hostile requests: {checked} sent, {len(failures)} without a 4xx problem")
    for failure in failures:
        print("  " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
