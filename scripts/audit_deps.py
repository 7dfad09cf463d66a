"""Audit the pinned dependencies (requirements.lock, requirements-dev.lock) with pip-audit.

Tries the PyPI vulnerability service, then OSV. Exit status:

* 1 when a pinned version has a known vulnerability that ``.pip-audit-ignore`` does not list
  (each finding is printed with the versions that fix it);
* 0 when nothing is found, and also when no service could be reached or none could audit a
  single package (an offline machine, a registry mirror without the per-version JSON): then
  one line says that the audit could not run, and why.

``.pip-audit-ignore``: one vulnerability id a line, each with its reason after ``#``
(``PYSEC-2024-1  # only in the X parser, which newsprism never calls``); an id without a
reason is an error.
"""

from __future__ import annotations

import json
import subprocess
import sys
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


def main() -> int:
    ignore = ignored_ids()
    findings: list[str] = []
    skipped: set[str] = set()
    reasons: dict[str, str] = {}
    used: set[str] = set()
    not_run: list[str] = []
    for lock in LOCKS:
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
        print(
            f"dependency audit could not run for {' and '.join(not_run)}: no vulnerability "
            f"service usable ({why})"
        )
    for line in findings:
        print(line)
    if used and skipped:
        print(f"not audited (unknown to the service): {', '.join(sorted(skipped))}")
    if used and not findings:
        print(f"dependency audit ({', '.join(sorted(used))}): no known vulnerabilities")
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
