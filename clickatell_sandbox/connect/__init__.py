"""The Connect API (XML): `POST /connect/<TOKEN>` with the request document in form field `XML`."""

from .views import bp

__all__ = ["bp"]
