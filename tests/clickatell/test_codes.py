"""The code tables: complete against the protocol file, plain words, safe ordering."""

import pickle

import pytest

from reminder_app.clickatell import (
    ClickatellError,
    GatewayUnavailable,
    ProtocolError,
    codes,
    connect_error_meaning,
    is_later_status,
    messaging_error_meaning,
    status_info,
    status_meaning,
)

# Copied from /work/shared/clickatell-api.md (sections 1 and 2).
PROTOCOL_CONNECT_ERRORS = {
    "001", "002", "003", "004", "005", "006", "007", "008", "009", "100", "101", "102", "103",
    "104", "105", "106", "107", "108", "109", "400", "401", "402", "403", "404", "405", "406",
    "407", "408", "409", "410", "411", "412", "413", "414", "415", "416", "417", "418", "419",
    "420", "421", "422", "423", "424", "425", "426", "427", "428", "429", "430", "431", "432",
    "433", "434", "435", "436", "437", "438", "439", "440", "999",
}
PROTOCOL_MESSAGING_ERRORS = {
    "001", "002", "003", "004", "005", "007", "101", "102", "103", "104", "105", "106", "107",
    "108", "109", "113", "114", "115", "116", "120", "121", "122", "123", "128", "130", "301",
    "302", "901",
}
PROTOCOL_STATUSES = {
    "001", "002", "003", "004", "005", "006", "007", "008", "009", "010", "011", "012", "014",
}


def test_every_connect_code_of_the_protocol_file_has_a_meaning():
    assert set(codes.CONNECT_ERRORS) == PROTOCOL_CONNECT_ERRORS


def test_every_messaging_error_and_status_of_the_protocol_file_is_known():
    assert set(codes.MESSAGING_ERRORS) == PROTOCOL_MESSAGING_ERRORS
    assert set(codes.MESSAGE_STATUSES) == PROTOCOL_STATUSES


def test_every_messaging_error_is_either_permanent_or_transient():
    assert codes.PERMANENT_MESSAGING_ERRORS.isdisjoint(codes.TRANSIENT_MESSAGING_ERRORS)
    classified = codes.PERMANENT_MESSAGING_ERRORS | codes.TRANSIENT_MESSAGING_ERRORS
    assert set(codes.MESSAGING_ERRORS) == classified


@pytest.mark.parametrize("code", ["105", "121", "122", "128", "301", "004", "001", "002",
                                  "123", "107", "113", "116"])
def test_errors_a_retry_cannot_fix_are_permanent(code):
    assert codes.messaging_error_is_permanent(code)


@pytest.mark.parametrize("code", ["901", "130", "003", "005"])
def test_errors_that_pass_are_transient(code):
    assert not codes.messaging_error_is_permanent(code)


def test_meanings_are_plain_words_for_a_practice_manager():
    assert connect_error_meaning(439) == (
        "That username is already taken at Clickatell. Choose another.")
    assert connect_error_meaning("4").startswith("Too many failed sign-ins")
    assert "credits" in messaging_error_meaning("301")
    for meaning in [*codes.CONNECT_ERRORS.values(), *codes.MESSAGING_ERRORS.values()]:
        assert meaning.endswith(".") and meaning[0].isupper()
        assert "_id" not in meaning and "HTTP API" not in meaning


def test_unknown_codes_get_a_sentence_not_an_exception():
    assert "777" in connect_error_meaning("777")
    assert "777" in messaging_error_meaning(777)
    assert "xyz" in connect_error_meaning("xyz")
    assert status_info("099").final is False


def test_register_errors_point_at_their_form_fields():
    expected = {"439": "user", "431": "user", "432": "password", "416": "email_address",
                "105": "email_address", "417": "mobile_number", "100": "mobile_number",
                "433": "fname", "434": "sname", "406": "country_id", "409": "accept_terms",
                "410": "accept_terms", "400": "captcha_code", "401": "captcha_code",
                "402": "captcha_code", "403": "captcha_code"}

    assert {code: codes.REGISTER_FIELD_FOR_ERROR[code] for code in expected} == expected


@pytest.mark.parametrize("code, state, final", [
    ("002", "queued", False), ("003", "sent", False), ("004", "delivered", True),
    ("005", "failed", True), ("006", "cancelled", True), ("007", "failed", True),
    ("010", "expired", True), ("011", "queued", False), ("012", "failed", True),
])
def test_statuses_map_to_a_coarse_state(code, state, final):
    info = status_info(code)

    assert (info.state, info.final) == (state, final)
    assert info.state in codes.STATES
    assert status_meaning(code) == info.meaning


def test_a_late_report_never_moves_a_message_backwards():
    assert is_later_status(None, "002")
    assert is_later_status("002", "003")
    assert is_later_status("003", "004")
    assert not is_later_status("004", "003")  # a delayed intermediate report
    assert not is_later_status("004", "007")  # a final status is never replaced
    assert not is_later_status("003", "003")  # a repeated report changes nothing


def test_every_final_status_ranks_above_every_other():
    finals = [i for i in codes.MESSAGE_STATUSES.values() if i.final]
    others = [i for i in codes.MESSAGE_STATUSES.values() if not i.final]

    assert min(i.rank for i in finals) > max(i.rank for i in others)


def test_small_business_is_the_default_account_and_says_why():
    default = codes.ACCOUNT_TYPES[codes.DEFAULT_ACCOUNT_TYPE]

    assert default.name == "US Only Account (Small Business)"
    assert "long number" in default.description
    assert sorted(codes.ACCOUNT_TYPES) == [1, 2, 3, 4, 6, 7, 9]


def test_callback_levels_push_the_statuses_the_protocol_file_lists():
    assert codes.CALLBACK_LEVELS[0] == set()
    assert codes.CALLBACK_LEVELS[1] == {"003"}
    assert codes.CALLBACK_LEVELS[2] == {"004", "005", "007", "009", "010", "012"}
    assert codes.CALLBACK_LEVELS[3] == codes.CALLBACK_LEVELS[1] | codes.CALLBACK_LEVELS[2]
    assert "004" not in codes.CALLBACK_LEVELS[4]
    assert codes.CALLBACK_LEVELS[7] >= codes.CALLBACK_LEVELS[3] | codes.CALLBACK_LEVELS[4]


def test_callback_and_connection_types():
    assert codes.CALLBACK_TYPES[0] == "HTTP Get" and codes.CALLBACK_TYPES[1] == "HTTP Post"
    assert codes.CONNECTION_TYPES[2] == "HTTP API"


# ----------------------------------------------------------------------- errors


def test_error_str_gives_action_code_and_meaning():
    error = ClickatellError("That username is already taken at Clickatell. Choose another.",
                            action="register", code="439", field="user")

    assert str(error) == ("Clickatell register error 439: That username is already taken "
                          "at Clickatell. Choose another.")


def test_error_values_never_keep_a_password():
    error = ClickatellError("x", code="999", values={"Email": "a@b.example",
                                                     "password": "s3cretpw"})

    assert error.values == {"Email": "a@b.example"}


def test_gateway_unavailable_is_retryable_and_has_no_code():
    error = GatewayUnavailable(action="sendmsg", maybe_processed=True, reason="ReadTimeout")

    assert isinstance(error, ClickatellError)
    assert (error.code, error.retryable, error.maybe_processed) == (None, True, True)
    assert "ReadTimeout" in str(error)


def test_errors_survive_pickling_for_logging_handlers_and_workers():
    for error in (ClickatellError("m", action="register", code="439", field="user"),
                  GatewayUnavailable(action="sendmsg", maybe_processed=True),
                  ProtocolError("bad root", action="register")):
        copy = pickle.loads(pickle.dumps(error))

        assert type(copy) is type(error) and vars(copy) == vars(error)
        assert str(copy) == str(error)
