"""The dependency audit's latest-release fallback (``scripts/audit_deps.py``), against a real
local HTTP server that answers like an index's JSON API."""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import ROOT

PROJECTS: dict[str, dict[str, Any]] = {
    "leaky": {
        "info": {"version": "2.0.0"},
        "vulnerabilities": [
            {"id": "PYSEC-2099-1", "aliases": ["CVE-2099-0001"], "fixed_in": ["2.0.1"]},
            {"id": "GHSA-xxxx-old", "aliases": [], "fixed_in": [], "withdrawn": "2099-01-01"},
        ],
    },
    "quiet": {"info": {"version": "1.4"}, "vulnerabilities": []},
    "behind": {
        "info": {"version": "9.0"},
        "vulnerabilities": [{"id": "PYSEC-2099-2", "aliases": [], "fixed_in": ["9.1"]}],
    },
}


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_deps", ROOT / "scripts" / "audit_deps.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def audit() -> ModuleType:
    return _load_script()


@pytest.fixture(scope="module")
def index_url() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = self.path.strip("/").split("/")
            data = PROJECTS.get(parts[-2]) if len(parts) >= 2 and parts[-1] == "json" else None
            body = json.dumps(data).encode() if data else b"not found"
            self.send_response(200 if data else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/pypi"
    finally:
        server.shutdown()


def test_a_pin_at_the_latest_release_is_audited(audit: ModuleType, index_url: str) -> None:
    pinned = {"leaky": "2.0.0", "quiet": "1.4", "behind": "8.0", "missing": "1.0"}
    result = audit.audit_latest_releases(pinned, [], index_url)
    assert sorted(result.audited) == ["leaky", "quiet"]
    # the withdrawn advisory is not a finding; the other one is, with its fix
    assert result.findings == ["leaky 2.0.0: PYSEC-2099-1 (fixed in 2.0.1)"]
    # the latest release's advisories say nothing about an older pin
    assert result.not_auditable == ["behind 8.0 (latest 9.0)"]
    assert len(result.errors) == 1 and result.errors[0].startswith("missing (HTTPError")


def test_an_ignored_advisory_matches_by_alias(audit: ModuleType, index_url: str) -> None:
    result = audit.audit_latest_releases({"leaky": "2.0.0"}, ["CVE-2099-0001"], index_url)
    assert result.audited == ["leaky"] and result.findings == []


def test_an_unreachable_index_is_reported_not_passed(audit: ModuleType) -> None:
    result = audit.audit_latest_releases({"quiet": "1.4"}, [], "http://127.0.0.1:9/pypi")
    assert result.audited == [] and result.findings == []
    assert result.errors and result.errors[0].startswith("quiet (URLError")


def test_main_fails_on_a_finding(
    audit: ModuleType,
    index_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "requirements.lock").write_text("leaky==2.0.0 \\\n    --hash=sha256:00\n")
    (tmp_path / "requirements-dev.lock").write_text("quiet[extra]==1.4 ; python_version>'3'\n")
    monkeypatch.setattr(audit, "ROOT", tmp_path)
    monkeypatch.setattr(audit, "ignored_ids", lambda: [])
    assert audit.main(["--no-pip-audit", "--json-url", index_url]) == 1
    out = capsys.readouterr().out
    assert "2 of 2 pins audited, 1 with known vulnerabilities" in out
    assert "leaky 2.0.0: PYSEC-2099-1 (fixed in 2.0.1)" in out
    (tmp_path / "requirements.lock").write_text("quiet==1.4\n")
    assert audit.main(["--no-pip-audit", "--json-url", index_url]) == 0


def test_the_lock_files_parse_completely(audit: ModuleType) -> None:
    for lock in ("requirements.lock", "requirements-dev.lock"):
        path = ROOT / lock
        lines = [
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if "==" in line and not line.lstrip().startswith("#")
        ]
        assert len(audit.pins(path)) == len(lines) > 10
