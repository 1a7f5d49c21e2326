#!/usr/bin/env python3
"""Soak test of a release `threatfeed serve` on loopback (run through Benchmarks/soak.sh).

For --minutes N (bounded; everything on 127.0.0.1):
  * 8 pollers, each cycling through the three kinds a gateway uses: the CTIA JSON view (?s=secret), a TAXII
    Poll_Request naming the feed secret, and a TAXII Poll_Request naming the collection with HTTP Basic auth;
  * an import of IMPORT_SIZE new domains every IMPORT_EVERY seconds (`threatfeed import`, a separate process
    writing to the database the server reads, as an operator's cron job would);
  * a fake ETD (in this process) that convicts one new message every second; the server's ETD poller fetches them.
    Each message yields exactly one judgement (one unique URL; sender domain and IP are our own, held back);
  * one SIGKILL of the server at a random moment in the middle third, and a restart on the same port.
Then the fake stops convicting, the poller catches up, the server stops (SIGTERM), and the database is checked:
every import that had completed and every conviction sent is stored exactly once, `PRAGMA integrity_check` is ok.
Prints key=value lines: errors per kind (outside the restart window, and inside it), p50/p99 latency per kind,
RSS at start and end, WAL size, judgements stored vs sent.
"""
import argparse
import base64
import datetime
import http.client
import http.server
import json
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

parser = argparse.ArgumentParser()
parser.add_argument("--bin", required=True)
parser.add_argument("--minutes", type=float, default=10)
parser.add_argument("--pollers", type=int, default=8)
parser.add_argument("--import-every", type=float, default=5)
parser.add_argument("--import-size", type=int, default=20)
parser.add_argument("--seed", type=int, default=int(time.time()))
parser.add_argument("--keep", action="store_true", help="keep the work directory")
args = parser.parse_args()
rng = random.Random(args.seed)
BIN = os.path.abspath(args.bin)
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
work = tempfile.mkdtemp(prefix="threatfeed-soak-")
db = os.path.join(work, "soak.sqlite")
OWN = "soak-own.example"
GATEWAY = "198.51.100.10"
USER, PASSWORD, COLLECTION = "soak-gw", "soak-password-0123", "soak-collection"


def out(line):
    print(line, flush=True)


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(*argv, stdin=None):
    return subprocess.run([BIN, *argv, "--db", db], input=stdin, capture_output=True, text=True, check=True).stdout


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


# ---------------------------------------------------------------- fake ETD
class FakeETD:
    """Token and paged search, as the real API answers them (reference/etd-sma-esa-apis.md); one conviction a second."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []  # (time, object)
        self.convicting = True
        self.searches = 0

    def convict(self):
        with self.lock:
            n = len(self.messages)
            mid = str(uuid.uuid4())
            now = time.time()
            self.messages.append((now, {
                "id": mid, "timestamp": iso(now), "direction": "incoming", "mailboxes": [f"user{n % 20}@{OWN}"],
                "toAddresses": [f"user{n % 20}@{OWN}"], "domain": OWN, "subject": f"soak {n}",
                "internetMessageId": f"<{mid}@soak.example.net>", "fromAddress": f"it{n}@{OWN}", "returnPath": f"b@{OWN}",
                "clientIP": GATEWAY, "urlMetadata": [{"url": f"https://m{n}.soak-evil.example.net/login/{n}"}],
                "verdict": {"category": "phishing", "originalVerdict": "phishing", "latestVerdict": "phishing",
                            "isRetroVerdict": False, "isManualVerdict": False, "timestamp": iso(now),
                            "techniques": [{"type": "Malicious URL"}]},
            }))

    def sent_urls(self):
        with self.lock:
            return {m["urlMetadata"][0]["url"] for _, m in self.messages}

    def newest(self):
        with self.lock:
            return self.messages[-1][0] if self.messages else 0

    def handler(fake):
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def reply(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length) if length else b""
                if self.path == "/v1/oauth/token":
                    return self.reply(200, {"accessToken": "soak-token"})
                if self.path != "/v1/messages/search":
                    return self.reply(404, {"error": "no such path"})
                if self.headers.get("Authorization") != "Bearer soak-token":
                    return self.reply(401, {"message": "Unauthorized"})
                request = json.loads(body)
                start, end = (parse_iso(t) for t in request["timestamp"])
                size = min(int(request.get("pageSize", 100)), 100)
                offset = int(request.get("pageToken") or 0)
                with fake.lock:
                    fake.searches += 1
                    hits = [m for t, m in fake.messages if start <= t <= end]
                page = hits[offset:offset + size]
                envelope = {"data": {"messages": page}, "totalSize": len(hits)}
                if offset + size < len(hits):
                    envelope["nextPageToken"] = str(offset + size)
                self.reply(200, envelope)
        return Handler


fake = FakeETD()
etd_port = free_port()
etd_server = http.server.ThreadingHTTPServer(("127.0.0.1", etd_port), fake.handler())
threading.Thread(target=etd_server.serve_forever, daemon=True).start()

# ---------------------------------------------------------------- database and server
seed_file = os.path.join(work, "seed.txt")
with open(seed_file, "w") as f:
    f.write("\n".join(f"seed{i}.soak-bad.example.org" for i in range(200)) + "\n")
run("import", seed_file, "--indicator", "manual", "--valid-for", "30d")
run("feed", "create", "soak", "--indicator", "manual", "--collection", COLLECTION)
run("user", "add", USER, stdin=PASSWORD + "\n")
run("feed", "grant", "soak", USER)
shown = json.loads(run("feed", "show", "soak", "--json"))
secret, feed_id = shown["secret"], shown["id"]
port = free_port()
env = dict(os.environ, THREATFEED_ETD_BASE_URL=f"http://127.0.0.1:{etd_port}", THREATFEED_ETD_CLIENT_ID="soak",
           THREATFEED_ETD_CLIENT_SECRET="soak-secret", THREATFEED_ETD_API_KEY="soak-key", THREATFEED_ETD_POLL_INTERVAL="5s",
           THREATFEED_ETD_SETTLE_DELAY="2s", THREATFEED_ETD_LOOK_BACK="1h", THREATFEED_ETD_VERDICTS="phishing",
           THREATFEED_OWN_DOMAINS=OWN, THREATFEED_GATEWAY_IPS=GATEWAY, THREATFEED_POLICY_DIR=os.path.join(REPO, "feeds/policy"),
           THREATFEED_DB=db)
server_log = open(os.path.join(work, "serve.log"), "a")


def start_server():
    process = subprocess.Popen([BIN, "serve", "--port", str(port), "--log-level", "notice"], env=env,
                               stdout=server_log, stderr=server_log)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/health/ready")
            if c.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.1)
    raise SystemExit("server did not become ready")


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def wal_mib():
    try:
        return os.path.getsize(db + "-wal") / 1048576
    except OSError:
        return 0.0


server = start_server()
time.sleep(3)
rss_start = rss_mib(server.pid)
out(f"soak.start minutes={args.minutes} pollers={args.pollers} seed={args.seed} rss_MiB={rss_start:.1f} wal_MiB={wal_mib():.2f} "
    f"load={','.join(open('/proc/loadavg').read().split()[:3])}")

# ---------------------------------------------------------------- pollers
POLL = ('<taxii_11:Poll_Request xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="{mid}" '
        'collection_name="{collection}"><taxii_11:Exclusive_Begin_Timestamp>{since}</taxii_11:Exclusive_Begin_Timestamp>'
        '<taxii_11:Poll_Parameters allow_asynch="false"><taxii_11:Response_Type>FULL</taxii_11:Response_Type>'
        '</taxii_11:Poll_Parameters></taxii_11:Poll_Request>')
TAXII_HEADERS = {"Content-Type": "application/xml", "X-TAXII-Content-Type": "urn:taxii.mitre.org:message:xml:1.1",
                 "X-TAXII-Services": "urn:taxii.mitre.org:services:1.1"}
BASIC = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
KINDS = ["ctia", "taxii-secret", "taxii-basic"]
lock = threading.Lock()
latencies = {k: [] for k in KINDS}
errors = {k: 0 for k in KINDS}
restart_errors = {k: 0 for k in KINDS}
error_samples = []
in_restart = threading.Event()
stop = threading.Event()


def poller(index):
    conn = None
    i = index
    while not stop.is_set():
        kind = KINDS[i % 3]
        i += 1
        since = iso(time.time() - 60).replace("Z", "+00:00")
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            t0 = time.perf_counter()
            if kind == "ctia":
                conn.request("GET", f"/ctia/feed/{feed_id}/view?s={secret}")
            else:
                body = POLL.format(mid=i, collection=secret if kind == "taxii-secret" else COLLECTION, since=since)
                headers = dict(TAXII_HEADERS)
                if kind == "taxii-basic":
                    headers["Authorization"] = BASIC
                conn.request("POST", "/taxii/poll", body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            elapsed = time.perf_counter() - t0
            ok = response.status == 200 and (b'"observables"' in data if kind == "ctia" else b"Poll_Response" in data)
            with lock:
                if ok:
                    latencies[kind].append(elapsed)
                elif in_restart.is_set():
                    restart_errors[kind] += 1
                else:
                    errors[kind] += 1
                    if len(error_samples) < 5:
                        error_samples.append(f"{kind}: HTTP {response.status} {data[:200]!r}")
        except (OSError, http.client.HTTPException) as error:
            conn = None
            with lock:
                if in_restart.is_set():
                    restart_errors[kind] += 1
                else:
                    errors[kind] += 1
                    if len(error_samples) < 5:
                        error_samples.append(f"{kind}: {type(error).__name__}: {error}")
            time.sleep(0.05)


threads = [threading.Thread(target=poller, args=(n,), daemon=True) for n in range(args.pollers)]
for t in threads:
    t.start()

# ---------------------------------------------------------------- imports, convictions, the kill
imported = set()  # values of imports that completed (exit 0): committed, must survive
import_failures = []
duration = args.minutes * 60
kill_at = rng.uniform(duration / 3, 2 * duration / 3)
killed = False
t_start = time.time()
next_import = t_start + args.import_every
next_sample = t_start + 60
batch = 0
restart_seconds = 0.0
rss_before_kill = rss_after_restart = 0.0
while time.time() - t_start < duration:
    now = time.time()
    fake.convict()
    if now >= next_import:
        batch += 1
        values = [f"imp{batch}-{k}.soak-bad.example.org" for k in range(args.import_size)]
        path = os.path.join(work, f"import-{batch}.txt")
        with open(path, "w") as f:
            f.write("\n".join(values) + "\n")
        result = subprocess.run([BIN, "import", path, "--indicator", "manual", "--valid-for", "30d", "--db", db],
                                capture_output=True, text=True)
        if result.returncode == 0:
            imported.update(values)
        else:
            import_failures.append(result.stderr.strip()[:200])
        next_import += args.import_every
    if not killed and now - t_start >= kill_at:
        killed = True
        in_restart.set()
        rss_before_kill = rss_mib(server.pid)
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
        t_kill = time.time()
        check = sqlite3.connect(db)
        integrity_after_kill = check.execute("PRAGMA integrity_check").fetchone()[0]
        check.close()
        server = start_server()
        restart_seconds = time.time() - t_kill
        rss_after_restart = rss_mib(server.pid)
        in_restart.clear()
        out(f"soak.kill at_s={now - t_start:.0f} integrity_after_kill={integrity_after_kill} restart_to_ready_s={restart_seconds:.2f}")
    if now >= next_sample:
        with lock:
            done = sum(len(v) for v in latencies.values())
        out(f"soak.t{now - t_start:.0f}s rss_MiB={rss_mib(server.pid):.1f} wal_MiB={wal_mib():.2f} requests_ok={done} "
            f"convictions_sent={len(fake.messages)} imports_done={len(imported) // args.import_size} "
            f"load={','.join(open('/proc/loadavg').read().split()[:3])}")
        next_sample += 60
    time.sleep(max(0.0, 1.0 - (time.time() - now)))

# ---------------------------------------------------------------- wind down and check
stop.set()
for t in threads:
    t.join(timeout=60)
rss_end = rss_mib(server.pid)
wal_end = wal_mib()
fake.convicting = False
# Let the poller fetch the last convictions: its window must pass the newest message.
newest = fake.newest()
deadline = time.time() + 120
caught_up = False
while time.time() < deadline:
    try:
        c = sqlite3.connect(db)
        row = c.execute("SELECT last_success_window_end FROM etd_poll_state WHERE id = 1").fetchone()
        c.close()
        if row and row[0] and row[0] / 1e6 > newest:
            caught_up = True
            break
    except sqlite3.Error:
        pass
    time.sleep(1)
server.send_signal(signal.SIGTERM)
server.wait(timeout=60)
exit_status = server.returncode

c = sqlite3.connect(db)
integrity = c.execute("PRAGMA integrity_check").fetchone()[0]


def values_of(indicator):
    return c.execute(
        "SELECT o.value, count(*) FROM judgement j JOIN observable o ON o.id = j.observable_id "
        "JOIN indicator i ON i.id = j.indicator_id WHERE i.name = ? GROUP BY o.value", (indicator,)).fetchall()


manual = dict(values_of("manual"))
etd = dict(values_of("etd-convictions"))
sent = fake.sent_urls()
stored_urls = {v for v in etd}
lost_imports = [v for v in imported if v not in manual]
lost_convictions = sorted(sent - stored_urls)
duplicated = sum(1 for n in list(manual.values()) + list(etd.values()) if n > 1)
unexpected = sorted(stored_urls - sent)
c.close()

out(f"soak.errors outside_restart {' '.join(f'{k}={v}' for k, v in errors.items())}")
out(f"soak.errors during_restart {' '.join(f'{k}={v}' for k, v in restart_errors.items())} restart_to_ready_s={restart_seconds:.2f}")
for sample in error_samples:
    out(f"soak.error_sample {sample}")
for kind in KINDS:
    v = sorted(latencies[kind])
    if v:
        p50 = statistics.median(v) * 1000
        p99 = v[min(len(v) - 1, int(len(v) * 0.99))] * 1000
        out(f"soak.latency kind={kind} requests={len(v)} p50_ms={p50:.1f} p99_ms={p99:.1f} max_ms={v[-1] * 1000:.1f}")
out(f"soak.memory rss_start_MiB={rss_start:.1f} rss_before_kill_MiB={rss_before_kill:.1f} rss_after_restart_MiB={rss_after_restart:.1f} "
    f"rss_end_MiB={rss_end:.1f} "
    f"wal_end_MiB={wal_end:.2f} db_MiB={os.path.getsize(db) / 1048576:.2f}")
out(f"soak.imports completed={len(imported) // args.import_size} values={len(imported)} failed={len(import_failures)} "
    f"lost={len(lost_imports)}")
out(f"soak.etd convictions_sent={len(sent)} judgements_stored={len(etd)} lost={len(lost_convictions)} unexpected={len(unexpected)} "
    f"caught_up={caught_up} searches={fake.searches}")
out(f"soak.integrity duplicated_values={duplicated} integrity_check={integrity} server_exit={exit_status}")
ok = (integrity == "ok" and not lost_imports and not lost_convictions and duplicated == 0 and not unexpected
      and sum(errors.values()) == 0 and caught_up and exit_status == 0)
out(f"soak.result {'PASS' if ok else 'FAIL'} work={work if args.keep else '(removed)'}")
if import_failures:
    out(f"soak.import_failure {import_failures[0]}")
if lost_convictions:
    out(f"soak.lost_example {lost_convictions[:3]}")
etd_server.shutdown()
if not args.keep:
    import shutil
    shutil.rmtree(work, ignore_errors=True)
sys.exit(0 if ok else 1)
