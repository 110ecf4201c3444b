#!/usr/bin/env python3
"""A real SMTP server (aiosmtpd) that stores what it receives, for tests and the local demo.

Usage:
  python3 scripts/lib/smtp_sink.py --dir DIR --port PORT [--mode MODE]
  python3 scripts/lib/smtp_sink.py --dir DIR --listen MODE:PORT [--listen MODE:PORT ...]
  common options: [--host 127.0.0.1] [--tls-cert CRT --tls-key KEY [--require-tls | --implicit-tls]]
                  [--auth user:pass [--auth-mechanisms PLAIN,LOGIN]]

One process can serve several modes at once, one port each (--listen, repeatable). The TLS and AUTH
options apply to every listener of the process; start another process for another combination.
Port 0 picks a free port; the ready line tells which.

Modes:
  accept         accepts every message: DIR/<n>.eml (the message as received, after the SMTP dot
                 transparency is undone) and DIR/<n>.json (parsed by Python's email package with
                 email.policy.default; fields below), both written atomically (tmp file, then rename).
  drop-mid-data  accepts MAIL, RCPT and DATA, reads part of the message, then closes without replying.
  greet-421      answers "421 4.3.2 Service not available" on connect and closes.
  reject-rcpt    answers 550 to RCPT TO.
  defer-once     answers 451 to the first DATA of each Message-ID, and accepts it when it comes again.
  helo-only      like accept, but refuses EHLO (502), so a client must fall back to HELO and gets no
                 extensions (no PIPELINING, no STARTTLS, no AUTH).
  reset-421      like accept, but answers RSET with 421 and closes: a server that ended an idle
                 connection, as a client reusing it finds out.
  silent         accepts connections and never says anything (for client timeouts).
greet-421 and silent are plain TCP whatever the TLS options.

Every mode but helo-only advertises PIPELINING (aiosmtpd reads commands in order, so it copes).
With --tls-cert/--tls-key it offers STARTTLS; --require-tls refuses MAIL before STARTTLS;
--implicit-tls speaks TLS from the first byte instead (smtps, no STARTTLS);
--auth user:pass requires AUTH (PLAIN and LOGIN, or those named by --auth-mechanisms), offered
only after STARTTLS when TLS is set up.

JSON fields: mail_from, rcpt_tos, mail_options, peer ("host:port" of the client), tls (bool),
auth_login (or null), subject (decoded), from, to, from_name, from_address, to_name, to_address,
message_id, headers ({name: [decoded values]}), content_type, text (decoded text/plain part),
html (decoded text/html part or null), raw_size.
Line endings in text and html are given as "\\n".

Prints "smtp sink ready MODE:PORT ..." once every listener is bound; exits 0 on SIGTERM or SIGINT.
"""

import argparse
import asyncio
import email
import email.policy
import itertools
import json
import os
import signal
import ssl
import sys

try:
    from aiosmtpd.smtp import SMTP, AuthResult
except ImportError:
    sys.stderr.write(
        "smtp_sink.py needs the Python package 'aiosmtpd': install it with\n"
        "  python3 -m pip install aiosmtpd\n"
    )
    sys.exit(2)

MODES = ("accept", "drop-mid-data", "greet-421", "reject-rcpt", "defer-once", "helo-only", "reset-421", "silent")
AUTH_MECHANISMS = ("PLAIN", "LOGIN")
HOSTNAME = "porchlight-sink"


def parse_args():
    parser = argparse.ArgumentParser(description="SMTP sink for tests (see the top of this file)")
    parser.add_argument("--dir", required=True, help="where accepted messages are written")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, help="port for the single listener (with --mode)")
    parser.add_argument("--mode", default="accept", choices=MODES)
    parser.add_argument("--listen", action="append", default=[], metavar="MODE:PORT",
                        help="serve MODE on PORT; repeatable")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--require-tls", action="store_true")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--auth", metavar="USER:PASS")
    parser.add_argument("--auth-mechanisms", default="PLAIN,LOGIN", metavar="LIST",
                        help="comma-separated subset of PLAIN,LOGIN to offer (default both)")
    args = parser.parse_args()

    listeners = []
    for item in args.listen:
        mode, _, port = item.rpartition(":")
        if mode not in MODES or not port.isdigit():
            parser.error(f"--listen {item!r}: expected MODE:PORT with MODE one of {', '.join(MODES)}")
        listeners.append((mode, int(port)))
    if args.port is not None:
        listeners.append((args.mode, args.port))
    if not listeners:
        parser.error("give --port (and --mode) or at least one --listen MODE:PORT")
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if (args.require_tls or args.implicit_tls) and not args.tls_cert:
        parser.error("--require-tls and --implicit-tls need --tls-cert and --tls-key")
    if args.require_tls and args.implicit_tls:
        parser.error("--require-tls is for STARTTLS; --implicit-tls has TLS from the start")
    if args.auth is not None and ":" not in args.auth:
        parser.error("--auth expects USER:PASS")
    args.auth_mechanisms = [name.strip().upper() for name in args.auth_mechanisms.split(",") if name.strip()]
    if not args.auth_mechanisms or not set(args.auth_mechanisms) <= set(AUTH_MECHANISMS):
        parser.error("--auth-mechanisms takes a comma-separated subset of PLAIN,LOGIN")
    return args, listeners


def write_atomically(path, data):
    tmp = f"{path}.tmp"
    with open(tmp, "wb") as file:
        file.write(data)
    os.replace(tmp, path)


def decoded_text(part):
    return None if part is None else part.get_content().replace("\r\n", "\n")


class Store:
    """Numbers the accepted messages, continuing after any already in the folder."""

    def __init__(self, directory):
        os.makedirs(directory, exist_ok=True)
        self.directory = directory
        existing = [int(name.split(".")[0]) for name in os.listdir(directory)
                    if name.endswith(".json") and name.split(".")[0].isdigit()]
        self.numbers = itertools.count(max(existing, default=0) + 1)

    def save(self, server, session, envelope):
        raw = envelope.original_content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        headers = {}
        for name, value in message.items():
            headers.setdefault(name, []).append(str(value))

        def address(field):
            header = message[field]
            found = header.addresses if header is not None else ()
            return (found[0].display_name, found[0].addr_spec) if found else (None, None)

        from_name, from_address = address("from")
        to_name, to_address = address("to")
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "mail_options": list(envelope.mail_options),
            "peer": "%s:%s" % tuple(session.peer[:2]),
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "auth_login": session.login_data.decode() if isinstance(session.login_data, bytes) else None,
            "subject": None if message["subject"] is None else str(message["subject"]),
            "from": None if message["from"] is None else str(message["from"]),
            "to": None if message["to"] is None else str(message["to"]),
            "from_name": from_name, "from_address": from_address,
            "to_name": to_name, "to_address": to_address,
            "message_id": None if message["message-id"] is None else str(message["message-id"]).strip(),
            "headers": headers,
            "content_type": message.get_content_type(),
            "text": decoded_text(message.get_body(("plain",))),
            "html": decoded_text(message.get_body(("html",))),
            "raw_size": len(raw),
        }
        number = next(self.numbers)
        base = os.path.join(self.directory, str(number))
        write_atomically(base + ".eml", raw)
        write_atomically(base + ".json", json.dumps(record, ensure_ascii=False, indent=2).encode())
        return number


class Handler:
    """aiosmtpd hooks for the accepting modes."""

    def __init__(self, store, mode):
        self.store = store
        self.mode = mode
        self.deferred_ids = set()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        if self.mode == "helo-only":
            return ["502 5.5.2 Error: command not recognized"]
        session.host_name = hostname
        # Insert before the last line, which ends the multi-line reply.
        return responses[:-1] + ["250-PIPELINING"] + responses[-1:]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "reject-rcpt":
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "defer-once":
            message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
            message_id = str(message["message-id"] or "").strip()
            if message_id not in self.deferred_ids:
                self.deferred_ids.add(message_id)
                return "451 4.3.0 Try again later"
        number = self.store.save(server, session, envelope)
        return f"250 2.0.0 Ok: queued as {number}"


class DroppingSMTP(SMTP):
    """drop-mid-data: takes the first lines of the message, then hangs up without a reply."""

    async def smtp_DATA(self, arg):
        if await self.check_helo_needed() or await self.check_auth_needed("DATA"):
            return
        if not self.envelope.rcpt_tos:
            await self.push("503 Error: need RCPT command")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        for _ in range(2):
            await self._reader.readuntil(b"\r\n")
        self.transport.close()


class Reset421SMTP(SMTP):
    """reset-421: a reused connection turns out to be closed by the server."""

    async def smtp_RSET(self, arg):
        await self.push("421 4.4.2 porchlight-sink closing idle connection")
        self.transport.close()


async def silent(reader, writer):
    await reader.read()  # until the client gives up and closes
    writer.close()


async def greet_421(reader, writer):
    writer.write(b"421 4.3.2 Service not available\r\n")
    await writer.drain()
    writer.close()


def make_authenticator(credentials):
    user, _, password = credentials.partition(":")

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == user.encode() and auth_data.password == password.encode()
        # handled=False: aiosmtpd itself answers 535 on failure; auth_data makes session.login_data.
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    return authenticate


async def serve(args, listeners):
    loop = asyncio.get_running_loop()
    store = Store(args.dir)
    tls_context = None
    if args.tls_cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.tls_cert, args.tls_key)

    def factory(mode):
        handler = Handler(store, mode)
        protocol = {"drop-mid-data": DroppingSMTP, "reset-421": Reset421SMTP}.get(mode, SMTP)
        starttls_context = None if args.implicit_tls else tls_context
        options = dict(hostname=HOSTNAME, enable_SMTPUTF8=True, tls_context=starttls_context,
                       require_starttls=args.require_tls, loop=loop)
        if args.auth is not None:
            # aiosmtpd's "TLS" check means STARTTLS: with implicit TLS, or no TLS at all (a loopback
            # test without a cert), AUTH must be allowed without it.
            options.update(authenticator=make_authenticator(args.auth), auth_required=True,
                           auth_require_tls=starttls_context is not None,
                           auth_exclude_mechanism=[m for m in AUTH_MECHANISMS if m not in args.auth_mechanisms])
        return lambda: protocol(handler, **options)

    implicit_tls = tls_context if args.implicit_tls else None
    servers = []
    bound = []
    for mode, port in listeners:
        if mode in ("greet-421", "silent"):
            callback = greet_421 if mode == "greet-421" else silent
            server = await asyncio.start_server(callback, args.host, port)
        else:
            server = await loop.create_server(factory(mode), args.host, port, ssl=implicit_tls)
        servers.append(server)
        bound.append(f"{mode}:{server.sockets[0].getsockname()[1]}")

    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print("smtp sink ready " + " ".join(bound), flush=True)
    await stop.wait()
    for server in servers:
        server.close()


def main():
    args, listeners = parse_args()
    # A child inherits its launcher's blocked signals (Swift's Process started from a worker thread
    # blocks SIGTERM); unblock them, or SIGTERM would never reach the handler below.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    try:
        asyncio.run(serve(args, listeners))
    except OSError as error:
        sys.stderr.write(f"smtp sink: cannot listen: {error}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
