from .base import Backend, Draft, available, check_name, create, register

__all__ = ["Backend", "Draft", "available", "check_name", "create", "register"]
