"""Benchmark contact-engine write-backs: sustained durable mutations over HTTP.

    HUB_DATA_DIR=/tmp/demo-copy .venv/bin/python bench/writeback.py --seconds 20 --connections 64
    HUB_DATA_DIR=/tmp/demo-copy .venv/bin/python bench/writeback.py --seconds 20 --connections 32 --rate 500
    HUB_DATA_DIR=/tmp/demo-copy .venv/bin/python bench/writeback.py --seconds 20 --connections 16 --batch 20

Needs a published serving store under HUB_DATA_DIR (its customers are the mutations'
targets). Starts the API (uvicorn, --workers processes, each with its group-commit writer)
and --clients load processes holding --connections keep-alive connections in all; each
connection sends its next mutation (recordContact, setConsent, recordOfferResponse in turn,
every one with a new idempotency key) as soon as the previous one is answered (saturation:
the throughput), or with --rate on a fixed schedule (the latency at that load). An answer
means the event is committed with synchronous=FULL (fsynced). Prints mutations/s,
p50/p95/p99 latency, the API's CPU per mutation, and as baseline in the same run: the same
event rows appended with plain SQLAlchemy inserts on the same store, one durable commit each.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from http.client import HTTPConnection
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.measure import cpu_seconds, free_port, percentile  # noqa: E402
from api.keys import create_key  # noqa: E402
from api.ops import ops_engine  # noqa: E402
from hub.settings import get_settings  # noqa: E402
from hub.writeback import events, log_engine  # noqa: E402

RESULT = "{ eventId }"
KINDS = [
    ("recordContact", "ContactInput",
     lambda c: {"customerId": c, "channel": "call", "direction": "inbound", "disposition": "resolved",
                "startedAt": "2026-11-23T09:00:00+08:00", "queue": "service", "notes": "客户咨询保养"}),
    ("setConsent", "ConsentInput",
     lambda c: {"customerId": c, "channel": "sms", "purpose": "marketing", "status": "granted"}),
    ("recordOfferResponse", "OfferResponseInput",
     lambda c: {"customerId": c, "product": "extended_warranty", "response": "not_now"}),
]


def operation(i: int, customer: str) -> dict:
    name, input_type, make = KINDS[i % len(KINDS)]
    query = f"mutation($k: String!, $i: {input_type}!) {{ {name}(idempotencyKey: $k, input: $i) {RESULT} }}"
    return {"query": query, "variables": {"k": uuid.uuid4().hex, "i": make(customer)}}


def connection(port: int, key: str, customers: list[str], stop_at: float, start_at: float, rate: float | None,
               batch: int, out: list) -> None:
    """One keep-alive connection sending mutations until stop_at: back to back, or on a fixed
    schedule of `rate` a second (latency then also counted from when each was due); with
    batch > 1 each request is a list of that many mutations, each answered with the request."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    http = HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, late, failures, i = [], [], 0, 0
    while time.time() < start_at:
        time.sleep(0.001)
    begin = time.perf_counter()
    while time.time() < stop_at:
        due = begin + i / rate if rate else None
        if due is not None and due > time.perf_counter():
            time.sleep(due - time.perf_counter())
        ops = [operation(i + j, customers[(i + j) % len(customers)]) for j in range(batch)]
        body = json.dumps(ops if batch > 1 else ops[0])
        sent = time.perf_counter()
        http.request("POST", "/graphql", body=body.encode(), headers=headers)
        response = http.getresponse()
        payload = response.read()
        latencies += [time.perf_counter() - sent] * batch
        late += [time.perf_counter() - (due if due is not None else sent)] * batch
        if response.status != 200:
            failures += batch
        else:
            answers = json.loads(payload)
            failures += sum("errors" in a for a in (answers if batch > 1 else [answers]))
        i += batch
    http.close()
    out.append((latencies, failures, late))


def client(port: int, key: str, customers: list[str], connections: int, seconds: float, start_at: float,
           rate: float | None, batch: int, queue) -> None:
    """One load process: `connections` threads, one keep-alive connection each."""
    out: list = []
    per_connection = rate / connections if rate else None
    threads = [threading.Thread(target=connection, args=(port, key, customers[i::connections], start_at + seconds,
                                                         start_at, per_connection, batch, out))
               for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(([x for r in out for x in r[0]], sum(r[1] for r in out), [x for r in out for x in r[2]]))




def baseline(ops_url: str, customers: list[str], count: int) -> list[float]:
    """Event rows appended with plain SQLAlchemy, one durable commit each (no group commit)."""
    engine = log_engine(ops_url, writer=True)
    timings = []
    for i in range(count):
        row = {"event_id": uuid.uuid4().hex, "kind": "contact", "customer_id": customers[i % len(customers)],
               "payload": json.dumps(KINDS[0][2](customers[0])), "scope": "bench-baseline",
               "idempotency_key": uuid.uuid4().hex, "request_hash": "0" * 64, "response": "{}",
               "recorded_at": "2026-11-23T10:00:00.000Z"}
        start = time.perf_counter()
        with engine.begin() as con:
            con.execute(events.insert(), row)
        timings.append(time.perf_counter() - start)
    engine.dispose()
    return timings




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=64, help="concurrent connections, all clients together")
    parser.add_argument("--rate", type=float, default=None,
                        help="mutations a second on a fixed schedule (default: as fast as answered)")
    parser.add_argument("--batch", type=int, default=1, help="mutations per request (a JSON list of operations)")
    parser.add_argument("--clients", type=int, default=2, help="load processes")
    parser.add_argument("--workers", type=int, default=2, help="API processes")
    parser.add_argument("--baseline", type=int, default=2000, help="durable single-row commits for the baseline")
    args = parser.parse_args()

    settings = get_settings()
    served = Path(settings.serving_url.removeprefix("sqlite:///"))
    with sqlite3.connect(f"file:{served}?mode=ro", uri=True) as con:
        customers = [c for (c,) in con.execute("select customer_id from customers order by random() limit 5000")]
    key = create_key(ops_engine(settings.ops_url), "contact_engine", "bench/writeback.py")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--port", str(port), "--workers",
         str(args.workers), "--log-level", "warning", "--no-access-log"],
        env={**os.environ, "HUB_DATA_DIR": str(settings.data_dir)},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{url}/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) as http:
            for i in range(100):  # warm-up: documents cached and writers started in every worker
                http.post("/graphql", json=operation(i, customers[i % len(customers)]))
        cpu_before = cpu_seconds(server.pid)
        queue: mp.Queue = mp.Queue()
        start_at = time.time() + 1.0
        per_client = max(1, args.connections // args.clients)
        client_rate = args.rate / args.clients if args.rate else None
        procs = [mp.Process(target=client, args=(port, key, customers[i::args.clients], per_client, args.seconds,
                                                 start_at, client_rate, args.batch, queue))
                 for i in range(args.clients)]
        for proc in procs:
            proc.start()
        results = [queue.get() for _ in procs]
        for proc in procs:
            proc.join()
        server_cpu = cpu_seconds(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait(timeout=30)

    latencies = [x for r in results for x in r[0]]
    failures = sum(r[1] for r in results)
    scheduled = [x for r in results for x in r[2]]
    rate = len(latencies) / args.seconds
    raw = baseline(settings.ops_url, customers, args.baseline)
    raw_rate = len(raw) / sum(raw)
    ms = 1000
    print(f"write-back mutations: {len(latencies):,} in {args.seconds:.0f} s = {rate:,.0f} mutations/s, {failures} failed; "
          f"{args.workers} API workers, {per_client * args.clients} connections from {args.clients} load processes, "
          f"{args.batch} mutation(s) per request, "
          f"{os.cpu_count()} cores, durable commits (SQLite WAL, synchronous=FULL)")
    print(f"  latency ms: p50 {percentile(latencies, .5) * ms:.2f}  p95 {percentile(latencies, .95) * ms:.2f}  "
          f"p99 {percentile(latencies, .99) * ms:.2f}  max {max(latencies) * ms:.2f}")
    if args.rate:
        print(f"  from the schedule ({args.rate:,.0f}/s asked) ms: p50 {percentile(scheduled, .5) * ms:.2f}  "
              f"p95 {percentile(scheduled, .95) * ms:.2f}  p99 {percentile(scheduled, .99) * ms:.2f}")
    print(f"  API CPU per mutation: {server_cpu / len(latencies) * ms:.2f} ms (all workers); machine load average "
          f"during the run: {os.getloadavg()[0]:.1f}")
    print(f"  baseline, SQLAlchemy insert + durable commit per event on the same store: {raw_rate:,.0f} events/s, "
          f"p50 {percentile(raw, .5) * ms:.2f} ms  p99 {percentile(raw, .99) * ms:.2f} ms")
    print(f"  ratio API mutations/s / one-commit-per-event inserts/s: {rate / raw_rate:.1f}x")


if __name__ == "__main__":
    main()
