"""The sentence encoder in a helper process: the same vectors, and a fallback when it fails.

A helper is forked only by a process running one thread, which a test session is not (earlier
tests leave threads behind): the helper itself is tested in fresh interpreters."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from newsprism.features.embed import SentenceEncoder, get_encoder
from tests.conftest import SEED_A, SEED_B, run_fresh

TEXTS = [
    "The central bank raised interest rates by half a point on Tuesday.",
    "On Tuesday the central bank lifted rates by 0.5 percentage points.",
    "The central bank raised interest rates by half a point on Tuesday.",
    "",
    "Heavy rain flooded the valley overnight.",
]


@pytest.mark.slow
def test_helper_vectors_are_those_of_this_process_bit_for_bit(tmp_path: Path) -> None:
    out = tmp_path / "vectors.npz"
    run_fresh(
        f"""
        import numpy as np
        from newsprism.features.embed import SentenceEncoder
        texts = {TEXTS!r}
        helped = SentenceEncoder()
        helped.preload(helper_process=True)
        helped.preload(helper_process=True)  # a second call starts nothing new
        assert helped._helper is not None and helped._helper.alive
        a = helped.encode(texts, batch_size=2, batch_tokens=40)
        b = helped.encode(texts[:2])
        assert not helped.loaded  # the model never loaded in this process
        helped.close_helper()
        assert not helped._helper.alive
        c = helped.encode(texts[:2])  # after the helper: in this process
        assert helped.loaded
        np.savez({str(out)!r}, a=a, b=b, c=c)
        """
    )
    got = np.load(out)
    local = get_encoder()
    np.testing.assert_array_equal(got["a"], local.encode(TEXTS, batch_size=2, batch_tokens=40))
    np.testing.assert_array_equal(got["b"], local.encode(TEXTS[:2]))
    np.testing.assert_array_equal(got["c"], got["b"])
    assert got["a"].shape == (5, 384) and got["a"].dtype == np.float32


@pytest.mark.slow
def test_a_helper_that_dies_is_replaced_by_a_local_load() -> None:
    run_fresh(
        """
        import os, signal
        import numpy as np
        from newsprism.features.embed import SentenceEncoder
        helped = SentenceEncoder()
        helped.preload(helper_process=True)
        first = helped.encode(["The bridge reopened on Friday."])
        pid = helped._helper._pid
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        np.testing.assert_array_equal(helped.encode(["The bridge reopened on Friday."]), first)
        assert helped.loaded and not helped._helper.alive
        """
    )


def test_a_helper_that_cannot_load_falls_back_to_the_usual_error(tmp_path: Path) -> None:
    code = f"""
        import pytest
        from pathlib import Path
        from newsprism.features.embed import EncoderError, SentenceEncoder
        broken = SentenceEncoder(model_path=Path({str(tmp_path / "absent.onnx")!r}))
        broken.preload(helper_process=True)  # no exception here
        assert broken._helper is not None
        with pytest.raises(EncoderError, match=r"absent\\.onnx"):
            broken.encode(["x"])
        assert not broken._helper.alive
        """
    run_fresh(code)


def test_a_process_running_threads_loads_in_a_thread_instead() -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        encoder = SentenceEncoder()
        encoder.preload(helper_process=True)
        assert encoder._helper is None  # forking beside another thread is not safe
        vectors = encoder.encode(TEXTS[:1])
        assert encoder.loaded
    finally:
        release.set()
        other.join()
    np.testing.assert_array_equal(vectors, get_encoder().encode(TEXTS[:1]))


@pytest.mark.slow
def test_compare_command_encodes_in_a_helper_and_leaves_no_process_behind() -> None:
    """``newsprism compare`` in a fresh interpreter: onnxruntime is never imported in it, and
    its helper has exited when it returns."""
    err = run_fresh(
        f"""
        import atexit, sys
        from newsprism.features.embed import get_encoder
        def check():
            helper = get_encoder()._helper
            assert helper is not None and not helper.alive
            assert "onnxruntime" not in sys.modules
            print("checked", file=sys.stderr)
        sys.argv = ["newsprism", "compare", {str(SEED_A)!r}, {str(SEED_B)!r}]
        from newsprism.cli import main
        atexit.register(check)  # runs after the helper is closed (atexit is last-in first-out)
        main()
        """
    ).stderr
    assert "checked" in err


@pytest.mark.slow
def test_a_process_forked_after_encoding_encodes_alone() -> None:
    """The stream threads and the helper belong to the process that started them: a process
    forked later (a test harness, a server forking per request) starts its own threads instead
    of waiting for ever on the inherited pool, and neither uses nor stops the parent's helper."""
    run_fresh(
        f"""
        import os, signal
        import numpy as np
        from newsprism.features.embed import SentenceEncoder
        texts = {TEXTS!r} * 8  # several batches: streams on the pool's threads
        helped = SentenceEncoder(threads=2)
        helped.preload(helper_process=True)  # forked while this process has one thread
        assert helped._helper is not None
        helped.encode(texts[:2])
        local = SentenceEncoder(threads=2)
        expected = local.encode(texts, batch_tokens=40)  # the pool's threads start here
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                signal.alarm(60)  # a hang fails the test instead of blocking it
                same = np.array_equal(local.encode(texts, batch_tokens=40), expected)
                mine = helped.encode(texts[:2])
                helped.close_helper()  # not this process's helper: left running
                code = 0 if same and helped.loaded and mine.shape == (2, 384) else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0, status
        assert helped._helper.alive  # the child did not stop it
        assert not helped.loaded  # this process still encodes through its helper
        assert np.array_equal(helped.encode(texts[:2]), expected[:2])
        helped.close_helper()
        """
    )


@pytest.mark.slow
def test_a_process_forked_while_a_thread_holds_the_encoders_locks_does_not_hang() -> None:
    """Forked while another thread is inside the helper's ``encode`` (holding its lock) and the
    encoder loads in a preload thread (holding the encoder's): the child encodes by itself."""
    run_fresh(
        f"""
        import os, signal, threading, time
        import numpy as np
        from newsprism.features.embed import SentenceEncoder
        texts = {TEXTS!r} * 80
        helped = SentenceEncoder(threads=2)
        helped.preload(helper_process=True)
        busy = threading.Thread(target=lambda: helped.encode(texts))
        busy.start()
        time.sleep(0.2)
        assert helped._helper._lock.locked()
        loading = SentenceEncoder(threads=2)
        loading._lock.acquire()  # as a preload thread does for the whole load
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                signal.alarm(60)
                a = helped.encode(texts[:2])
                helped.close_helper()
                b = loading.encode(texts[:2])
                code = 0 if np.array_equal(a, b) else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        loading._lock.release()
        busy.join()
        assert os.waitstatus_to_exitcode(status) == 0, status
        helped.close_helper()
        """
    )
