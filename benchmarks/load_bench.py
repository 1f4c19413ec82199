"""Load benchmark against a running allnav server: fixed-rate requests, p50/p99 latency, errors.

Starts ``allnav serve --demo`` on a throw-away SQLite database (or uses ``--url`` of a running one), logs
in as the demo clinician and sends requests at a fixed rate (open loop: a slow answer does not slow the
sender) for each scenario: the patient page (HTML), its JSON twin, and ``POST /api/assess``. The idle
baseline is ``GET /api/health`` at the same rate, measured in the same run.

Usage: ``.venv/bin/python benchmarks/load_bench.py [--rate 100] [--seconds 15]`` (``make bench`` runs it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
PATIENT = "demo-ph"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {
        **os.environ,
        "ALLNAV_ENV": "development",
        "ALLNAV_DATA_DIR": tempfile.mkdtemp(prefix="allnav-load-"),
    }
    env.pop("ALLNAV_DATABASE_URL", None)
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "allnav"), "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


async def run_scenario(
    client: httpx.AsyncClient, method: str, path: str, body: Any, rate: float, seconds: float
) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    interval = 1.0 / rate

    async def one() -> None:
        nonlocal errors
        start = time.perf_counter()
        try:
            r = await client.request(method, path, json=body)
            if r.status_code != 200:
                errors += 1
        except httpx.HTTPError:
            errors += 1
        latencies.append((time.perf_counter() - start) * 1000)

    tasks = []
    t0 = time.perf_counter()
    n = int(rate * seconds)
    for i in range(n):
        delay = t0 + i * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one()))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - t0
    lat = sorted(latencies)
    return {
        "requests": n,
        "achieved_rps": round(n / elapsed, 1),
        "p50_ms": round(statistics.median(lat), 1),
        "p99_ms": round(lat[min(len(lat) - 1, int(0.99 * len(lat)))], 1),
        "errors": errors,
    }


async def main_async(url: str, rate: float, seconds: float) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:
        r = await client.post(
            "/api/token", data={"username": "clinician@demo.allnav", "password": "allnav-demo-password"}
        )
        r.raise_for_status()
        token = r.json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        client.cookies.set("allnav_session", token)  # the web pages read the session cookie
        case = (await client.get(f"/api/patients/{PATIENT}")).json()
        assess_body = {
            "patient": {"id": "load", "age_years": 45},
            "marrow": {"blasts_pct": 80},
            "immunophenotype": {"CD19": "pos", "cCD79a": "pos", "CD10": "pos", "cCD3": "neg", "MPO": "neg"},
            "karyotype": "46,XX,t(9;22)(q34;q11.2)[20]",
        }
        assert case
        results = {}
        for name, method, path, body in (
            ("baseline GET /api/health", "GET", "/api/health", None),
            (f"GET /patients/{PATIENT} (page)", "GET", f"/patients/{PATIENT}", None),
            (f"GET /api/patients/{PATIENT} (JSON twin)", "GET", f"/api/patients/{PATIENT}", None),
            ("POST /api/assess", "POST", "/api/assess", assess_body),
        ):
            await run_scenario(client, method, path, body, rate, 1.0)  # warm-up
            results[name] = await run_scenario(client, method, path, body, rate, seconds)
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--url", help="an already running server (with the demo data)")
    args = parser.parse_args()
    proc = None
    url = args.url
    if url is None:
        proc, url = start_server()
    try:
        results = asyncio.run(main_async(url, args.rate, args.seconds))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
    print(f"load benchmark: {args.rate:g} requests/s for {args.seconds:g} s per scenario (open loop)")
    for name, r in results.items():
        print(
            f"  {name:42} p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms  "
            f"achieved {r['achieved_rps']:6.1f}/s  errors {r['errors']}"
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
