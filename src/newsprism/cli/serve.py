"""``newsprism serve``: the web UI and JSON API of a store."""

from __future__ import annotations

import errno
import ipaddress
import socket

import click

from newsprism.cli import Context, db_option, fail
from newsprism.errors import NewsprismError


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or ``localhost``."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port`` (None: it can). Binds and closes a
    socket as uvicorn will (``SO_REUSEADDR``, IPv6 when the host has a colon)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    shown = f"[{host}]" if ":" in host else host
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host.strip("[]"), port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            return f"{shown}:{port} is already in use"
        reason = (exc.strerror or str(exc)).lower()
        return f"cannot listen on {shown}:{port} ({reason})"
    return None


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port to listen on.",
)
@click.option(
    "--token",
    default=None,
    help="Access token every request must carry (needed to listen beyond loopback).",
)
@click.option(
    "--no-precompute", is_flag=True, help="Do not compare the stored stories in the background."
)
@click.pass_obj
def serve_command(
    obj: Context, db: str | None, host: str, port: int, token: str | None, no_precompute: bool
) -> None:
    """Serve the web UI and JSON API of the store (pages at /, API under /api/)."""
    if not is_loopback(host) and not token:
        fail(f"--host {host}: listening beyond this machine needs --token")
    try:
        settings = obj.settings(db=db)
        from newsprism.web import create_app

        allowed = None if token else ["127.0.0.1", "localhost", "[::1]", "::1"]
        app = create_app(
            settings.db, token, settings, allowed_hosts=allowed, precompute=not no_precompute
        )
    except NewsprismError as exc:
        fail(str(exc))
        raise  # unreachable: fail() exits
    problem = bind_problem(host, port)
    if problem:
        fail(problem)
    import uvicorn

    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    click.echo(f"serving {settings.db} on {address} (Ctrl-C stops)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
