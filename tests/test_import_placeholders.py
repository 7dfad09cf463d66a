"""Importing a dependency without the heavy modules it imports for rare calls."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsprism.importing import import_with_placeholders


@pytest.fixture
def packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Real modules on disk: ``light`` imports ``heavy.download`` at the top and calls it only
    in ``fetch``; ``greedy`` reads a constant of ``heavy`` while it is imported."""
    (tmp_path / "heavy.py").write_text(
        textwrap.dedent(
            """
            LOADED = True
            SIZE = 3
            def download(url):
                return f"got {url}"
            """
        ),
        encoding="utf-8",
    )
    (tmp_path / "light.py").write_text(
        "from heavy import download\ndef fetch(url):\n    return download(url)\n",
        encoding="utf-8",
    )
    (tmp_path / "greedy.py").write_text(
        "from heavy import SIZE, download\nDOUBLE = 2 * SIZE\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    names = ("heavy", "light", "greedy")
    yield tmp_path
    for name in names:
        sys.modules.pop(name, None)


def test_the_skipped_module_is_imported_only_when_called(packages: Path) -> None:
    light = import_with_placeholders("light", {"heavy": ("download",)})
    assert "heavy" not in sys.modules
    assert light.fetch("x") == "got x"
    assert sys.modules["heavy"].LOADED is True
    import heavy  # the real module, not the placeholder

    assert heavy.SIZE == 3


def test_a_module_that_needs_more_is_imported_the_ordinary_way(packages: Path) -> None:
    greedy = import_with_placeholders("greedy", {"heavy": ("download",)})
    assert greedy.DOUBLE == 6
    assert greedy.download("y") == "got y"
    assert sys.modules["heavy"].SIZE == 3


def test_nothing_is_skipped_when_the_module_is_already_there(packages: Path) -> None:
    import heavy

    light = import_with_placeholders("light", {"heavy": ("download",)})
    assert light.download is heavy.download


@pytest.mark.slow
def test_spacy_and_the_language_detector_load_without_their_command_line_and_downloader() -> None:
    """In a fresh interpreter: the spaCy pipeline and the language detector work, neither
    spaCy's command-line package nor requests is imported, and both still import on demand."""
    code = textwrap.dedent(
        """
        import sys
        from newsprism.analyze.nlp import get_nlp
        from newsprism.clean.language import detect_language
        doc = get_nlp()("The minister said on Monday that talks would resume in Paris.")
        assert [t.pos_ for t in doc][:3] == ["DET", "NOUN", "VERB"], [t.pos_ for t in doc]
        assert any(e.label_ == "GPE" for e in doc.ents)
        assert detect_language("This is plainly an English sentence about the weather.")[0] == "en"
        skipped = sorted(m for m in ("spacy.cli", "requests", "robust_downloader") if m in sys.modules)
        assert not skipped, skipped
        import spacy, spacy.cli
        assert callable(spacy.cli.download)
        assert "spacy_version" in spacy.info()
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
