from .base import BACKENDS, Backend, BackendFactory, Draft, available, check_name, create, register

__all__ = ["BACKENDS", "Backend", "BackendFactory", "Draft", "available", "check_name", "create", "register"]
