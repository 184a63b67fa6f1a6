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
  :mod:`civicspace.gradeexec`) and a private ``/tmp``;
- runs as an unprivileged user (uid 65534 in a user namespace: no capabilities),
  in its own PID, IPC and UTS namespaces, and dies with its parent;
- is limited in CPU time and file size (rlimits), and in memory and number of
  processes (a cgroup v1 ``memory`` and ``pids`` group per submission, where the
  machine allows it).

The kernel talks to nbgrader over Unix sockets (``KernelManager.transport = ipc``)
in the runtime folder, since the sandbox has no shared network.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from .paths import repo_root

CGROUP_ROOT = Path("/sys/fs/cgroup")


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


def cgroups_available() -> bool:
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


def describe_limits(limits: Limits, use_sandbox: bool = True) -> str:
    """One line saying which limits are in force for the students' kernels, and which are missing."""
    if not use_sandbox:
        return ("limits: NO SANDBOX (--no-sandbox): student code runs with your rights, with the network open "
                "and no memory or process limits; trusted submissions only")
    parts = [
        f"bubblewrap sandbox (no network, read-only system, own folder only); {limits.cell_timeout} s per cell, "
        f"{limits.notebook_timeout} s per submission; CPU {limits.cpu_seconds} s and files up to {limits.max_file_mb} MB (rlimits)"
    ]
    if cgroups_available():
        parts.append(f"memory {limits.memory_mb} MB and {limits.max_processes} processes per kernel (cgroup v1)")
    else:
        parts.append("MISSING: memory and process limits (no writable cgroup v1 memory and pids controllers on this host)")
    return "limits: " + "; ".join(parts)


def cgroup_dirs(batch: str, name: str) -> list[Path]:
    """The memory and pids cgroup folders of one kernel of a batch."""
    return [CGROUP_ROOT / c / "civicspace" / f"{batch}-{name}" for c in ("memory", "pids")]


def memory_exceeded(batch: str, name: str) -> bool:
    failcnt = cgroup_dirs(batch, name)[0] / "memory.failcnt"
    try:
        return failcnt.read_text().strip() not in ("", "0")
    except OSError:
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
        "--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534",
        # No --new-session: the kernel must stay in the process group that
        # jupyter_client signals, or a cell past its time limit cannot be interrupted.
        "--die-with-parent",
        "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
        *ro,
        "--clearenv",
        "--setenv", "HOME", "/tmp",
        "--setenv", "PATH", f"{Path(sys.prefix) / 'bin'}:/usr/bin:/bin",
        "--setenv", "LANG", "C.UTF-8",
        "--setenv", "OPENBLAS_NUM_THREADS", "1",
        "--setenv", "OMP_NUM_THREADS", "1",
        "--setenv", "MPLBACKEND", "Agg",
        "--setenv", "PYTHONNOUSERSITE", "1",
    ]
    prlimit = ["prlimit", f"--cpu={limits.cpu_seconds}", f"--fsize={limits.max_file_mb * 1024 * 1024}", "--nofile=256", "--core=0", "--"]
    # The grading pipeline starts each kernel with CS_KDIR (its own runtime folder: its
    # connection file and sockets; no other kernel's), CS_SHARE (the folder of the
    # socket between a submission's two kernels) and CS_CGROUP (its cgroups' name).
    lines = [
        'student="${CS_CGROUP:-$(basename "$(dirname "$PWD")")}"',
        f'kdir="${{CS_KDIR:-{runtime}}}"',
    ]
    if use_cgroups:
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
        "exec " + " ".join(shlex.quote(a) for a in prlimit + bwrap_args)
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
