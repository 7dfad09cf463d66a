"""newsprism: one news story through every outlet that reported it."""

from __future__ import annotations

__version__ = "0.1.0"
