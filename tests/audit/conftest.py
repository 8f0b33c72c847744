"""A practice with a two-way number and a patient who texts it (tests/inbound's world)."""

from tests.inbound.conftest import account, patient, practice, texts  # noqa: F401
