"""Benchmark the screen-pop API: lookups by caller number over HTTP, against raw SQLite.

    HUB_DATA_DIR=/tmp/api-dev .venv/bin/python bench/api.py --rate 1000 --seconds 20

Needs a warehouse with built marts under HUB_DATA_DIR (hub simulate, hub ingest, dbt build);
publishes it when no serving store exists. Starts the API (uvicorn, --workers processes)
and --clients load processes that each send their share of --rate requests per second on
keep-alive connections, on a fixed schedule. Latency is printed twice: from the send, and
from when the request was due (a slow answer that delays the next send counts against
that one too, so queueing is not hidden). Phones are sent in mixed formats. Prints
throughput, p50/p95/p99/max latency, the API's CPU per request, and the same lookup straight
on SQLite as the baseline measured in this run. By default the API runs twice, graphql-core
executing every document (HUB_API_COMPILED=0) and then precompiled (api.compiled), and the
ratio of their CPU per request is printed.

With --postgraphile (after `make bench-postgraphile-install`), the same warehouse is also
published to a throwaway PostgreSQL server (started as tests/postgres.py does) and the same
schedule is sent, in the same run, to the hub (precompiled) over that PostgreSQL serving store
and then to PostGraphile (bench/postgraphile/, one Node process) over the same schema. Each
prints p50/p99 and CPU per request, its own process and PostgreSQL's, and the hub/PostGraphile
ratios. PostGraphile's names differ (PGL_QUERY): the same fields, lists and order, but a
caller-id row's customer, E.164 numbers only (it does not normalise phones or follow merged ids),
and masked columns selected explicitly (it has no roles here).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.measure import cpu_seconds, free_port, percentile  # noqa: E402
from api.keys import create_key  # noqa: E402
from api.ops import ops_engine  # noqa: E402
from hub.settings import get_settings  # noqa: E402
from orchestration.lib.publish import publish  # noqa: E402

QUERY = """query($phone: String) { customer(phone: $phone) { id name city primaryPhone
  phones { number kind } vehicles { vin modelName health { activeFaultCount drivingScore } }
  recentCalls(first: 5) { callId startedAt queue disposition }
  openWorkOrders { workOrderId stage slaState slaDueAt } lifecycle { stage churnRisk callCount } } }"""

# The screen-pop in PostGraphile's names (bench/postgraphile/postgraphile.tags.json5 declares the
# relations); simple collections, so lists as in the hub's SDL, with its default `first` (20 vehicles and open work orders)
PGL_QUERY = """query($phone: String!) { allCallerIdsList(condition: {phoneE164: $phone}) { customerByCustomerId {
  customerId customerName city primaryPhoneMasked
  customerPhonesByCustomerIdList(orderBy: [IS_CALLER_ID_DESC, IS_PRIMARY_DESC, PHONE_MASKED_ASC]) { phoneMasked phoneKind }
  vehiclesByCustomerIdList(first: 20, orderBy: VIN_ASC) { vin modelName activeFaultCount drivingScore }
  recentCallsByCustomerIdList(first: 5, orderBy: [CALL_STARTED_AT_DESC, CALL_ID_ASC]) {
    callId callStartedAt queueName disposition }
  openWorkOrdersByCustomerIdList(first: 20, orderBy: [CREATED_AT_DESC, WORK_ORDER_ID_ASC]) { workOrderId stage slaState slaDueAt }
  lifecycleStage churnRisk callCount } } }"""
POSTGRAPHILE_DIR = Path(__file__).resolve().parent / "postgraphile"
POSTGRAPHILE_BIN = POSTGRAPHILE_DIR / "node_modules" / ".bin" / "postgraphile"

RAW_LOOKUP = """select c.* from customers c where c.customer_id = (select customer_id from caller_ids
    where phone_e164 = ?)"""


def formats(e164: str) -> list[str]:
    """The ways one number reaches a contact center."""
    national = e164.removeprefix("+86")
    return [e164, "00" + e164[1:], f"{national[:3]}-{national[3:7]}-{national[7:]}", national]




def client(port: int, key: str, phones: list[str], rate: float, seconds: float, start_at: float, out,
           query: str = QUERY, miss: bytes = b'"customer":null') -> None:
    """One load process: a keep-alive connection (http.client: the lightest client in the
    standard library, so the load generator takes little of the CPU it shares)."""
    latencies, lateness, failures = [], [], 0
    interval = 1.0 / rate
    bodies = [json.dumps({"query": query, "variables": {"phone": p}}).encode() for p in phones]
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    http = HTTPConnection("127.0.0.1", port, timeout=10)
    while time.time() < start_at:
        time.sleep(0.001)
    begin = time.perf_counter()
    for i in range(int(rate * seconds)):
        due = begin + i * interval
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        sent = time.perf_counter()
        http.request("POST", "/graphql", body=bodies[i % len(bodies)], headers=headers)
        response = http.getresponse()
        payload = response.read()
        done = time.perf_counter()
        latencies.append(done - sent)
        # measured from when the request was due, a slow answer that delays the next send
        # counts against that one too (no coordinated omission)
        lateness.append(done - due)
        if response.status != 200 or miss in payload or b'"errors"' in payload:
            failures += 1
    http.close()
    out.put((latencies, failures, time.perf_counter() - begin, lateness))




def baseline(path: Path, phones: list[str]) -> list[float]:
    """The same lookup straight on SQLite, E.164 given: the floor the API is compared with."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    timings = []
    for phone in phones * 5:
        start = time.perf_counter()
        con.execute(RAW_LOOKUP, (phone,)).fetchall()
        timings.append(time.perf_counter() - start)
    con.close()
    return timings




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=1000, help="requests per second, all clients together")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=2, help="load processes")
    parser.add_argument("--workers", type=int, default=2, help="API processes")
    parser.add_argument("--executor", choices=("both", "precompiled", "graphql-core"), default="both",
                        help="both: the API once with graphql-core executing every document, then precompiled")
    parser.add_argument("--in-process-runs", type=int, default=1000,
                        help="screen-pops per executor and round of the in-process measurement (with --executor both)")
    parser.add_argument("--postgraphile", action="store_true",
                        help="also the hub and PostGraphile over one PostgreSQL serving store (make bench-postgraphile-install)")
    args = parser.parse_args()

    settings = get_settings()
    served = Path(settings.serving_url.removeprefix("sqlite:///"))
    if not served.exists():
        publish(settings)
    with sqlite3.connect(f"file:{served}?mode=ro", uri=True) as con:
        e164s = [p for (p,) in con.execute("select phone_e164 from caller_ids where phone_e164 like '+861%' limit 2000")]
    phones = [raw for e164 in e164s for raw in formats(e164)]
    key = create_key(ops_engine(settings.ops_url), "agent", "bench/api.py")
    executors = ("graphql-core", "precompiled") if args.executor == "both" else (args.executor,)
    cpu = {}
    raw = baseline(served, e164s)
    ms = 1000
    for executor in executors:
        latencies, failures, elapsed, scheduled, server_cpu, _ = load(settings, key, phones, args, executor)
        cpu[executor] = server_cpu / len(latencies)
        print(f"executor {executor} (HUB_API_COMPILED={int(executor == 'precompiled')}):")
        print(f"screen-pop by phone: {len(latencies):,} requests in {elapsed:.1f} s = {len(latencies) / elapsed:,.0f} "
              f"req/s (target {args.rate:,.0f}), {failures} failed, {args.workers} API workers, {args.clients} load "
              f"processes, {os.cpu_count()} cores")
        print(f"  API latency ms: p50 {percentile(latencies, .5) * ms:.2f}  p95 {percentile(latencies, .95) * ms:.2f}  "
              f"p99 {percentile(latencies, .99) * ms:.2f}  max {max(latencies) * ms:.2f}")
        print(f"  from the schedule ms: p50 {percentile(scheduled, .5) * ms:.2f}  p95 "
              f"{percentile(scheduled, .95) * ms:.2f}  p99 {percentile(scheduled, .99) * ms:.2f}  "
              f"max {max(scheduled) * ms:.2f}")
        print(f"  API CPU per request: {cpu[executor] * ms:.2f} ms (all workers; capacity on 2 idle "
              f"cores ~ {2 / cpu[executor]:,.0f} req/s); machine load average during the run: "
              f"{os.getloadavg()[0]:.1f}")
        print(f"  baseline raw SQLite lookup ms: p50 {percentile(raw, .5) * ms:.3f}  p99 {percentile(raw, .99) * ms:.3f}  "
              f"({1 / statistics.mean(raw):,.0f} lookups/s on one core)")
        print(f"  ratio API p50 / raw SQLite p50: {percentile(latencies, .5) / percentile(raw, .5):,.0f}x")
    if len(cpu) == 2:
        print(f"ratio API CPU per request, precompiled / graphql-core: {cpu['precompiled'] / cpu['graphql-core']:.2f}x")
        # the request's own thread only (no HTTP, no audit writer thread), alternating, best of 3:
        # steadier than the server's CPU when the machine is shared
        thread = in_process(settings, key, phones, args.in_process_runs)
        print(f"in-process CPU of a screen-pop's request thread (GraphQLService.run, best of 3 x {args.in_process_runs}): "
              f"graphql-core {thread['graphql-core'] * ms:.3f} ms, precompiled {thread['precompiled'] * ms:.3f} ms; "
              f"ratio precompiled / graphql-core: {thread['precompiled'] / thread['graphql-core']:.2f}x")
    if args.postgraphile:
        against_postgraphile(settings, key, e164s, phones, args)


def in_process(settings, key: str, phones: list[str], runs: int) -> dict[str, float]:
    """Thread CPU seconds per GraphQLService.run of the screen-pop, each executor, best of three rounds."""
    from api.audit import AuditLog
    from api.group_commit import GroupCommitWriter
    from api.keys import KeyChecker
    from api.ops import audit_writer_engine
    from api.service import GraphQLService
    from api.store import ServingStore
    from api.writeback import WriteBackService
    from hub.audit import chain_key
    from hub.writeback import log_engine

    ops = ops_engine(settings.ops_url)
    principal = KeyChecker(ops).check(key)
    audit = AuditLog(audit_writer_engine(settings.ops_url), chain_key(settings))
    audit.start()
    store = ServingStore(settings.serving_url)
    reader, writer = log_engine(settings.ops_url), GroupCommitWriter(log_engine(settings.ops_url, writer=True))
    services = {name: GraphQLService(store, audit, False, WriteBackService(store, reader, writer), None, ops,
                                     compiled=name == "precompiled") for name in ("graphql-core", "precompiled")}
    best = dict.fromkeys(services, float("inf"))
    try:
        for _ in range(3):
            for name, service in services.items():
                for phone in phones[:50]:  # warm: document checked, connections open
                    service.run(principal, QUERY, {"phone": phone}, None)
                started = time.thread_time()
                for i in range(runs):
                    service.run(principal, QUERY, {"phone": phones[i % len(phones)]}, None)
                best[name] = min(best[name], (time.thread_time() - started) / runs)
    finally:
        for service in services.values():
            service.close()
        audit.close()
        writer.close()
        store.close()
    return best


def load(settings, key: str, phones: list[str], args, executor: str, env: dict | None = None,
         database_pid: int | None = None, answers: list | None = None) -> tuple[list, int, float, list, float, float]:
    """Start the API with this executor, send the schedule, stop it: (latencies, failures, seconds,
    latencies from the schedule, API CPU seconds, database CPU seconds)."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", str(args.workers)],
        # the load comes from one agent key: lift its rate limit (the check itself still runs)
        env={"HUB_API_RATE_LIMITS": json.dumps({"agent": {"per_second": 1e9, "burst": 10**9,
                                                          "misses_per_minute": 10**9}}),
             **os.environ, "HUB_DATA_DIR": str(settings.data_dir),
             "HUB_API_COMPILED": "1" if executor == "precompiled" else "0", **(env or {})},
    )
    try:
        return send(server, port, key, phones, args, QUERY, b'"customer":null', database_pid, answers)
    finally:
        server.terminate()
        server.wait(timeout=30)


def send(server: subprocess.Popen, port: int, key: str, phones: list[str], args, query: str, miss: bytes,
         database_pid: int | None, answers: list | None = None) -> tuple[list, int, float, list, float, float]:
    """Wait for the server, warm it (its answers to the first 200 phones appended to answers),
    send the schedule from --clients processes."""
    url = f"http://127.0.0.1:{port}"
    for _ in range(1200):  # a loaded machine starts the workers slowly
        if server.poll() is not None:
            raise RuntimeError(f"the server exited ({server.returncode}) before answering on {url}")
        try:
            httpx.get(f"{url}/health", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    # warm-up: documents cached, connections open, in every worker
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) as http:
        warm = [http.post("/graphql", json={"query": query, "variables": {"phone": phone}}).json()
                for phone in phones[:200]]
    if answers is not None:
        answers.extend(warm)
    cpu_before = cpu_seconds(server.pid)
    database_before = cpu_seconds(database_pid) if database_pid else 0.0
    out: mp.Queue = mp.Queue()
    start_at = time.time() + 1.0
    procs = [
        mp.Process(target=client, args=(port, key, phones[i::args.clients], args.rate / args.clients,
                                        args.seconds, start_at, out, query, miss))
        for i in range(args.clients)
    ]
    for proc in procs:
        proc.start()
    results = [out.get() for _ in procs]
    for proc in procs:
        proc.join()
    server_cpu = cpu_seconds(server.pid) - cpu_before
    database_cpu = cpu_seconds(database_pid) - database_before if database_pid else 0.0
    latencies = [x for r in results for x in r[0]]
    return (latencies, sum(r[1] for r in results), max(r[2] for r in results),
            [x for r in results for x in r[3]], server_cpu, database_cpu)


def _shape(answer: dict) -> tuple:
    c = (answer.get("data") or {}).get("customer") or {}
    return (c.get("id"), c.get("city"), len(c.get("phones") or []), [v["vin"] for v in c.get("vehicles") or []],
            [r["callId"] for r in c.get("recentCalls") or []], [w["workOrderId"] for w in c.get("openWorkOrders") or []])


def _pgl_shape(answer: dict) -> tuple:
    rows = (answer.get("data") or {}).get("allCallerIdsList") or [{}]
    c = rows[0].get("customerByCustomerId") or {}
    return (c.get("customerId"), c.get("city"), len(c.get("customerPhonesByCustomerIdList") or []),
            [v["vin"] for v in c.get("vehiclesByCustomerIdList") or []],
            [r["callId"] for r in c.get("recentCallsByCustomerIdList") or []],
            [w["workOrderId"] for w in c.get("openWorkOrdersByCustomerIdList") or []])


def against_postgraphile(settings, key: str, e164s: list[str], phones: list[str], args) -> None:
    """The hub (precompiled) and PostGraphile over one PostgreSQL serving store, the same schedule."""
    import sqlalchemy as sa

    from tests.postgres import postgres_server  # the test suite's throwaway server, same start

    if not POSTGRAPHILE_BIN.exists():
        raise SystemExit(f"{POSTGRAPHILE_BIN} is missing: run `make bench-postgraphile-install` first")
    ms = 1000
    with postgres_server() as url:
        pg_settings = settings.model_copy(update={"serving_url": url})
        publish(pg_settings)
        engine = sa.create_engine(url)
        with engine.connect() as con:
            data_directory = con.exec_driver_sql("show data_directory").scalar()
        engine.dispose()
        postmaster = int(Path(data_directory, "postmaster.pid").read_text().split()[0])
        runs = {}
        hub_answers: list = []
        pgl_answers: list = []
        runs["hub"] = load(settings, key, phones, args, "precompiled", {"HUB_SERVING_URL": url}, postmaster,
                           hub_answers)
        port = free_port()
        server = subprocess.Popen(
            [str(POSTGRAPHILE_BIN), "--connection", url.replace("postgresql+psycopg://", "postgres://"),
             "--schema", "serving", "--host", "127.0.0.1", "--port", str(port), "--simple-collections", "only",
             "--disable-default-mutations", "--disable-query-log", "--disable-graphiql"],
            cwd=POSTGRAPHILE_DIR,  # where it reads postgraphile.tags.json5
            stdout=subprocess.DEVNULL,
        )
        try:
            # it has no /health: any answer on the port will do, a request waits for its schema
            runs["PostGraphile"] = send(server, port, key, e164s, args, PGL_QUERY, b'"allCallerIdsList":[]',
                                        postmaster, pgl_answers)
        finally:
            server.terminate()
            server.wait(timeout=30)
    # the hub was sent each number in four formats (phones), PostGraphile once in E.164 (e164s)
    pairs = list(zip(hub_answers[::4], pgl_answers))
    fields = ("customer id", "city", "phone count", "vehicles", "recent calls", "open work orders")
    differ = [(h[0], p[0], [f for f, a, b in zip(fields, h, p) if a != b])
              for h, p in ((_shape(hub), _pgl_shape(pgl)) for hub, pgl in pairs) if h != p]
    print(f"answers compared ({', '.join(fields)}): {len(pairs)} numbers, {len(differ)} differ"
          + "".join(f"; hub {h} / PostGraphile {p}: {', '.join(f)}" for h, p, f in differ[:3]))
    cost = {}
    for name, (latencies, failures, elapsed, scheduled, server_cpu, database_cpu) in runs.items():
        n = len(latencies)
        cost[name] = ((server_cpu + database_cpu) / n, percentile(scheduled, .5), percentile(scheduled, .99))
        print(f"{name} over the PostgreSQL serving store: {n:,} requests in {elapsed:.1f} s = {n / elapsed:,.0f} req/s "
              f"(target {args.rate:,.0f}), {failures} failed")
        print(f"  latency ms: p50 {percentile(latencies, .5) * ms:.2f}  p99 {percentile(latencies, .99) * ms:.2f}; "
              f"from the schedule p50 {percentile(scheduled, .5) * ms:.2f}  p99 {percentile(scheduled, .99) * ms:.2f}")
        print(f"  CPU per request ms: {name} {server_cpu / n * ms:.2f} + PostgreSQL {database_cpu / n * ms:.2f} = "
              f"{cost[name][0] * ms:.2f}")
    hub, pgl = cost["hub"], cost["PostGraphile"]
    print(f"ratio hub / PostGraphile: CPU per request (with PostgreSQL's) {hub[0] / pgl[0]:.2f}x, "
          f"p50 from the schedule {hub[1] / pgl[1]:.2f}x, p99 from the schedule {hub[2] / pgl[2]:.2f}x")


if __name__ == "__main__":
    main()
