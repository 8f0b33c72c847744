"""Fuzz every staff page's query arguments (hypothesis): signed in, each GET page of the
staff app is asked with hostile values in every argument any page reads (dates out of
range, pages past any database integer, ids, encodings, injections): first each known
hostile value everywhere, then random mixtures. No answer is a 500
(issue #20, finding 12: `?date=9999-12-31`, `?start=0001-01-01` and huge pages were).

FUZZ_EXAMPLES (default 100) sets the number of requests; `make fuzz` runs more.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.conftest import staff_rules, url_for_rule

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
SOURCE = Path(__file__).resolve().parents[2] / "reminder_app"
#: Every query argument a staff page reads (checked against the code below).
ARGUMENTS = ["date", "start", "page", "provider", "patient", "q", "next", "number", "status",
             "idle", "state", "from", "to", "kind", "person", "moving", "view", "show",
             "location", "appointment_type"]
READS = re.compile(r"""(?:request\.args\.get|calendar_day|page_number)\(\s*["'](\w+)["']""")

HOSTILE = ["9999-12-31", "0001-01-01", "10000-01-01", "2026-02-30", "1e20", "-1", "0",
           "99999999999999999999", "-99999999999999999999", "9" * 400, "NaN", "inf", "",
           " ", "%00", "\x00", "\ufffd", "\ud7ff", "\U0001f600", "' OR 1=1 --",
           "<script>alert(1)</script>", "//evil.example", "/\t/evil.example", "/\r\nX: y",
           "../../etc/passwd", "{{7*7}}", "A" * 5000]
values = (st.sampled_from(HOSTILE) | st.text(max_size=30)
          | st.integers().map(str) | st.dates().map(lambda d: d.isoformat()))


def test_the_fuzzed_arguments_are_all_that_pages_read():
    read = {name for path in SOURCE.rglob("*.py") if "api" not in path.parts
            for name in READS.findall(path.read_text())}
    assert read <= set(ARGUMENTS), f"add to ARGUMENTS: {read - set(ARGUMENTS)}"


@pytest.mark.parametrize("value", HOSTILE, ids=lambda value: repr(value)[:24])
def test_no_staff_page_fails_on_a_hostile_value_in_every_argument(app, signed_in, records,
                                                                  value):
    """Each known hostile value, in every argument at once, on every page."""
    for rule in staff_rules(app, "GET"):
        url = f"{url_for_rule(rule, records)}?{urlencode(dict.fromkeys(ARGUMENTS, value))}"
        response = signed_in.get(url)
        assert response.status_code < 500, url


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_staff_page_fails_on_hostile_query_arguments(app, signed_in, records, data):
    rules = list(staff_rules(app, "GET"))
    rule = data.draw(st.sampled_from(rules), label="page")
    arguments = data.draw(st.dictionaries(st.sampled_from(ARGUMENTS), values, min_size=1),
                          label="arguments")
    url = f"{url_for_rule(rule, records)}?{urlencode(arguments)}"
    response = signed_in.get(url)
    assert response.status_code < 500, url
