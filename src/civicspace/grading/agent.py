"""The two ends of the channel between a student's kernel and the test kernel.

The grading pipeline (:mod:`civicspace.grading.execute`) runs each submission in two
sandboxed kernels:

- the **student kernel** runs the student's cells (and the instructor's set-up
  cells). :func:`serve` starts a small agent there, on a Unix socket, that answers
  three questions: the values of some names, the result of calling one of the
  student's functions, and an audit of the kernel's execution machinery;
- the **test kernel** runs only the instructor's cells: set-up and tests. Before
  each test cell, :func:`fetch` asks the agent for the names the test uses and
  binds them: data values decoded by :mod:`civicspace.grading.codec` (never code),
  and, for the student's functions, :class:`StudentFunction` proxies that send the
  arguments to the student kernel and bring back the result as data.

Nothing the student's code does can change how the tests run, read their source
(it is never sent to the student kernel) or reach their output: the student kernel
only ever hands over data. The agent is best-effort by design: a submission that
breaks it only loses its own answers.
"""

from __future__ import annotations

import builtins
import socket
import struct
import sys
import threading
import types
from pathlib import Path
from typing import Any

from civicspace.grading import codec

_HEADER = struct.Struct("!Q")


# --------------------------------------------------------------------------- framing


def _send(sock: socket.socket, payload: Any) -> None:
    data = codec.dumps(payload)
    sock.sendall(_HEADER.pack(len(data)) + data)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise ConnectionError("connection closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _recv(sock: socket.socket) -> Any:
    (length,) = _HEADER.unpack(_recv_exact(sock, _HEADER.size))
    if length > codec.MAX_MESSAGE_BYTES:
        raise codec.DecodeError(f"message of {length} bytes is larger than the {codec.MAX_MESSAGE_BYTES} allowed")
    return codec.loads(_recv_exact(sock, length))


# --------------------------------------------------------------------------- student kernel: the agent

#: Modules (and classes) whose attributes a submission must not replace; checked by the audit.
WATCHED = ("builtins", "pandas", "numpy", "civicspace", "IPython", "json", "math")
#: Builtins that IPython itself adds, removes or rebinds while cells run.
_IPYTHON_BUILTINS = {"_", "__", "___", "exit", "quit", "get_ipython", "display", "__IPYTHON__", "__builtins__", "__debug__"}
#: Libraries whose own event callbacks and import hooks are expected in a kernel.
_LIBRARY_PREFIXES = (
    "IPython",
    "ipykernel",
    "matplotlib",
    "matplotlib_inline",
    "ipywidgets",
    "comm",
    "plotly",
    "six",
    "_distutils_hack",
    "setuptools",
    "pkg_resources",
    "importlib",
    "_frozen_importlib",
    "debugpy",
    "jupyter",
    "traitlets",
    "pandas",
    "numpy",
    "civicspace",
)


def _from_library(obj: Any) -> bool:
    module = getattr(obj, "__module__", None) or getattr(type(obj), "__module__", "") or ""
    return module.split(".")[0] in _LIBRARY_PREFIXES or module.startswith("__editable__")


def _trusted_roots() -> tuple[str, ...]:
    roots = {str(Path(sys.prefix).resolve()), str(Path(sys.base_prefix).resolve()), sys.prefix, sys.base_prefix}
    roots.add(str(Path(__file__).resolve().parents[1]))  # the civicspace package
    return tuple(sorted(roots))


_FOREIGN_FILES: dict[str, bool] = {}  # code file name -> not an installed file (cached: the audit runs often)


def _is_foreign_function(value: Any, roots: tuple[str, ...]) -> bool:
    """A Python function whose code does not come from an installed file (e.g. defined in a cell)."""
    func = getattr(value, "__func__", value)
    code = getattr(func, "__code__", None)
    if not isinstance(func, types.FunctionType) or code is None:
        return False
    filename = code.co_filename or ""
    foreign = _FOREIGN_FILES.get(filename)
    if foreign is None:
        if filename.startswith("<frozen "):  # the standard library's frozen modules (os.path, importlib...)
            foreign = False
        else:
            try:
                foreign = not str(Path(filename).resolve()).startswith(roots)
            except (OSError, ValueError):
                foreign = True
        _FOREIGN_FILES[filename] = foreign
    return foreign


class _Baseline:
    """What the kernel's execution machinery looked like before any student code ran."""

    def __init__(self, shell):
        self.shell = shell
        self.roots = _trusted_roots()
        self.lists = {
            name: list(getattr(shell, name, []))
            for name in ("input_transformers_cleanup", "input_transformers_post", "ast_transformers")
        }
        self.events = {k: list(v) for k, v in shell.events.callbacks.items()}
        self.custom_exceptions = shell.custom_exceptions
        self.instance_attrs = set(vars(shell))
        self.classes = {
            cls: dict(vars(cls)) for cls in type(shell).__mro__ if cls.__module__.startswith(("IPython", "ipykernel"))
        }
        self.hooks = self._hooks()
        self.meta_path = list(sys.meta_path)
        self.path_hooks = list(sys.path_hooks)
        self.builtins = dict(vars(builtins))
        self.modules = {name: sys.modules.get(name) for name in list(sys.modules) if name.split(".")[0] in WATCHED}
        self.attrs = {name: dict(vars(m)) for name, m in self.modules.items() if m is not None}
        self.types = {f"{c.__module__}.{c.__qualname__}": (c, dict(vars(c))) for c in self._watched_types()}

    @staticmethod
    def _hooks() -> dict[str, Any]:
        return {
            "sys.excepthook": sys.excepthook,
            "sys.displayhook": sys.displayhook,
            "threading.settrace()": threading.gettrace(),
            "threading.setprofile()": threading.getprofile(),
            "sys.breakpointhook": sys.breakpointhook,
            # Trace and profile functions are per thread: the cells' thread reports its own.
            "sys.settrace() in the cells' thread": MAIN_THREAD.get("trace"),
            "sys.setprofile() in the cells' thread": MAIN_THREAD.get("profile"),
        }

    @staticmethod
    def _watched_types() -> list[type]:
        out = []
        pd = sys.modules.get("pandas")
        np = sys.modules.get("numpy")
        if pd is not None:
            out += [pd.DataFrame, pd.Series, pd.Index]
        if np is not None:
            out += [np.ndarray]
        return out

    def findings(self) -> list[str]:
        """What has changed since the baseline that could change how cells run or are reported."""
        found: list[str] = []
        shell = self.shell
        for name, before in self.lists.items():
            now = list(getattr(shell, name, []))
            if [id(x) for x in now] != [id(x) for x in before]:
                found.append(f"changes IPython's {name} (how later cells are transformed)")
        for event, callbacks in shell.events.callbacks.items():
            added = [cb for cb in callbacks if all(cb is not b for b in self.events.get(event, []))]
            if any(not _from_library(cb) or _is_foreign_function(cb, self.roots) for cb in added):
                found.append(f"registers a callback on IPython's {event!r} event")
        if shell.custom_exceptions != self.custom_exceptions:
            found.append("installs a custom exception handler (set_custom_exc)")
        for attr in sorted(set(vars(shell)) - self.instance_attrs):
            if callable(getattr(shell, attr, None)) and any(attr in d for d in self.classes.values()):
                found.append(f"replaces the shell's method {attr}")
        for cls, before in self.classes.items():
            now = vars(cls)
            changed = [
                k for k in set(before) | set(now) if before.get(k, None) is not now.get(k, None) and not k.startswith("__")
            ]
            if changed:
                found.append(f"patches {cls.__name__}.{sorted(changed)[0]}")
        for name, before in self.hooks.items():
            if self._hooks()[name] is not before:
                found.append(f"changes {name}")
        for label, before, now in (
            ("sys.meta_path", self.meta_path, sys.meta_path),
            ("sys.path_hooks", self.path_hooks, sys.path_hooks),
        ):
            added = [h for h in now if all(h is not b for b in before)]
            if any(not _from_library(h) for h in added):
                found.append(f"adds an import hook to {label}")
        now_builtins = vars(builtins)
        changed = sorted(
            k
            for k in set(self.builtins) | set(now_builtins)
            if k not in _IPYTHON_BUILTINS and self.builtins.get(k, None) is not now_builtins.get(k, None)
        )
        if changed:
            found.append(f"replaces or adds builtins ({', '.join(changed[:5])})")
        found += self._module_findings()
        return found

    def _module_findings(self) -> list[str]:
        found = []
        for name, module in self.modules.items():
            if sys.modules.get(name) is not module:
                found.append(f"replaces the module {name} in sys.modules")
        for name, module in list(sys.modules.items()):
            if name.split(".")[0] not in WATCHED or module is None:
                continue
            before = self.attrs.get(name)
            for attr, value in list(vars(module).items()):
                if attr.startswith("__") and attr.endswith("__"):
                    continue
                if before is not None and attr in before and before[attr] is not value and callable(before[attr]):
                    found.append(f"replaces {name}.{attr}")
                elif _is_foreign_function(value, self.roots):
                    found.append(f"puts its own function at {name}.{attr}")
        for label, (cls, before) in self.types.items():
            now = vars(cls)
            changed = [k for k in set(before) | set(now) if before.get(k, None) is not now.get(k, None)]
            if changed:
                found.append(f"patches {label}.{sorted(changed)[0]}")
        return sorted(set(found))


#: The trace and profile functions of the thread that runs the cells, as last reported by :func:`note_main_thread`.
MAIN_THREAD: dict[str, Any] = {}


def note_main_thread() -> None:
    """Record the cells' thread's trace and profile functions (run by the grader after each cell)."""
    MAIN_THREAD["trace"], MAIN_THREAD["profile"] = sys.gettrace(), sys.getprofile()


def _user_function(value: Any) -> bool:
    """A function (or other callable object) of the submission; classes travel as data markers."""
    return callable(value) and not isinstance(value, type)


class _Agent:
    def __init__(self, shell, baseline: _Baseline | None):
        self.shell, self.ns = shell, shell.user_ns
        self.baseline = baseline

    def handle(self, request: Any) -> Any:
        op = request.get("op") if isinstance(request, dict) else None
        if op == "get":
            out = {}
            for name in request.get("names", []):
                if name not in self.ns:
                    out[name] = {"t": "missing"}
                elif _user_function(self.ns[name]):
                    out[name] = {"t": "callable"}
                else:
                    out[name] = codec.encode(self.ns[name])
            return {"values": out}
        if op == "call":
            return self._call(request)
        if op == "baseline":  # asked once, while the kernel is idle and before any student code ran
            if self.baseline is None:
                self.baseline = _Baseline(self.shell)
            return {"ok": True}
        if op == "audit":
            try:
                return {"findings": self.baseline.findings() if self.baseline else ["the grader's audit could not start"]}
            except Exception as exc:
                return {"findings": [f"the audit failed ({type(exc).__name__})"]}
        return {"error": "unknown request"}

    def _call(self, request: dict) -> Any:
        func = self.ns.get(request.get("name"))
        if not callable(func):
            return {"error": "NameError"}
        args = [codec.decode(a) for a in request.get("args", [])]
        kwargs = {str(k): codec.decode(v) for k, v in request.get("kwargs", [])}
        try:
            result = func(*args, **kwargs)
        except BaseException as exc:  # the student's function raised: report only a builtin name
            name = type(exc).__name__
            return {"error": name if getattr(builtins, name, None) is type(exc) else "Exception"}
        after = [codec.encode(a) for a in args]
        return {
            "result": codec.encode(result),
            "args_after": [a if a != b else None for a, b in zip(after, request.get("args", []))],
        }


def serve(path: str) -> None:
    """Start the agent in this (student) kernel, listening on the Unix socket ``path``."""
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    import civicspace.data  # noqa: F401  (imported now, so the audit's baseline holds them)

    shell = get_ipython()  # noqa: F821  (IPython provides it in a kernel)
    agent = _Agent(shell, None)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(16)

    def answer(conn: socket.socket) -> None:
        with conn:
            try:
                _send(conn, agent.handle(_recv(conn)))
            except Exception:
                pass

    def loop() -> None:
        while True:
            conn, _ = server.accept()
            threading.Thread(target=answer, args=(conn,), daemon=True, name="civicspace-grader-call").start()

    threading.Thread(target=loop, daemon=True, name="civicspace-grader").start()


# --------------------------------------------------------------------------- test kernel: the client


class StudentCodeError(Exception):
    """The student's code failed, stopped or could not be reached when a test used it."""


def request(path: str, payload: Any, timeout: float) -> Any:
    """Send one request to the agent at ``path`` and return its decoded-JSON answer."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(path)
        _send(sock, payload)
        return _recv(sock)
    finally:
        sock.close()


def _error_name(answer: Any) -> str:
    """The name of the exception a student's function raised, as the student's kernel reports it,
    only if it is a builtin exception's name (the agent sends nothing else): the kernel is the
    student's, so any other text (a hidden test's arguments, say) never reaches the feedback."""
    err = answer.get("error") if isinstance(answer, dict) else None
    if isinstance(err, str) and err.isidentifier():
        cls = getattr(builtins, err, None)
        if isinstance(cls, type) and issubclass(cls, BaseException):
            return err
    return "an exception"


class StudentFunction:
    """Calls a function defined in the student's kernel; arguments and result travel as data."""

    def __init__(self, name: str, path: str, timeout: float):
        self._name, self._path, self._timeout = name, path, timeout
        self.__name__ = name

    def __repr__(self) -> str:
        return f"<the function {self._name} of the submission>"

    def __call__(self, *args, **kwargs):
        payload = {
            "op": "call",
            "name": self._name,
            "args": [codec.encode(a) for a in args],
            "kwargs": [[k, codec.encode(v)] for k, v in kwargs.items()],
        }
        try:
            answer = request(self._path, payload, self._timeout)
        except TimeoutError:
            raise StudentCodeError(f"{self._name}() did not return within {self._timeout:.0f} s") from None
        except (OSError, ConnectionError, codec.DecodeError):
            raise StudentCodeError(
                f"{self._name}() could not be called: the notebook's kernel stopped or did not answer"
            ) from None
        if not isinstance(answer, dict) or "error" in answer:
            raise StudentCodeError(f"{self._name}() raised {_error_name(answer)} when the test called it")
        try:
            result = codec.decode(answer.get("result"))
            for arg, after in zip(args, answer.get("args_after") or []):
                if after is not None:
                    _apply_mutation(arg, codec.decode(after))
        except codec.DecodeError:
            raise StudentCodeError(f"{self._name}() returned a value the grader cannot read") from None
        return result


def _apply_mutation(arg: Any, new: Any) -> None:
    """Mirror on the test's own argument a change the student's function made to its copy."""
    import pandas as pd

    if isinstance(arg, (pd.DataFrame, pd.Series)) and type(new) is type(arg):
        arg._update_inplace(new)
    elif isinstance(arg, list) and isinstance(new, list):
        arg[:] = new
    elif isinstance(arg, (dict, set)) and type(new) is type(arg):
        arg.clear()
        arg.update(new)


_FETCHED: set[str] = set()


def fetch(namespace: dict, names: list[str], path: str, timeout: float) -> None:
    """Bind in ``namespace`` (the test kernel's) the student's values of ``names``.

    Names the instructor's own cells defined are left alone; names the student did
    not define are unbound, so the test fails with a NameError as it would in one kernel.
    """
    wanted = [n for n in names if n in _FETCHED or n not in namespace]
    if not wanted:
        return
    try:
        answer = request(path, {"op": "get", "names": wanted}, timeout)
        values = answer["values"]
    except Exception:
        values = {}
    for name in wanted:
        raw = values.get(name, {"t": "missing"})
        _FETCHED.add(name)
        if isinstance(raw, dict) and raw.get("t") == "missing":
            namespace.pop(name, None)
        elif isinstance(raw, dict) and raw.get("t") == "callable":
            namespace[name] = StudentFunction(name, path, timeout)
        else:
            try:
                namespace[name] = codec.decode(raw)
            except codec.DecodeError:
                namespace[name] = codec.Unsupported("unreadable value")
