"""The messaging HTTP API: `/http/<command>`, GET or POST, plain-text answers."""

from .views import bp

__all__ = ["bp"]
