"""A loopback SMTP server for the mail tests (aiosmtpd), with knobs for failures.

Prints one JSON line {"port": N} once listening on 127.0.0.1, then serves until killed.
Every accepted message is stored in --store as msg-N.eml (the DATA bytes after
dot-unstuffing) and msg-N.json (envelope, TLS, authentication); stats.json counts every
MAIL, RCPT, DATA and AUTH attempt, so tests can tell a retry from a single try.

With --implicit-tls the --tls-cert pair wraps the socket itself (SMTPS, as on port 465):
no STARTTLS is offered, and the session is TLS from the first byte.

Modes: smtp (aiosmtpd), silent (accepts and never answers: timeouts), garbage (answers
with something that is not SMTP), inject (a hand-written server that sends an extra reply
right behind its STARTTLS 220, the response-injection attack).
"""
import argparse
import asyncio
import json
import os
import signal
import socket
import ssl

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def encrypted(server, session):
    """STARTTLS sets session.ssl; with implicit TLS the transport itself is TLS."""
    transport = getattr(server, "transport", None)
    return session.ssl is not None or (transport is not None and transport.get_extra_info("ssl_object") is not None)


class Stats:
    def __init__(self, directory):
        self.directory = directory
        self.values = {"ehlo": 0, "mail": 0, "rcpt": 0, "data": 0, "messages": 0, "auth": []}
        self.write()

    def bump(self, key):
        self.values[key] += 1
        self.write()

    def auth(self, entry):
        self.values["auth"].append(entry)
        self.write()

    def write(self):
        path = os.path.join(self.directory, "stats.json")
        with open(path + ".tmp", "w") as f:
            json.dump(self.values, f)
        os.replace(path + ".tmp", path)


class Failures:
    """'N:CODE' answers CODE to the first N attempts of a command."""

    def __init__(self, spec):
        self.remaining, self.code = 0, None
        if spec:
            count, code = spec.split(":", 1)
            self.remaining, self.code = int(count), int(code)

    def take(self):
        if self.remaining > 0:
            self.remaining -= 1
            kind = "temporary" if self.code < 500 else "permanent"
            return f"{self.code} 4.3.0 injected {kind} failure" if self.code < 500 else f"{self.code} 5.7.1 injected {kind} failure"
        return None


class Handler:
    def __init__(self, args, stats):
        self.args, self.stats = args, stats
        self.fail_mail = Failures(args.fail_mail)
        self.fail_rcpt = Failures(args.fail_rcpt)
        self.fail_data = Failures(args.fail_data)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.stats.bump("ehlo")
        session.host_name = hostname
        if self.args.hide_starttls:
            responses = [r for r in responses if "STARTTLS" not in r]
            if responses and responses[-1].startswith("250-"):
                responses[-1] = "250 " + responses[-1][4:]
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.stats.bump("mail")
        failure = self.fail_mail.take()
        if failure:
            return failure
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.stats.bump("rcpt")
        failure = self.fail_rcpt.take()
        if failure:
            return failure
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.stats.bump("data")
        if self.args.stall_data:
            await asyncio.sleep(3600)
        failure = self.fail_data.take()
        if failure:
            return failure
        number = self.stats.values["messages"] + 1
        base = os.path.join(self.args.store, f"msg-{number}")
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        with open(base + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "tls": encrypted(server, session),
                       "authenticated": bool(session.authenticated), "login": login}, f)
        self.stats.bump("messages")
        return f"250 2.0.0 Ok: queued as msg-{number}"


def authenticator_for(args, stats):
    user, password = args.auth.split(":", 1)

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
        stats.auth({"mechanism": mechanism, "tls": encrypted(server, session), "success": ok})
        # handled=False: aiosmtpd then answers 535 itself on failure.
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    return authenticate


async def silent(reader, writer):
    await asyncio.sleep(3600)


async def garbage(reader, writer):
    writer.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")
    await writer.drain()
    await asyncio.sleep(3600)


async def inject(reader, writer):
    writer.write(b"220 fake ESMTP\r\n")
    await reader.readline()
    writer.write(b"250-fake\r\n250 STARTTLS\r\n")
    await reader.readline()
    # The attack: a reply the client would read as if it had come over TLS.
    writer.write(b"220 go ahead\r\n250-injected\r\n250 AUTH PLAIN\r\n")
    await writer.drain()
    await asyncio.sleep(3600)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", required=True)
    parser.add_argument("--mode", default="smtp", choices=["smtp", "silent", "garbage", "inject"])
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--hide-starttls", action="store_true")
    parser.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte (SMTPS)")
    parser.add_argument("--auth", help="USER:PASSWORD")
    parser.add_argument("--auth-without-tls", action="store_true", help="offer AUTH before STARTTLS")
    parser.add_argument("--fail-mail")
    parser.add_argument("--fail-rcpt")
    parser.add_argument("--fail-data")
    parser.add_argument("--stall-data", action="store_true")
    args = parser.parse_args()
    # The test process may hand SIGTERM down ignored; stop on it whatever was inherited.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))

    stats = Stats(args.store)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    loop = asyncio.get_running_loop()
    if args.mode == "smtp":
        options = {"hostname": "fake-smtp.test", "loop": loop}
        context = None
        if args.tls_cert:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(args.tls_cert, args.tls_key)
            if not args.implicit_tls:
                options["tls_context"] = context
        if args.auth:
            options["authenticator"] = authenticator_for(args, stats)
            # aiosmtpd only knows STARTTLS; over implicit TLS the whole session is already encrypted.
            options["auth_require_tls"] = not args.auth_without_tls and not args.implicit_tls
        handler = Handler(args, stats)
        wrap = context if args.implicit_tls else None
        server = await loop.create_server(lambda: SMTP(handler, **options), sock=sock, ssl=wrap)
    else:
        callback = {"silent": silent, "garbage": garbage, "inject": inject}[args.mode]
        server = await asyncio.start_server(callback, sock=sock)
    print(json.dumps({"port": sock.getsockname()[1]}), flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
