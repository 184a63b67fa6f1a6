"""How many students one JupyterHub machine serves (a script that prints figures).

    .venv/bin/python scripts/benchmark_hub.py [N] [AT_ONCE]

Starts the hub of tests/test_jupyterhub_flow.py (tests/hubkit.py: jupyterhub, the
pure-Python configurable-http-proxy, SimpleLocalProcessSpawner) on 127.0.0.1, releases
exercise 1 through nbgrader's exchange, then N simulated students (default 20), AT_ONCE
of them at a time (default 1), each:

1. logs in through the hub's login form and takes an API token;
2. starts their server through the hub API;
3. fetches the assignment (nbgrader's REST handler);
4. starts a kernel and runs every code cell of the fetched notebook, answered, through
   the server's kernel API (the websocket JupyterLab uses).

Servers and kernels stay running, as in a class where everyone is working. For each
student it prints the seconds for steps 1-2 and 3-4, and the memory of all the hub's
processes (hub, proxy, every server and kernel) afterwards: RSS summed, and PSS (shared
pages divided among the processes sharing them, the closer figure for "how much memory
does the machine need"). Everything is local; the hub is stopped at the end.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from hubkit import BIN, Hub, Student  # noqa: E402

from civicspace.grading import notebooks as grading  # noqa: E402
from civicspace.grading import runner  # noqa: E402

A = "ch01_foundations"
NB = f"{A}.ipynb"
ANSWERS = {"q1_answer", "q2_answer", "q3_answer", "q4_answer"}


def memory_kb(pids: list[int]) -> tuple[int, int]:
    """(RSS, PSS) in kB summed over ``pids``."""
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


async def _run_cells(student: Student, kernel_id: str, cells: list[str]) -> None:
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    url = student.server.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels"
    ws = await websocket_connect(HTTPRequest(url, headers=student.headers(), request_timeout=120))
    session = uuid.uuid4().hex
    try:
        for code in cells:
            msg_id = uuid.uuid4().hex
            await ws.write_message(
                json.dumps(
                    {
                        "header": {
                            "msg_id": msg_id,
                            "msg_type": "execute_request",
                            "username": student.name,
                            "session": session,
                            "version": "5.3",
                            "date": "",
                        },
                        "parent_header": {},
                        "metadata": {},
                        "channel": "shell",
                        "buffers": [],
                        "content": {
                            "code": code,
                            "silent": False,
                            "store_history": True,
                            "user_expressions": {},
                            "allow_stdin": False,
                            "stop_on_error": True,
                        },
                    }
                )
            )
            while True:
                raw = await asyncio.wait_for(ws.read_message(), timeout=300)
                if raw is None:
                    raise RuntimeError(f"{student.name}: the kernel's websocket closed")
                if isinstance(raw, bytes):
                    continue
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "execute_reply":
                    if msg["content"]["status"] != "ok":
                        raise RuntimeError(
                            f"{student.name}: a cell failed: {msg['content'].get('ename')}: "
                            f"{msg['content'].get('evalue')}\n{code[:300]}"
                        )
                    break
    finally:
        ws.close()


def one_student(hub: Hub, name: str, source) -> dict:
    t0 = time.perf_counter()
    s = Student(hub, name)
    s.login()
    s.spawn()
    t1 = time.perf_counter()
    r = s.post("assignments/fetch", data={"course_id": "civicspace", "assignment_id": A})
    if r.status_code != 200 or not r.json().get("success"):
        raise RuntimeError(f"{name}: fetch failed: {r.text[:500]}")
    fetched = nbformat.read(hub.home(name) / A / NB, as_version=4)
    answered = grading.fill_answers(fetched, source, ANSWERS)
    r = s.post("api/kernels", json={"name": "python3", "path": A})
    if r.status_code != 201:
        raise RuntimeError(f"{name}: no kernel: {r.text[:500]}")
    cells = [c.source for c in answered.cells if c.cell_type == "code"]
    asyncio.run(_run_cells(s, r.json()["id"], cells))
    t2 = time.perf_counter()
    return {"name": name, "login_spawn": t1 - t0, "fetch_run": t2 - t1}


def machine() -> str:
    cpu = next(
        (l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")),
        platform.processor(),
    )
    mem = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem / 1024 / 1024:.0f} GiB RAM, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; load average before the run {load[0]:.1f}"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    at_once = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    print(machine(), flush=True)
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    with tempfile.TemporaryDirectory(prefix="civicspace-hubbench-") as tmp:
        work = Path(tmp)
        course = work / "autograder"
        course.mkdir()
        exchange = work / "exchange"
        exchange.mkdir()
        exchange.chmod(0o777)
        config = (ROOT / "autograder" / "nbgrader_config.py").read_text(encoding="utf-8")
        (course / "nbgrader_config.py").write_text(config + f"\nc.Exchange.root = {str(exchange)!r}\n", encoding="utf-8")
        shutil.copytree(ROOT / "exercises" / A, work / "exercises" / A)
        runner.nbgrader(course, "generate_assignment", A, "--force", "--log-level=WARN", env=env)
        runner.nbgrader(course, "release_assignment", A, "--log-level=WARN", env=env)
        source = nbformat.read(work / "exercises" / A / NB, as_version=4)
        hub = Hub(work / "hub", exchange=exchange, timeout=600)
        start = time.perf_counter()
        try:
            hub.start()
            idle = memory_kb(hub.pids())
            print(
                f"hub and proxy up in {time.perf_counter() - start:.1f} s: RSS {idle[0] / 1024:.0f} MB, "
                f"PSS {idle[1] / 1024:.0f} MB",
                flush=True,
            )
            print(f"{'student':>8} {'login+spawn s':>14} {'fetch+run s':>12} {'RSS all MB':>11} {'PSS all MB':>11}", flush=True)
            rows, lock = [], threading.Lock()

            def run(i: int) -> None:
                row = one_student(hub, f"student{i:03d}", source)
                rss, pss = memory_kb(hub.pids())
                row.update(rss=rss, pss=pss)
                with lock:
                    rows.append(row)
                    print(
                        f"{row['name']:>8} {row['login_spawn']:14.1f} {row['fetch_run']:12.1f} "
                        f"{rss / 1024:11.0f} {pss / 1024:11.0f}",
                        flush=True,
                    )

            with ThreadPoolExecutor(max_workers=at_once) as pool:
                for future in [pool.submit(run, i + 1) for i in range(n)]:
                    future.result()
            total = time.perf_counter() - start
            rss, pss = memory_kb(hub.pids())
            print(
                f"\n{n} students served at once ({at_once} arriving at a time), {len(hub.pids())} processes, {total:.0f} s in all"
            )
            print(
                f"memory of everything: RSS {rss / 1024:.0f} MB, PSS {pss / 1024:.0f} MB; "
                f"per student (PSS, hub and proxy excluded): {(pss - idle[1]) / n / 1024:.0f} MB"
            )
            print(
                f"per student: login and server start median {statistics.median(r['login_spawn'] for r in rows):.1f} s "
                f"(max {max(r['login_spawn'] for r in rows):.1f}), fetch and run the notebook median "
                f"{statistics.median(r['fetch_run'] for r in rows):.1f} s (max {max(r['fetch_run'] for r in rows):.1f})"
            )
        finally:
            hub.stop()
            left = hub.leftovers()
            if left:
                print(f"warning: processes left running: {left}", file=sys.stderr)


if __name__ == "__main__":
    main()
