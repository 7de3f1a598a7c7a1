from .base import Backend, Draft, available, create, register

__all__ = ["Backend", "Draft", "available", "create", "register"]
