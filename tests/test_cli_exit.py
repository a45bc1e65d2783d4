"""``kg`` leaves without tearing the interpreter down, yet keeps its exit status, its output
and its atexit handlers, and waits for threads that are still working."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("code, status, stderr", [(None, 0, ""), (0, 0, ""), (3, 3, ""),
                                                  ("went wrong", 1, "went wrong\n")])
def test_leave_keeps_the_status_and_runs_atexit_handlers(code, status, stderr):
    done = run(f"""
        import atexit, sys
        from kg.cli import leave
        atexit.register(lambda: print("atexit ran", flush=True))
        sys.stdout.write("buffered, not flushed")
        leave({code!r})
        print("not reached")
    """)
    assert done.returncode == status
    assert done.stdout == "buffered, not flushedatexit ran\n"
    assert done.stderr == stderr


def test_leave_waits_for_a_running_non_daemon_thread():
    done = run("""
        import threading, time
        from pathlib import Path
        from kg.cli import leave
        def work():
            time.sleep(0.5)
            print("thread finished", flush=True)
        threading.Thread(target=work).start()
        leave(0)
    """)
    assert done.returncode == 0
    assert done.stdout == "thread finished\n"


@pytest.mark.parametrize("argv, status, needle", [
    (["version"], 0, "0."),
    (["no-such-command"], 2, "No such command"),
    (["query"], 2, "give a query name"),
])
def test_the_kg_command_exit_statuses(argv, status, needle):
    done = subprocess.run([sys.executable, "-m", "kg", *argv], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == status
    assert needle in done.stdout + done.stderr


def test_a_profiler_still_gets_its_report(tmp_path):
    """Under cProfile (or any profiler or debugger) the exit is the normal one, so the
    profile is written."""
    profile = tmp_path / "kg.prof"
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "kg", "version"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    assert profile.stat().st_size > 0
