"""The security suite's signed-in practice with one record of each kind, for the page
fuzzer (tests/fuzz/test_staff_pages.py)."""

from tests.security.conftest import owner, records, signed_in  # noqa: F401  (fixtures)
