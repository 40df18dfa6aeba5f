"""Local receivers for pushed alerts: an HTTP webhook and a small SMTP server (RFC 5321's
HELO/EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; enough for smtplib), each in a thread on a
free localhost port. aiosmtpd is not installed, so the SMTP side is our own."""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Webhook:
    url: str
    # status codes to answer, one per request, then 200 for every later one
    plan: list[int] = field(default_factory=list)
    received: list[dict] = field(default_factory=list)  # {"status", "headers", "body"}


@contextmanager
def webhook(plan: list[int] | None = None) -> Iterator[Webhook]:
    hook = Webhook("", list(plan or []))
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with lock:
                status = hook.plan.pop(0) if hook.plan else 200
                hook.received.append({"status": status, "headers": dict(self.headers), "body": body})
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/alerts"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass
class Mailbox:
    port: int = 0
    # reply codes to give DATA's end, one per message, then 250 for every later one
    plan: list[int] = field(default_factory=list)
    messages: list[tuple[str, list[str], Message]] = field(default_factory=list)  # from, to, message


@contextmanager
def smtp_server(plan: list[int] | None = None) -> Iterator[Mailbox]:
    box = Mailbox(plan=list(plan or []))

    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")

        def handle(self):
            self.reply("220 localhost test SMTP")
            sender, recipients = None, []
            while line := self.rfile.readline():
                command = line.decode().strip()
                verb = command[:4].upper()
                if verb in ("HELO", "EHLO"):
                    self.reply("250 localhost")
                elif verb == "MAIL":
                    sender, recipients = command.split(":", 1)[1].strip(" <>"), []
                    self.reply("250 OK")
                elif verb == "RCPT":
                    recipients.append(command.split(":", 1)[1].strip(" <>"))
                    self.reply("250 OK")
                elif verb == "DATA":
                    self.reply("354 end with <CRLF>.<CRLF>")
                    data = b""
                    while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                        data += chunk[1:] if chunk.startswith(b"..") else chunk
                    code = box.plan.pop(0) if box.plan else 250
                    if code == 250:
                        box.messages.append((sender, recipients, message_from_bytes(data)))
                        self.reply("250 OK queued")
                    else:
                        self.reply(f"{code} try again later")
                elif verb in ("RSET", "NOOP"):
                    self.reply("250 OK")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("502 not implemented")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    box.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
