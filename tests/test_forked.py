"""A function run in a forked child (``newsprism.forked``), and the one-shot ``compare`` that
reads, cleans and analyses in such children while it loads the parser.

A child is forked only by a process running one thread, which a test session may not be
(earlier tests leave threads behind): forking is tested in fresh interpreters; the fallback
beside a running thread is tested here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from newsprism.forked import ForkedCall
from tests.conftest import SEED_A, SEED_B, run_fresh


def test_a_child_returns_its_value_and_raises_its_error() -> None:
    done = run_fresh(
        """
        import os, sys
        from newsprism.forked import ForkedCall
        from newsprism.errors import ConfigError, ReadError

        parent = os.getpid()
        def where(x):
            return (os.getpid(), [x] * 3)
        call = ForkedCall(where, "a")
        assert call.forked
        pid, value = call.result()
        assert pid != parent and value == ["a", "a", "a"], (pid, value)

        # an error in the child: the call runs here, where it raises as it would
        calls = []
        def bad_setting(name):
            calls.append(os.getpid())
            raise ConfigError(f"{name}: unknown setting")
        try:
            ForkedCall(bad_setting, "colour").result()
        except ConfigError as exc:
            assert str(exc) == "colour: unknown setting", exc
            assert calls == [parent]  # (the child's own call is not seen here)
        else:
            raise AssertionError("no error")

        class TooLong(Exception):  # its message is built from its argument
            def __init__(self, what):
                super().__init__(f"too long: {what}")
        def long_record(name):
            raise TooLong(name)
        try:
            ForkedCall(long_record, "entry 3").result()
        except TooLong as exc:
            assert str(exc) == "too long: entry 3", exc
        else:
            raise AssertionError("no error")

        def unreadable(name):
            raise ReadError(name, "not an article")
        try:
            ForkedCall(unreadable, "x.txt").result()
        except ReadError as exc:
            assert (str(exc), exc.where, exc.reason) == (
                "x.txt: not an article", "x.txt", "not an article"
            ), exc
        else:
            raise AssertionError("no error")

        def chatty():
            print("from the child")
            return 1
        assert ForkedCall(chatty).result() == 1
        print("parent done")
        """
    )
    assert done.stdout == "parent done\n"  # nothing the child printed reached standard output
    assert "from the child" in done.stderr


def test_a_child_that_dies_or_cannot_answer_is_replaced_by_a_local_call() -> None:
    run_fresh(
        """
        import os, signal, threading
        from newsprism.forked import ForkedCall

        parent = os.getpid()
        def dies():
            if os.getpid() != parent:
                os.kill(os.getpid(), signal.SIGKILL)
            return "here"
        assert ForkedCall(dies).result() == "here"

        def unpicklable():
            return threading.Lock()  # a lock does not pickle: computed again here
        lock = ForkedCall(unpicklable).result()
        assert lock.acquire(blocking=False)
        """
    )


def test_a_child_ignores_ctrl_c_and_an_interrupted_wait_stops_it() -> None:
    """SIGINT reaches the whole process group: the child goes on (its caller decides), and a
    caller interrupted while it waits stops the child instead of leaving it running."""
    run_fresh(
        """
        import os, signal, time
        from newsprism.forked import ForkedCall

        parent = os.getpid()
        def slow():
            time.sleep(0.5)
            return os.getpid()
        call = ForkedCall(slow)
        child = call._pid
        time.sleep(0.1)
        os.kill(child, signal.SIGINT)
        assert call.result() == child  # the child's answer, not a call made here

        class Stop(Exception):
            pass
        def stop(*_):
            raise Stop
        signal.signal(signal.SIGALRM, stop)
        call = ForkedCall(time.sleep, 60)
        child = call._pid
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        try:
            call.result()
        except Stop:
            pass
        else:
            raise AssertionError("not interrupted")
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            pass  # stopped and reaped
        else:
            raise AssertionError("the child still runs")
        """
    )


def test_close_stops_a_running_child_and_leaves_no_process() -> None:
    run_fresh(
        """
        import os, time
        from newsprism.forked import ForkedCall

        call = ForkedCall(time.sleep, 60)
        pid = call._pid
        started = time.monotonic()
        with call:
            pass  # never asked for its result
        assert time.monotonic() - started < 5
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass  # reaped
        else:
            raise AssertionError("the child was not reaped")
        """
    )


def test_beside_a_running_thread_the_call_runs_in_this_process() -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        call = ForkedCall(os.getpid)
        assert not call.forked  # forking beside another thread is not safe
        assert call.result() == os.getpid()
    finally:
        release.set()
        other.join()


@pytest.mark.slow
def test_analyses_made_beside_a_child_equal_those_made_in_one_process(tmp_path: Path) -> None:
    """Three articles: the shorter run of them is analysed by a forked child, the rest here;
    the analyses are those of one process, in order."""
    third = tmp_path / "third.txt"
    third.write_text(
        "Harbour reopens\n\nThe harbour reopened on Monday after a storm closed it for three "
        "days, the port authority said.\n",
        encoding="utf-8",
    )
    run_fresh(
        f"""
        from newsprism.analyze import load_analyzer
        from newsprism.cli.compare import _analyze_beside
        from newsprism.compare.story import analysis_cache, analyze_cached, read_inputs
        from newsprism.compare.story import clear_caches

        articles = read_inputs([{str(SEED_A)!r}, {str(SEED_B)!r}, {str(third)!r}]).articles
        assert len(articles) == 3
        load_analyzer()
        beside = _analyze_beside(articles)
        here_only = len(analysis_cache)
        assert 0 < here_only < 3, here_only  # the child analysed the others
        clear_caches()
        assert beside == analyze_cached(articles)
        """
    )


@pytest.mark.slow
def test_compare_command_reads_in_a_child_and_equals_the_library(tmp_path: Path) -> None:
    """``newsprism compare`` in a fresh interpreter: the files are read and cleaned in a
    child (the cleaning modules are never imported in it), and its JSON is that of
    ``compare_files``."""
    out = tmp_path / "cli.json"
    done = run_fresh(
        f"""
        import atexit, sys
        def check():
            assert "newsprism.clean.pipeline" not in sys.modules
            print("checked", file=sys.stderr)
        sys.argv = ["newsprism", "compare", {str(SEED_A)!r}, {str(SEED_B)!r}, "-o", {str(out)!r}]
        from newsprism.cli import run
        atexit.register(check)
        run()
        """
    )
    assert "checked" in done.stderr
    from newsprism.compare import compare_files, comparison_to_dict

    comparison, _ = compare_files([str(SEED_A), str(SEED_B)])
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(
        json.dumps(comparison_to_dict(comparison))
    )


@pytest.mark.slow
def test_compare_with_cleaning_workers_leaves_no_process_behind(tmp_path: Path) -> None:
    """``workers = 2`` and enough records for the cleaning pool: the pool started in the
    reading child is stopped with it (a forked child ends without Python's exit hooks)."""
    records = tmp_path / "wire.jsonl"
    with records.open("w", encoding="utf-8") as f:
        for n in range(140):
            text = (
                f"Record {n} of the wire feed says the harbour reopened on Monday, officials said."
            )
            f.write(json.dumps({"title": f"Harbour item {n}", "text": text}) + "\n")
    config = tmp_path / "workers.toml"
    config.write_text("workers = 2\n", encoding="utf-8")
    mark = f"newsprism-test-{os.getpid()}-{tmp_path.name}"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from newsprism.cli import run; run()",
            "--config",
            str(config),
            "compare",
            str(records),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,  # (processes left behind keep its output open: a time-out)
        env={**os.environ, "NP_FORK_TEST_MARK": mark},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    json.loads(done.stdout)
    left: list[int] = []
    for _ in range(30):  # a stopped pool's processes take a moment to exit
        left = []
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and mark.encode() in (proc / "environ").read_bytes():
                    left.append(int(proc.name))
            except OSError:
                continue
        if not left:
            break
        time.sleep(0.2)
    assert not left, f"processes left behind: {left}"


def test_the_console_script_hides_its_objects_from_the_last_collection() -> None:
    done = run_fresh(
        """
        import atexit, gc, sys
        sys.argv = ["newsprism", "--version"]
        atexit.register(lambda: print("frozen", gc.get_freeze_count() > 0, file=sys.stderr))
        from newsprism.cli import run
        try:
            run()
        except SystemExit as exc:
            assert exc.code in (0, None), exc.code
            raise
        """
    )
    assert "frozen True" in done.stderr
    assert "newsprism" in done.stdout
