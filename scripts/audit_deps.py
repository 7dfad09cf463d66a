"""Audit the pinned dependencies (requirements.lock, requirements-dev.lock) for known
vulnerabilities.

First with pip-audit (the PyPI vulnerability service, then OSV). Where neither can audit a
lock file (an offline machine, or a registry mirror that serves no per-version JSON, as on
the project's build machines), the pins are checked against the registry's project JSON:
its ``vulnerabilities`` list belongs to the project's latest release, so every pin that *is*
the latest release is audited with real advisory data, and the others are listed as not
auditable here. Exit status:

* 1 when a pinned version has a known vulnerability that ``.pip-audit-ignore`` does not list
  (each finding is printed with the versions that fix it);
* 0 otherwise; one line says what was audited, by which source, and what could not be.

``.pip-audit-ignore``: one vulnerability id a line, each with its reason after ``#``
(``PYSEC-2024-1  # only in the X parser, which newsprism never calls``); an id without a
reason is an error. An id matches a finding by its id or any of its aliases.

``--json-url URL`` points the fallback at another index's JSON API (the tests use a local
server); by default it is pip's own PyPI JSON URL.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LOCKS = ("requirements.lock", "requirements-dev.lock")
SERVICES = ("pypi", "osv")
IGNORE_FILE = ROOT / ".pip-audit-ignore"


def ignored_ids(path: Path = IGNORE_FILE) -> list[str]:
    ids: list[str] = []
    if not path.exists():
        return ids
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        vuln, _, reason = line.partition("#")
        if not reason.strip():
            raise SystemExit(f"{path.name} line {number}: {vuln.strip()} needs a reason after '#'")
        ids.append(vuln.strip())
    return ids


def audit(lock: str, service: str, ignore: list[str]) -> tuple[dict[str, Any] | None, str]:
    """pip-audit's JSON report for one lock file, or None and why it could not be had."""
    pip_audit = Path(sys.executable).with_name("pip-audit")
    command = [
        str(pip_audit),
        "--requirement",
        str(ROOT / lock),
        "--no-deps",
        "--disable-pip",
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--timeout",
        "15",
        "--vulnerability-service",
        service,
    ]
    for vuln in ignore:
        command += ["--ignore-vuln", vuln]
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"{type(exc).__name__}"
    try:
        report: dict[str, Any] = json.loads(proc.stdout)
    except json.JSONDecodeError:
        if "NameResolutionError" in proc.stderr or "Failed to resolve" in proc.stderr:
            return None, "its host cannot be resolved (no network?)"
        if "ConnectionError" in proc.stderr or "Timeout" in proc.stderr:
            return None, "it cannot be reached"
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return None, last[:160]
    audited = [d for d in report.get("dependencies", []) if "skip_reason" not in d]
    if not audited:
        return None, "it knows none of the pinned versions"
    return report, ""


_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def pins(lock: Path) -> dict[str, str]:
    """``name → version`` of every ``name==version`` line (extras, markers, hashes dropped;
    names normalised as PEP 503 does)."""
    found: dict[str, str] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line.strip())
        if match:
            found[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return found


def default_json_url() -> str:
    """pip's own PyPI JSON API root (so that no host is spelled out here)."""
    from pip._internal.models.index import PyPI

    return str(PyPI.pypi_url)


@dataclass
class LatestReleaseAudit:
    """What the latest-release check found."""

    audited: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    not_auditable: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _project(json_url: str, name: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{json_url.rstrip('/')}/{name}/json", timeout=15) as response:
        data: dict[str, Any] = json.load(response)
    return data


def audit_latest_releases(
    pinned: dict[str, str], ignore: Iterable[str], json_url: str
) -> LatestReleaseAudit:
    """Check each pin against its project's latest-release vulnerabilities."""
    ignored = set(ignore)
    result = LatestReleaseAudit()

    def fetch(name: str) -> tuple[str, dict[str, Any] | None, str]:
        try:
            return name, _project(json_url, name), ""
        except (OSError, ValueError) as exc:  # URLError, HTTPError, timeouts, bad JSON
            return name, None, f"{type(exc).__name__}: {exc}"[:120]

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(fetch, sorted(pinned)))
    for name, data, error in answers:
        version = pinned[name]
        if data is None:
            result.errors.append(f"{name} ({error})")
            continue
        latest = str(data.get("info", {}).get("version", ""))
        if latest != version:
            result.not_auditable.append(f"{name} {version} (latest {latest or 'unknown'})")
            continue
        result.audited.append(name)
        for vuln in data.get("vulnerabilities") or []:
            ids = {str(vuln.get("id")), *map(str, vuln.get("aliases") or [])}
            if vuln.get("withdrawn") or ids & ignored:
                continue
            fixes = ", ".join(vuln.get("fixed_in") or []) or "no fixed version"
            result.findings.append(f"{name} {version}: {vuln.get('id')} (fixed in {fixes})")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json-url", default=None, help="index JSON API root (fallback)")
    parser.add_argument(
        "--no-pip-audit", action="store_true", help="skip pip-audit, use the fallback only"
    )
    args = parser.parse_args(argv)
    ignore = ignored_ids()
    findings: list[str] = []
    skipped: set[str] = set()
    reasons: dict[str, str] = {}
    used: set[str] = set()
    not_run: list[str] = []
    for lock in LOCKS:
        if args.no_pip_audit:
            not_run.append(lock)
            continue
        for service in SERVICES:
            report, why = audit(lock, service, ignore)
            if report is None:
                reasons[service] = why
                continue
            used.add(service)
            for dep in report["dependencies"]:
                if "skip_reason" in dep:
                    skipped.add(dep["name"])
                for vuln in dep.get("vulns", []):
                    fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version"
                    findings.append(
                        f"{lock}: {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})"
                    )
            break
        else:
            not_run.append(lock)
    if not_run:
        why = "; ".join(f"{service}: {reason}" for service, reason in reasons.items())
        pinned: dict[str, str] = {}
        for lock in not_run:
            pinned.update(pins(ROOT / lock))
        latest = audit_latest_releases(pinned, ignore, args.json_url or default_json_url())
        source = "the registry's latest-release vulnerability data"
        if why:
            source += f"; pip-audit could not ({why})"
        if not latest.audited:
            print(
                f"dependency audit could not run for {' and '.join(not_run)}: no vulnerability "
                f"data reachable ({why or 'pip-audit skipped'}; "
                f"{len(latest.errors)} project lookups failed)"
            )
        else:
            print(
                f"dependency audit of {' and '.join(not_run)} ({source}): "
                f"{len(latest.audited)} of {len(pinned)} pins audited, "
                f"{len(latest.findings)} with known vulnerabilities"
            )
            if latest.not_auditable:
                print(
                    f"not auditable here (pinned below the latest release): "
                    f"{', '.join(latest.not_auditable)}"
                )
            if latest.errors:
                print(f"lookups failed: {', '.join(latest.errors)}")
        findings.extend(latest.findings)
    for line in findings:
        print(line)
    if used and skipped:
        print(f"not audited (unknown to the service): {', '.join(sorted(skipped))}")
    if used and not findings:
        print(f"dependency audit ({', '.join(sorted(used))}): no known vulnerabilities")
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
