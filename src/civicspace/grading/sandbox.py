"""A bubblewrap sandbox for the Jupyter kernel that runs a student's notebook.

nbgrader itself (trusted code) runs outside; only the kernel, which executes the
student's code, runs inside a sandbox that

- has **no network** (its own network namespace with only a loopback device);
- sees the system read-only, plus read-only the Python installation, the
  project's virtual environment, the course package and the datasets, and
  nothing else of the repository: not ``exercises/`` (solutions, hidden tests),
  not ``autograder/`` (gradebook, other students' folders, rubrics);
- can write only to its own working folder, its own kernel's runtime folder (not
  another kernel's), the folder it shares with its test kernel (see
  :mod:`civicspace.grading.execute`) and a private ``/tmp``;
- runs as an unprivileged user (uid 65534 in a user namespace: no capabilities),
  in its own PID, IPC and UTS namespaces, and dies with its parent;
- is limited in CPU time and file size (rlimits), and in memory and number of
  processes by the first of these the host allows (:func:`limits_backend`):

  1. ``cgroup2``: a group per kernel under ``/sys/fs/cgroup/civicspace`` on a cgroup v2
     host, with ``memory.max`` (and no swap) and ``pids.max``;
  2. ``cgroup1``: a ``memory`` and a ``pids`` group per kernel on a cgroup v1 host;
  3. ``rlimit``: the address space of each process (RLIMIT_AS) and, unless the grader
     runs as root (root is exempt), the processes of the grader's user (RLIMIT_NPROC).

  ``CIVICSPACE_LIMITS=cgroup2|cgroup1|rlimit`` chooses one (an unavailable cgroup
  backend is an error); :func:`describe_limits` says which limits hold and which do not.

The kernel talks to nbgrader over Unix sockets (``KernelManager.transport = ipc``)
in the runtime folder, since the sandbox has no shared network.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from civicspace.paths import repo_root

CGROUP_ROOT = Path("/sys/fs/cgroup")
BACKENDS = ("cgroup2", "cgroup1", "rlimit")
#: Set to one of BACKENDS to choose how memory and processes are limited.
BACKEND_ENV = "CIVICSPACE_LIMITS"


@dataclass(frozen=True)
class Limits:
    """Resource limits for one submission's kernel."""

    cell_timeout: int = 60  # seconds of wall clock per cell (nbgrader's Execute.timeout)
    notebook_timeout: int = 900  # seconds of wall clock for the whole submission
    cpu_seconds: int = 300  # CPU seconds for the kernel (RLIMIT_CPU)
    memory_mb: int = 2048  # memory of the kernel and its children (cgroup)
    max_processes: int = 64  # processes and threads (cgroup pids.max)
    max_file_mb: int = 64  # largest file the kernel may write (RLIMIT_FSIZE)


def bwrap() -> str:
    path = shutil.which("bwrap")
    if not path:
        raise RuntimeError("bubblewrap is not installed: `apt-get install bubblewrap` (.ci/run does this)")
    return path


def readonly_paths() -> list[Path]:
    """What the kernel may read: system folders, Python, the venv, the package and the data."""
    root = repo_root()
    paths = [Path(p) for p in ("/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc/alternatives", "/etc/ssl") if Path(p).exists()]
    paths += [Path(sys.base_prefix).resolve(), Path(sys.prefix)]
    paths += [root / "src", root / "datasets"]
    out: list[Path] = []
    for p in paths:
        if p.exists() and not any(p == q or q in p.parents for q in out):
            out.append(p)
    return out


def cgroup1_available() -> bool:
    """True where this process may create cgroup v1 memory and pids groups."""
    for controller in ("memory", "pids"):
        base = CGROUP_ROOT / controller
        if not base.is_dir():
            return False
        probe = base / "civicspace-probe"
        try:
            probe.mkdir(exist_ok=True)
            probe.rmdir()
        except OSError:
            return False
    return True


def cgroup2_available() -> bool:
    """True on a cgroup v2 host where this process may make groups with memory and pids limits.

    Makes (or reuses) ``civicspace`` under the cgroup root and enables the two
    controllers for its children; a probe child must then offer ``memory.max`` and
    ``pids.max``.
    """
    if not (CGROUP_ROOT / "cgroup.controllers").is_file():
        return False
    base = CGROUP_ROOT / "civicspace"
    try:
        if not {"memory", "pids"} <= set((CGROUP_ROOT / "cgroup.subtree_control").read_text().split()):
            (CGROUP_ROOT / "cgroup.subtree_control").write_text("+memory +pids")
        base.mkdir(exist_ok=True)
        (base / "cgroup.subtree_control").write_text("+memory +pids")
        probe = base / "civicspace-probe"
        probe.mkdir(exist_ok=True)
        ok = (probe / "memory.max").exists() and (probe / "pids.max").exists()
        probe.rmdir()
        return ok
    except OSError:
        return False


def limits_backend() -> str:
    """How memory and processes are limited on this host: ``cgroup2``, ``cgroup1`` or ``rlimit``.

    The first the host allows, in that order, unless ``$CIVICSPACE_LIMITS`` names one.
    """
    forced = os.environ.get(BACKEND_ENV, "").strip()
    if forced:
        if forced not in BACKENDS:
            raise ValueError(f"{BACKEND_ENV}={forced!r}: choose one of {', '.join(BACKENDS)}")
        if forced == "cgroup2" and not cgroup2_available():
            raise RuntimeError(f"{BACKEND_ENV}=cgroup2, but this host offers no writable cgroup v2 memory and pids controllers")
        if forced == "cgroup1" and not cgroup1_available():
            raise RuntimeError(f"{BACKEND_ENV}=cgroup1, but this host offers no writable cgroup v1 memory and pids controllers")
        return forced
    if cgroup2_available():
        return "cgroup2"
    if cgroup1_available():
        return "cgroup1"
    return "rlimit"


def cgroups_available() -> bool:
    """True where memory and processes are limited per kernel by a cgroup (v2 or v1)."""
    return limits_backend() != "rlimit"


def _nproc_binds() -> bool:
    """RLIMIT_NPROC does not bind root (the kernel exempts it)."""
    return os.geteuid() != 0


def describe_limits(limits: Limits, use_sandbox: bool = True) -> str:
    """One line saying which limits are in force for the students' kernels, and which are missing."""
    if not use_sandbox:
        return (
            "limits: NO SANDBOX (--no-sandbox): student code runs with your rights, with the network open "
            "and no memory or process limits; trusted submissions only"
        )
    parts = [
        f"bubblewrap sandbox (no network, read-only system, own folder only); {limits.cell_timeout} s per cell, "
        f"{limits.notebook_timeout} s per submission; CPU {limits.cpu_seconds} s and files up to {limits.max_file_mb} MB (rlimits)"
    ]
    backend = limits_backend()
    if backend in ("cgroup2", "cgroup1"):
        version = "v2" if backend == "cgroup2" else "v1"
        parts.append(f"memory {limits.memory_mb} MB and {limits.max_processes} processes per kernel (cgroup {version})")
    else:
        parts.append(
            f"memory {limits.memory_mb} MB of address space per process (rlimit fallback: no cgroup v2 or v1 "
            "controllers; a kernel's children each get their own)"
        )
        if _nproc_binds():
            parts.append(
                f"processes: at most {limits.max_processes} more for your user while a kernel runs "
                "(RLIMIT_NPROC, shared with your other processes)"
            )
        else:
            parts.append(
                "MISSING: process limit (RLIMIT_NPROC does not bind root; a fork bomb is stopped only by "
                "the per-cell time limit, which ends the kernel's PID namespace)"
            )
    return "limits: " + "; ".join(parts)


def cgroup_dirs(batch: str, name: str, backend: str | None = None) -> list[Path]:
    """The cgroup folders of one kernel of a batch."""
    backend = backend or limits_backend()
    if backend == "cgroup2":
        return [CGROUP_ROOT / "civicspace" / f"{batch}-{name}"]
    return [CGROUP_ROOT / c / "civicspace" / f"{batch}-{name}" for c in ("memory", "pids")]


def memory_exceeded(batch: str, name: str) -> bool:
    """True if the kernel's cgroup hit its memory limit."""
    group = cgroup_dirs(batch, name)[0]
    try:
        if (group / "memory.events").exists():  # cgroup v2
            events = dict(line.split() for line in (group / "memory.events").read_text().splitlines() if line.strip())
            return int(events.get("oom_kill", 0)) > 0 or int(events.get("max", 0)) > 0
        return (group / "memory.failcnt").read_text().strip() not in ("", "0")
    except (OSError, ValueError):
        return False


def remove_cgroups(batch: str, wait: float = 15.0) -> None:
    """Kill what is left in a batch's cgroups (e.g. a fork bomb's children) and remove them.

    Keeps killing until each group is empty and removed (a cgroup v1 group cannot be
    removed while a task is still exiting; on a busy machine that takes a while),
    giving up on a group after ``wait`` seconds.
    """
    import os
    import signal
    import time

    for controller in ("pids", "memory"):
        base = CGROUP_ROOT / controller / "civicspace"
        for group in base.glob(f"{batch}-*"):
            deadline = time.monotonic() + wait
            while True:
                try:
                    pids = (group / "cgroup.procs").read_text().split()
                except OSError:
                    pids = []
                for pid in pids:
                    try:
                        os.kill(int(pid), signal.SIGKILL)
                    except (OSError, ValueError):
                        pass
                try:
                    group.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:  # EBUSY: a task is still exiting
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.1)


def kill_leftovers(folder: Path, wait: float = 15.0) -> int:
    """Kill every process whose command line names ``folder`` (a batch's scratch course:
    each kernel's connection file lives there, and forked children keep that command
    line); wait until they are gone. Returns how many were killed.

    The cgroups do this where they are available; this also covers hosts without
    them. A process that rewrites its own command line escapes it, not the cgroups.
    """
    import os
    import signal
    import time

    needle = (str(folder).rstrip("/") + "/").encode()  # batch "b1" must not match "b10"
    killed: set[int] = set()
    deadline = time.monotonic() + wait
    while True:
        alive = []
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit() or int(proc.name) == os.getpid():
                continue
            try:
                if needle in (proc / "cmdline").read_bytes():
                    alive.append(int(proc.name))
            except OSError:
                continue
        if not alive or time.monotonic() > deadline:
            return len(killed)
        for pid in alive:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
            except OSError:
                pass
        time.sleep(0.1)


def kernel_argv(runtime: Path, limits: Limits, batch: str, use_cgroups: bool) -> list[str]:
    """The kernelspec argv that starts an IPython kernel inside the sandbox.

    nbclient starts the kernel in the submission's folder
    (``autograded/<student>/<assignment>``); a small shell wrapper binds that
    folder (``$PWD``) read-write, names the kernel's cgroups after the student
    folder, joins them, sets the rlimits and execs bubblewrap.
    """
    import shlex

    ro = []
    for path in readonly_paths():
        ro += ["--ro-bind", str(path), str(path)]
    bwrap_args = [
        bwrap(),
        "--unshare-all",
        "--unshare-user",
        "--uid",
        "65534",
        "--gid",
        "65534",
        # No --new-session: the kernel must stay in the process group that
        # jupyter_client signals, or a cell past its time limit cannot be interrupted.
        "--die-with-parent",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--tmpfs",
        "/tmp",
        *ro,
        "--clearenv",
        "--setenv",
        "HOME",
        "/tmp",
        "--setenv",
        "PATH",
        f"{Path(sys.prefix) / 'bin'}:/usr/bin:/bin",
        "--setenv",
        "LANG",
        "C.UTF-8",
        "--setenv",
        "OPENBLAS_NUM_THREADS",
        "1",
        "--setenv",
        "OMP_NUM_THREADS",
        "1",
        "--setenv",
        "MPLBACKEND",
        "Agg",
        "--setenv",
        "PYTHONNOUSERSITE",
        "1",
    ]
    prlimit = [
        "prlimit",
        f"--cpu={limits.cpu_seconds}",
        f"--fsize={limits.max_file_mb * 1024 * 1024}",
        "--nofile=256",
        "--core=0",
    ]
    backend = limits_backend() if use_cgroups else "rlimit"
    if backend == "rlimit":
        prlimit.append(f"--as={limits.memory_mb * 1024 * 1024}")
    # The grading pipeline starts each kernel with CS_KDIR (its own runtime folder: its
    # connection file and sockets; no other kernel's), CS_SHARE (the folder of the
    # socket between a submission's two kernels) and CS_CGROUP (its cgroups' name).
    lines = [
        'student="${CS_CGROUP:-$(basename "$(dirname "$PWD")")}"',
        f'kdir="${{CS_KDIR:-{runtime}}}"',
    ]
    if backend == "rlimit" and _nproc_binds():
        # RLIMIT_NPROC counts all processes of the user: allow max_processes more than now.
        lines.append(f'nproc=$(( $(ps -u "$(id -u)" -L --no-headers | wc -l) + {limits.max_processes} ))')
    prlimit_words = " ".join(shlex.quote(a) for a in prlimit)
    if backend == "rlimit" and _nproc_binds():
        prlimit_words += ' --nproc="$nproc"'
    prlimit_words += " --"
    if backend == "cgroup2":
        group = CGROUP_ROOT / "civicspace" / f"{batch}-"
        lines += [
            f'mkdir -p "{group}$student"',
            f'echo {limits.memory_mb * 1024 * 1024} > "{group}$student/memory.max"',
            f'if [ -e "{group}$student/memory.swap.max" ]; then echo 0 > "{group}$student/memory.swap.max"; fi',
            f'echo {limits.max_processes} > "{group}$student/pids.max"',
            f'echo $$ > "{group}$student/cgroup.procs"',
        ]
    elif backend == "cgroup1":
        mem = CGROUP_ROOT / "memory" / "civicspace" / f"{batch}-"
        pids = CGROUP_ROOT / "pids" / "civicspace" / f"{batch}-"
        lines += [
            f'mkdir -p "{mem}$student" "{pids}$student"',
            f'echo {limits.memory_mb * 1024 * 1024} > "{mem}$student/memory.limit_in_bytes"',
            f'echo {limits.max_processes} > "{pids}$student/pids.max"',
            f'echo $$ > "{mem}$student/cgroup.procs"',
            f'echo $$ > "{pids}$student/cgroup.procs"',
        ]
    lines.append(
        "exec "
        + prlimit_words
        + " "
        + " ".join(shlex.quote(a) for a in bwrap_args)
        + ' --bind "$kdir" "$kdir" ${CS_SHARE:+--bind "$CS_SHARE" "$CS_SHARE"}'
        + ' --bind "$PWD" "$PWD" --chdir "$PWD" "$@"'
    )
    python = [str(Path(sys.prefix) / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    # nbgrader appends --HistoryManager.hist_file=:memory: itself.
    return ["/bin/sh", "-c", "set -e\n" + "\n".join(lines), "civicspace-sandbox", *python]


def write_kernelspec(jupyter_dir: Path, argv: list[str]) -> Path:
    """Write a ``python3`` kernelspec under ``jupyter_dir/kernels`` (put jupyter_dir on JUPYTER_PATH)."""
    spec_dir = jupyter_dir / "kernels" / "python3"
    spec_dir.mkdir(parents=True, exist_ok=True)
    (spec_dir / "kernel.json").write_text(
        json.dumps(
            {
                "argv": argv,
                "display_name": "Python 3 (sandboxed)",
                "language": "python",
                # Interrupt with a control message: a SIGINT from outside would stop the
                # bubblewrap wrapper (and the kernel with it) instead of the cell.
                "interrupt_mode": "message",
            },
            indent=1,
        )
    )
    return spec_dir
