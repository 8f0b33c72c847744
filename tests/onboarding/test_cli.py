"""`flask clickatell check` against the sandbox's Platform: the key, the balance, and a test
text from the number; in plain words, exit 1 when something does not work, the key never
printed."""

import pytest

NUMBER = "12015550777"


@pytest.fixture
def setup(sandbox):
    return sandbox.create_platform_setup(user="cli", credits=25, number=NUMBER,
                                         stop_handling=True)


def test_a_good_key_is_accepted_and_the_balance_shown(runner, setup):
    result = runner.invoke(args=["clickatell", "check", "--key", setup["api_key"]])
    assert result.exit_code == 0, result.output
    assert "Key: accepted." in result.output and "Balance: 25" in result.output
    assert "Number: not checked" in result.output
    assert setup["api_key"] not in result.output


def test_the_key_may_come_from_the_environment(runner, setup):
    result = runner.invoke(args=["clickatell", "check"],
                           env={"CLICKATELL_API_KEY": setup["api_key"]})
    assert result.exit_code == 0 and "Key: accepted." in result.output


def test_a_bad_key_says_so_and_exits_1(runner, setup):
    result = runner.invoke(args=["clickatell", "check", "--key", "NotAKey000000000"])
    assert result.exit_code == 1
    assert "Key: NOT accepted. Clickatell does not accept this API key" in result.output


def test_a_test_text_from_the_linked_number_goes_out(runner, sandbox, setup):
    result = runner.invoke(args=["clickatell", "check", "--key", setup["api_key"],
                                 "--number", f"+{NUMBER}", "--test-to", "+12015550142"])
    assert result.exit_code == 0, result.output
    assert f"Number: +{NUMBER} is linked" in result.output
    [sent] = sandbox.messages(sender=NUMBER)
    assert sent["to"] == "12015550142"


def test_a_number_not_linked_to_the_setup_says_so(runner, sandbox, setup):
    result = runner.invoke(args=["clickatell", "check", "--key", setup["api_key"],
                                 "--number", "+12015550999", "--test-to", "+12015550142"])
    assert result.exit_code == 1
    assert "Test text: NOT sent. This number is not linked to the SMS setup" in result.output
    assert sandbox.messages() == []


def test_a_test_text_needs_the_number(runner, setup):
    result = runner.invoke(args=["clickatell", "check", "--key", setup["api_key"],
                                 "--test-to", "+12015550142"])
    assert result.exit_code == 2 and "--test-to needs --number" in result.output
