"""Registers the backends that ship with the package."""

from __future__ import annotations

from .base import register
from .extractive import ExtractiveBackend

register("extractive", lambda settings, options: ExtractiveBackend())
