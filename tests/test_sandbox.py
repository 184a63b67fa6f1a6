"""The sandbox's limits (cgroup v2, cgroup v1 or rlimits) and the clean-up after a grading batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from civicspace.grading import sandbox

SLEEP = "import time; time.sleep(60)"


def test_kill_leftovers_kills_only_processes_naming_the_folder(tmp_path):
    batch, other = tmp_path / "b1", tmp_path / "b10"  # one name a prefix of the other
    batch.mkdir()
    inside = subprocess.Popen([sys.executable, "-c", SLEEP, str(batch / "runtime" / "kernel.json")])
    outside = subprocess.Popen([sys.executable, "-c", SLEEP, str(other / "runtime" / "kernel.json")])
    try:
        assert sandbox.kill_leftovers(batch) == 1
        assert inside.wait(timeout=10) == -signal.SIGKILL
        assert outside.poll() is None, "a process of another folder was killed"
        assert sandbox.kill_leftovers(batch) == 0
    finally:
        for p in (inside, outside):
            p.kill()
            p.wait()


def test_the_limits_line_says_what_is_in_force_and_what_is_missing(monkeypatch):
    limits = sandbox.Limits(cell_timeout=7, memory_mb=512, max_processes=32)
    for backend, version in (("cgroup1", "v1"), ("cgroup2", "v2")):
        monkeypatch.setattr(sandbox, "limits_backend", lambda b=backend: b)
        line = sandbox.describe_limits(limits)
        assert line.startswith("limits: bubblewrap sandbox") and "7 s per cell" in line
        assert f"memory 512 MB and 32 processes per kernel (cgroup {version})" in line and "MISSING" not in line
    monkeypatch.setattr(sandbox, "limits_backend", lambda: "rlimit")
    monkeypatch.setattr(sandbox, "_nproc_binds", lambda: False)  # root
    line = sandbox.describe_limits(limits)
    assert "memory 512 MB of address space per process (rlimit fallback" in line
    assert "MISSING: process limit (RLIMIT_NPROC does not bind root" in line
    monkeypatch.setattr(sandbox, "_nproc_binds", lambda: True)
    line = sandbox.describe_limits(limits)
    assert "processes: at most 32 more for your user" in line and "MISSING" not in line
    assert sandbox.describe_limits(limits, use_sandbox=False).startswith("limits: NO SANDBOX")


def test_the_backend_is_the_first_the_host_allows_unless_one_is_chosen(monkeypatch):
    monkeypatch.delenv(sandbox.BACKEND_ENV, raising=False)
    for v2, v1, expected in ((True, True, "cgroup2"), (False, True, "cgroup1"), (False, False, "rlimit")):
        monkeypatch.setattr(sandbox, "cgroup2_available", lambda v=v2: v)
        monkeypatch.setattr(sandbox, "cgroup1_available", lambda v=v1: v)
        assert sandbox.limits_backend() == expected
        assert sandbox.cgroups_available() == (expected != "rlimit")
    monkeypatch.setattr(sandbox, "cgroup2_available", lambda: True)
    monkeypatch.setenv(sandbox.BACKEND_ENV, "rlimit")
    assert sandbox.limits_backend() == "rlimit" and not sandbox.cgroups_available()
    monkeypatch.setenv(sandbox.BACKEND_ENV, "cgroup1")
    with pytest.raises(RuntimeError, match="no writable cgroup v1"):
        sandbox.limits_backend()
    monkeypatch.setenv(sandbox.BACKEND_ENV, "cgroups")
    with pytest.raises(ValueError, match="choose one of cgroup2, cgroup1, rlimit"):
        sandbox.limits_backend()


def _wrapper_lines(argv: list[str]) -> str:
    """The wrapper's shell script without its final ``exec`` (which would start bubblewrap)."""
    script = argv[2]
    assert script.splitlines()[-1].startswith("exec prlimit ")
    return "\n".join(script.splitlines()[:-1])


@pytest.mark.parametrize("backend", ["cgroup2", "cgroup1"])
def test_the_wrapper_puts_the_kernel_in_its_own_limited_group(monkeypatch, tmp_path, backend):
    """Run the wrapper's set-up against a stand-in cgroup tree: it writes the limits into the
    kernel's own group (named after the batch and the student) and joins it."""
    monkeypatch.setattr(sandbox, "CGROUP_ROOT", tmp_path)
    monkeypatch.setattr(sandbox, "limits_backend", lambda: backend)
    limits = sandbox.Limits(memory_mb=300, max_processes=20)
    argv = sandbox.kernel_argv(tmp_path / "runtime", limits, "b7", use_cgroups=True)
    assert "--as=" not in argv[2], "no address-space rlimit where a cgroup holds the memory"
    folder = tmp_path / "autograded" / "alice" / "ch01"
    folder.mkdir(parents=True)
    subprocess.run(["/bin/sh", "-c", "set -e\n" + _wrapper_lines(argv)], cwd=folder, check=True)
    if backend == "cgroup2":
        group = tmp_path / "civicspace" / "b7-alice"
        assert (group / "memory.max").read_text().strip() == str(300 * 1024 * 1024)
        assert (group / "pids.max").read_text().strip() == "20"
        assert (group / "cgroup.procs").read_text().strip().isdigit()
    else:
        assert (tmp_path / "memory/civicspace/b7-alice/memory.limit_in_bytes").read_text().strip() == str(300 * 1024 * 1024)
        assert (tmp_path / "pids/civicspace/b7-alice/pids.max").read_text().strip() == "20"


def test_the_rlimit_fallback_limits_address_space_and_processes(monkeypatch, tmp_path):
    monkeypatch.setattr(sandbox, "limits_backend", lambda: "rlimit")
    monkeypatch.setattr(sandbox, "_nproc_binds", lambda: True)
    limits = sandbox.Limits(memory_mb=300, max_processes=20)
    argv = sandbox.kernel_argv(tmp_path / "runtime", limits, "b7", use_cgroups=False)
    script = argv[2]
    assert f"--as={300 * 1024 * 1024}" in script and '--nproc="$nproc"' in script
    assert "cgroup" not in script.replace("CS_CGROUP", "")
    out = subprocess.run(
        ["/bin/sh", "-c", "set -e\n" + _wrapper_lines(argv) + '\necho "$nproc"'],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    running = len(
        subprocess.run(["ps", "-u", str(os.getuid()), "-L", "--no-headers"], capture_output=True, text=True).stdout.splitlines()
    )
    assert running <= int(out) - 20 <= running + 20, (out, running)


def test_memory_events_of_a_cgroup2_group_say_it_hit_its_limit(monkeypatch, tmp_path):
    monkeypatch.setattr(sandbox, "CGROUP_ROOT", tmp_path)
    monkeypatch.setattr(sandbox, "limits_backend", lambda: "cgroup2")
    group = tmp_path / "civicspace" / "b1-bob"
    group.mkdir(parents=True)
    (group / "memory.events").write_text("low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n")
    assert not sandbox.memory_exceeded("b1", "bob")
    (group / "memory.events").write_text("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n")
    assert sandbox.memory_exceeded("b1", "bob")
