#!/usr/bin/env python3
"""A webhook receiver that checks every delivery with the reference Standard Webhooks library.

Usage: receiver.py --port N --secrets-file PATH --log PATH

For each POST it verifies the body and the `webhook-id`, `webhook-timestamp` and
`webhook-signature` headers with `standardwebhooks` against the NEWEST secret in the secrets file
(one `whsec_...` per line, newest last, read at every request so a rotation takes effect at once).
During a rotation the signature header holds one `v1,...` per live secret, space-separated; the
library accepts if any of them matches. It appends one JSON line per delivery to the log:
{"id", "type", "valid", "signatures", "error"}, and answers 204 when valid, 400 when not.
Used by scripts/webhooks/verify; needs only the standard library and `standardwebhooks`.
"""
import argparse
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook


def newest_secret(path):
    with open(path, encoding="utf-8") as file:
        secrets = [line.strip() for line in file if line.strip()]
    return secrets[-1] if secrets else None


def make_handler(secrets_file, log_path):
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def read_body(self):
            if "chunked" in self.headers.get("transfer-encoding", "").lower():
                body = b""
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        return body
                    body += self.rfile.read(size)
                    self.rfile.readline()
            return self.rfile.read(int(self.headers.get("content-length") or 0))

        def do_POST(self):
            body = self.read_body()
            headers = {name: self.headers.get(name) or "" for name in ("webhook-id", "webhook-timestamp", "webhook-signature")}
            signature = headers["webhook-signature"].strip()
            try:
                message_type = json.loads(body).get("type")
            except Exception:
                message_type = None
            error = None
            try:
                secret = newest_secret(secrets_file)
                if secret is None:
                    raise ValueError(f"no secret in {secrets_file}")
                Webhook(secret).verify(body, headers)
            except Exception as failure:  # the library's errors, and malformed headers or bodies
                error = f"{type(failure).__name__}: {failure}"
            entry = {
                "id": headers["webhook-id"] or None,
                "type": message_type,
                "valid": error is None,
                "signatures": len(signature.split()) if signature else 0,
                "error": error,
            }
            with lock, open(log_path, "a", encoding="utf-8") as log:
                log.write(json.dumps(entry) + "\n")
            answer = b"" if error is None else (error + "\n").encode()
            self.send_response(204 if error is None else 400)
            if answer:
                self.send_header("content-type", "text/plain; charset=utf-8")
                self.send_header("content-length", str(len(answer)))
            self.end_headers()
            if answer:
                self.wfile.write(answer)

        def log_message(self, format, *args):  # keep stdout for the "listening" line
            pass

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--secrets-file", required=True)
    parser.add_argument("--log", required=True)
    options = parser.parse_args()
    server = ThreadingHTTPServer((options.host, options.port), make_handler(options.secrets_file, options.log))
    server.daemon_threads = True
    print(f"listening {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    sys.exit(main())
