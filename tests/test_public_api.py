"""The public surface: every exported name resolves; the CLI documents every command."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

import newsprism
from newsprism.cli import main
from tests.conftest import ROOT, SEED_A, SEED_B


def test_every_public_name_resolves() -> None:
    for name in newsprism.__all__:
        assert getattr(newsprism, name) is not None


def test_python_api_compares_two_files() -> None:
    articles = [a for a in newsprism.read_articles([str(SEED_A), str(SEED_B)])]
    assert all(isinstance(a, newsprism.Article) for a in articles)
    comparison = newsprism.compare_articles(articles)  # type: ignore[arg-type]
    data = newsprism.comparison_to_dict(comparison)
    assert {"articles", "facts", "differences", "brief", "timeline"} <= set(data)


def test_import_is_cheap() -> None:
    code = (
        "import sys, newsprism, newsprism.cli;"
        "heavy = [m for m in ('spacy', 'onnxruntime', 'trafilatura', 'numpy') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in main.commands:
        assert f"newsprism {name}" in readme, f"command {name!r} is not documented in README.md"
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
