"""A real JupyterHub on 127.0.0.1 for tests and the hub benchmark (not a test module).

The hub, its proxy and every single-user server are real programs from this
environment (binder/requirements-hub.txt): ``jupyterhub``, ``configurable-http-proxy``
(the pure-Python port, so no Node.js) and ``jupyterhub-singleuser`` with the
environment's server extensions (nbgrader's assignment list and validation, nbgitpuller).
Users log in with :class:`jupyterhub.auth.DummyAuthenticator` (one fixed password) and
get a server from :class:`jupyterhub.spawner.SimpleLocalProcessSpawner`: a process of
the same Unix user as the hub, with its own home folder ``homes/<user>/``.

Because every user is the same Unix user here, nbgrader cannot tell students apart by
their Unix name as it does on a real hub; the site-wide nbgrader configuration of the
single-user servers therefore takes the student id from ``JUPYTERHUB_USER``.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

BIN = Path(sys.executable).parent
PASSWORD = "civicspace-hub-test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hub_config(base: Path, timeout: int = 180) -> tuple[str, int]:
    """The ``jupyterhub_config.py`` of the test hub (kept in ``base``) and its public port."""
    port, hub_port, api_port = free_port(), free_port(), free_port()
    single_user_args = ["--allow-root"] if os.geteuid() == 0 else []
    return (
        f"""\
import sys
c = get_config()  # noqa: F821
c.JupyterHub.bind_url = "http://127.0.0.1:{port}/"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{str(BIN / "configurable-http-proxy")!r}]
c.JupyterHub.db_url = "sqlite:///{base}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{base}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = "{base}/jupyterhub.pid"
c.JupyterHub.authenticator_class = "jupyterhub.auth.DummyAuthenticator"
c.DummyAuthenticator.password = {PASSWORD!r}
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = "{base}/homes/{{username}}"
c.Spawner.cmd = [{str(BIN / "jupyterhub-singleuser")!r}]
c.Spawner.args = {single_user_args!r}
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = {timeout}
c.Spawner.http_timeout = {timeout}
# The single-user servers' site-wide configuration (nbgrader's exchange) and this
# environment's programs (git for nbgitpuller, nbgrader's alembic) first on PATH.
c.Spawner.environment = {{
    "JUPYTER_CONFIG_PATH": "{base}/etc-jupyter",
    "PATH": {str(BIN)!r} + ":/usr/local/bin:/usr/bin:/bin",
}}
c.JupyterHub.concurrent_spawn_limit = 0
c.JupyterHub.active_server_limit = 0
c.JupyterHub.log_level = "INFO"
""",
        port,
    )


def student_nbgrader_config(exchange: Path, course_id: str) -> str:
    """nbgrader's site-wide configuration for the students' servers (``/etc/jupyter`` on a real hub)."""
    return f"""\
import os
c = get_config()  # noqa: F821
c.Exchange.root = {str(exchange)!r}
c.CourseDirectory.course_id = {course_id!r}
# One Unix user for all hub users in this test: the student id is the hub user name.
# (On a hub with a Unix account per student, nbgrader takes the account's name; leave this out.)
c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
"""


class Hub:
    """A running hub in ``base``; ``url`` is its public address. Use as a context manager."""

    def __init__(self, base: Path, exchange: Path | None = None, course_id: str = "civicspace", timeout: int = 180):
        self.base = Path(base)
        self.timeout = timeout
        (self.base / "homes").mkdir(parents=True, exist_ok=True)
        (self.base / "etc-jupyter").mkdir(exist_ok=True)
        if exchange is not None:
            (self.base / "etc-jupyter" / "nbgrader_config.py").write_text(
                student_nbgrader_config(exchange, course_id), encoding="utf-8"
            )
        config, port = hub_config(self.base, timeout)
        (self.base / "jupyterhub_config.py").write_text(config, encoding="utf-8")
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = self.base / "jupyterhub.log"
        self.proc: subprocess.Popen | None = None

    def home(self, user: str) -> Path:
        return self.base / "homes" / user

    def log_tail(self, n: int = 6000) -> str:
        return self.log_path.read_text(errors="replace")[-n:] if self.log_path.exists() else ""

    def start(self) -> Hub:
        env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
        with open(self.log_path, "wb") as log:
            # A session of its own: stop() ends the hub, the proxy and every server it spawned.
            self.proc = subprocess.Popen(
                [str(BIN / "jupyterhub"), "-f", str(self.base / "jupyterhub_config.py")],
                cwd=self.base,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=5).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"jupyterhub did not answer at {self.url} within {self.timeout} s:\n{self.log_tail()}")

    def pids(self) -> list[int]:
        """The hub and all its descendants: the proxy, the single-user servers, their kernels."""
        if self.proc is None:
            return []
        children: dict[int, list[int]] = {}
        for proc in Path("/proc").iterdir():
            if proc.name.isdigit():
                try:
                    stat = (proc / "stat").read_text()
                except OSError:
                    continue
                ppid = int(stat.rpartition(")")[2].split()[1])
                children.setdefault(ppid, []).append(int(proc.name))
        out, todo = [], [self.proc.pid] if self.proc.poll() is None else []
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(children.get(pid, []))
        return out

    def leftovers(self) -> list[int]:
        """Processes still working in the hub's folder (the hub and proxy run there, each
        server and kernel in a home under it), whoever their parent is now."""
        out = []
        for proc in Path("/proc").iterdir():
            if proc.name.isdigit() and int(proc.name) != os.getpid():
                try:
                    if Path(os.readlink(proc / "cwd")).is_relative_to(self.base.resolve()):
                        out.append(int(proc.name))
                except OSError:
                    pass
        return out

    def stop(self) -> None:
        """SIGTERM to the hub (it stops the servers and the proxy), then SIGKILL to every
        process group the hub's family had, the hub's own included."""
        if self.proc is None:
            return
        family = self.pids()
        groups = set()
        for pid in family:
            try:
                groups.add(os.getpgid(pid))
            except OSError:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        groups.add(self.proc.pid)
        for group in groups:
            if group > 1 and group != os.getpgid(0):
                try:
                    os.killpg(group, signal.SIGKILL)
                except OSError:
                    pass
        for pid in family:  # anything that left its group
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def __enter__(self) -> Hub:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class Student:
    """A hub user who logs in through the login form, then works with an API token."""

    def __init__(self, hub: Hub, name: str):
        self.hub, self.name = hub, name
        self.web = requests.Session()
        self.token: str | None = None

    @property
    def server(self) -> str:
        return f"{self.hub.url}/user/{self.name}"

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def login(self) -> None:
        """The login form, as a browser submits it; then a token from the hub API (cookie + XSRF)."""
        page = self.web.get(f"{self.hub.url}/hub/login", timeout=30)
        page.raise_for_status()
        xsrf = self.web.cookies.get("_xsrf") or re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)
        r = self.web.post(
            f"{self.hub.url}/hub/login?next=",
            allow_redirects=False,
            timeout=60,
            data={"username": self.name, "password": PASSWORD, "_xsrf": xsrf},
        )
        if r.status_code != 302 or "jupyterhub-hub-login" not in self.web.cookies:
            raise AssertionError(f"{self.name}: login failed ({r.status_code}): {r.text[:500]}")
        r = self.web.post(
            f"{self.hub.url}/hub/api/users/{self.name}/tokens",
            timeout=60,
            headers={"X-XSRFToken": self.web.cookies.get("_xsrf", xsrf)},
            json={"note": "civicspace hub test", "expires_in": 3600},
        )
        if r.status_code != 201:
            raise AssertionError(f"{self.name}: no API token ({r.status_code}): {r.text[:500]}")
        self.token = r.json()["token"]

    def request_spawn(self) -> None:
        """Ask the hub API to start the user's server."""
        r = requests.post(f"{self.hub.url}/hub/api/users/{self.name}/server", headers=self.headers(), timeout=60)
        if r.status_code not in (201, 202):
            raise AssertionError(f"{self.name}: spawn refused ({r.status_code}): {r.text[:500]}")

    def wait_ready(self) -> None:
        """Wait until the hub says the user's server is ready."""
        deadline = time.monotonic() + self.hub.timeout
        while time.monotonic() < deadline:
            model = requests.get(f"{self.hub.url}/hub/api/users/{self.name}", headers=self.headers(), timeout=30).json()
            server = (model.get("servers") or {}).get("", {})
            if server.get("ready"):
                return
            if not server:  # a failed spawn leaves no server
                raise AssertionError(f"{self.name}: the server stopped while starting:\n{self.hub.log_tail()}")
            time.sleep(0.5)
        raise AssertionError(f"{self.name}: server not ready in {self.hub.timeout} s:\n{self.hub.log_tail()}")

    def spawn(self) -> None:
        self.request_spawn()
        self.wait_ready()

    def get(self, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", 120)
        return requests.get(f"{self.server}/{path.lstrip('/')}", headers=self.headers(), **kw)

    def post(self, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", 300)
        return requests.post(f"{self.server}/{path.lstrip('/')}", headers=self.headers(), **kw)

    def put(self, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", 120)
        return requests.put(f"{self.server}/{path.lstrip('/')}", headers=self.headers(), **kw)
