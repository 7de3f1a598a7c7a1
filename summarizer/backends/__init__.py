from .base import Backend, Draft
from .registry import BACKENDS, BackendFactory, available, check_name, create, register

__all__ = ["BACKENDS", "Backend", "BackendFactory", "Draft", "available", "check_name", "create", "register"]
