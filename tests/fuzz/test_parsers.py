"""Property-based fuzzing (hypothesis) of what reads untrusted text: the reply parser, the
reminder-template renderer, and the callback parsers. Whatever arrives, they answer with a
meaning or their own documented error, never a crash.

FUZZ_EXAMPLES (default 300) sets the number of examples per property; `make fuzz` runs more.
"""

import contextlib
import os
import string
from datetime import UTC, datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, available_timezones

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reminder_app.clickatell import CallbackError, parse_delivery_report, parse_inbound
from reminder_app.inbound.understanding import (
    Intent,
    Reading,
    interpret,
    mentions_opt_out,
    normalise,
)
from reminder_app.models import Language
from reminder_app.reminders.templates import (
    PLACEHOLDERS,
    Details,
    TemplateError,
    check,
    preview,
    render,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
fuzz = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

#: Text as phones send it: any Unicode, emoji, control characters, very long.
texts = st.text(max_size=2000) | st.text(alphabet=string.printable, max_size=50)
languages = st.sampled_from([None, "en", "es", "fr", "", "EN", "zz"])
intents = st.sampled_from(list(Intent))
placeholder = st.sampled_from(sorted(PLACEHOLDERS)).map(lambda name: "{" + name + "}")
template_bodies = st.lists(st.text(max_size=30) | placeholder, max_size=12).map("".join)
zones = st.sampled_from(sorted(available_timezones()))
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                       timezones=st.just(UTC))


@fuzz
@given(text=texts, language=languages, extra=st.dictionaries(st.text(max_size=10), intents))
def test_any_reply_is_read_as_some_intent_without_crashing(text, language, extra):
    reading = interpret(text, language, {normalise(k): v for k, v in extra.items()})
    assert isinstance(reading, Reading) and isinstance(reading.intent, Intent)
    assert reading.word == normalise(text)
    assert isinstance(mentions_opt_out(text), bool)


@fuzz
@given(word=st.sampled_from(["C", "c", "X", "R", "STOP", "HELP", "Sí", "YES"]),
       before=st.text(alphabet=" \t\n.!?¡¿,;:-", max_size=5),
       after=st.text(alphabet=" \t\n.!?¡¿,;:-", max_size=5))
def test_spaces_and_punctuation_around_a_word_never_change_its_meaning(word, before, after):
    assert interpret(before + word + after).intent is interpret(word).intent


@fuzz
@given(body=template_bodies | st.text(max_size=300))
def test_a_template_is_either_usable_or_a_template_error(body):
    try:
        check(body)
    except TemplateError as error:
        assert str(error)


@fuzz
@given(body=template_bodies, names=st.lists(st.text(max_size=80), min_size=5, max_size=5),
       starts_at=moments, zone=zones, language=st.sampled_from(list(Language)))
def test_a_usable_template_renders_with_any_names_and_any_time(body, names, starts_at, zone,
                                                              language):
    try:
        check(body)
    except TemplateError:
        return
    details = Details(*names, starts_at=starts_at, zone=ZoneInfo(zone), language=language)
    text = render(body, details)
    for name in PLACEHOLDERS:
        if "{" + name + "}" in body:
            assert "{" + name + "}" not in text or any("{" + name + "}" in n for n in names)
    shown = preview(body, details)
    assert shown.text == text and shown.parts >= (1 if text else 0)
    assert shown.encoding in ("GSM-7", "UCS-2")


def _form(fields: dict) -> bytes:
    return urlencode(fields).encode()


inbound_fields = st.fixed_dictionaries({}, optional={
    "api_id": st.text(max_size=25), "moMsgId": st.text(max_size=40),
    "from": st.text(max_size=20), "to": st.text(max_size=20),
    "timestamp": st.text(max_size=25) | st.just("2015-02-04 09:30:36"),
    "text": st.text(max_size=400), "charset": st.sampled_from(
        ["ISO-8859-1", "UTF-16BE", "UTF-8", "", "x-nope"]) | st.text(max_size=12),
    "udh": st.text(max_size=20), "network": st.text(max_size=80)})


@fuzz
@given(fields=inbound_fields, raw=st.binary(max_size=300) | st.none())
def test_any_inbound_callback_parses_or_is_a_callback_error(fields, raw):
    for body in (raw, _form(fields)):
        with contextlib.suppress(CallbackError):
            parse_inbound(fields, body)


@fuzz
@given(fields=st.fixed_dictionaries({}, optional={
    name: st.text(max_size=40) for name in
    ("api_id", "apiMsgId", "cliMsgId", "timestamp", "to", "from", "status", "charge")}))
def test_any_delivery_report_parses_or_is_a_callback_error(fields):
    with contextlib.suppress(CallbackError):
        parse_delivery_report(fields)
