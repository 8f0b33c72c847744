"""Connect documents: requests are escaped, answers are parsed safely or refused."""

import pytest
from lxml import etree

from reminder_app.clickatell.errors import ProtocolError
from reminder_app.clickatell.xml import build_request, parse_answer

from . import recorded


def test_request_puts_the_action_and_flat_parameters_under_clickatellsdk():
    document = build_request("authenticate_user", {"user": "bob", "password": "secret1"})

    assert document == (
        "<clickatellsdk><action>authenticate_user</action><user>bob</user>"
        "<password>secret1</password></clickatellsdk>"
    )


def test_request_escapes_markup_and_leaves_out_unset_parameters():
    document = build_request("register", {
        "company": "Smith & Jones <Family> Practice", "test_mode": True, "coupon_code": None,
    })

    root = etree.fromstring(document)
    assert root.findtext("company") == "Smith & Jones <Family> Practice"
    assert root.findtext("test_mode") == "1"
    assert root.find("coupon_code") is None
    assert "&amp;" in document and "&lt;Family&gt;" in document


def test_request_refuses_parameter_names_that_would_inject_markup():
    with pytest.raises(ValueError):
        build_request("register", {"user><password": "x"})
    with pytest.raises(ValueError):
        build_request("register><x", {})


def test_request_refuses_control_characters_xml_cannot_carry():
    with pytest.raises(ValueError, match="fname"):
        build_request("register", {"fname": "Ann\x00"})


def test_success_answer_gives_one_dict_per_value_with_lower_case_field_names():
    answer = parse_answer(recorded.COUNTRY_LIST)

    assert answer.ok
    assert answer.action == "get_list_country"
    assert answer.values[0] == {"country_id": "1", "name": "United States"}
    assert len(answer.values) == 3
    assert answer.errors == []
    assert answer.timestamp == 1321452360


def test_field_lookup_ignores_the_case_clickatell_happened_to_use():
    answer = parse_answer(recorded.AUTHENTICATE_USER)

    assert answer.first("UserNumber") == answer.first("usernumber") == "1234567"
    assert answer.first("nothing") is None


def test_empty_values_is_a_success_without_data():
    answer = parse_answer(recorded.REGISTER_OK)

    assert answer.ok and answer.action == "register" and answer.values == []


def test_error_answer_carries_code_description_and_context_value():
    answer = parse_answer(recorded.NOT_EMAIL_ACTIVATED)

    assert not answer.ok
    assert answer.action is None
    assert answer.errors == [("103", "Account not email activated")]
    assert answer.context == {"Email": "manager@practice.example"}


def test_repeated_error_pairs_are_all_kept_in_order():
    answer = parse_answer(recorded.REGISTER_TWO_ERRORS)

    assert answer.errors == [
        ("416", "Invalid or missing email_address"),
        ("417", "Invalid or missing mobile_number"),
    ]


def test_element_names_are_matched_in_any_case():
    answer = parse_answer(
        b"<clickatellsdk><ACTION>get_list_account</ACTION><result>SUCCESS</result>"
        b"<values><value><Account_ID>9</Account_ID></value></values></clickatellsdk>"
    )

    assert answer.ok and answer.values == [{"account_id": "9"}]


def test_error_codes_are_padded_to_three_digits():
    answer = parse_answer(b"<CLICKATELLSDK><Result>Error</Result><Error>4</Error>"
                          b"<Description>x</Description></CLICKATELLSDK>")

    assert answer.errors == [("004", "x")]


XXE_FILE = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<CLICKATELLSDK><Result>Success</Result><Action>&x;</Action></CLICKATELLSDK>")
XXE_NETWORK = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % x SYSTEM '
               b'"http://127.0.0.1:9/evil.dtd"> %x;]>'
               b"<CLICKATELLSDK><Result>Success</Result></CLICKATELLSDK>")
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]><CLICKATELLSDK><Result>Success</Result><Action>&lol9;</Action></CLICKATELLSDK>"
)
# The same attack in UTF-16, which a byte-level search for "<!DOCTYPE" does not see.
XXE_UTF16 = (
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY x SYSTEM '
    '"file:///etc/passwd">]><CLICKATELLSDK><Result>Success</Result><Action>&x;</Action>'
    "</CLICKATELLSDK>"
).encode("utf-16")


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(XXE_FILE, id="xxe-file"),
        pytest.param(XXE_NETWORK, id="xxe-network"),
        pytest.param(BILLION_LAUGHS, id="billion-laughs"),
        pytest.param(XXE_UTF16, id="xxe-utf16"),
        pytest.param(b"<CLICKATELLSDK><Result>Success</Result><Action>&undeclared;</Action>"
                     b"</CLICKATELLSDK>", id="undeclared-entity"),
        pytest.param(recorded.COUNTRY_LIST[:-40], id="truncated"),
        pytest.param(b"<html><body>Bad Gateway</body></html>", id="wrong-root"),
        pytest.param(b"OK: this is a messaging answer", id="not-xml"),
        pytest.param(b"", id="empty"),
        pytest.param(b"<CLICKATELLSDK><Action>x</Action></CLICKATELLSDK>", id="no-result"),
        pytest.param(b"<CLICKATELLSDK><Result>Error</Result></CLICKATELLSDK>",
                     id="error-without-code"),
        pytest.param(b"<CLICKATELLSDK><Result>Error</Result><Error>abc</Error>"
                     b"</CLICKATELLSDK>", id="non-numeric-code"),
    ],
)
def test_unsafe_or_unreadable_answers_raise_protocol_error(body):
    with pytest.raises(ProtocolError):
        parse_answer(body)


def test_answers_over_the_size_cap_are_refused_before_parsing():
    padding = b"<Value><name>" + b"x" * 300 * 1024 + b"</name></Value>"
    body = recorded.COUNTRY_LIST.replace(b"<Values>", b"<Values>" + padding)

    with pytest.raises(ProtocolError, match="larger than"):
        parse_answer(body)
    assert parse_answer(body, max_bytes=len(body)).ok


def test_the_file_named_by_an_external_entity_is_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
            "<CLICKATELLSDK><Result>Error</Result><Error>999</Error>"
            "<Description>&x;</Description></CLICKATELLSDK>").encode()

    with pytest.raises(ProtocolError) as caught:
        parse_answer(body)
    assert "TOP-SECRET" not in str(caught.value)
