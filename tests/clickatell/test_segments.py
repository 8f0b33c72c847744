"""SMS encoding and part counts, exact at every boundary."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminder_app.clickatell import analyse, split_parts, to_ucs2_hex
from reminder_app.clickatell.segments import GSM7_BASIC, GSM7_EXTENSION, _units


@pytest.mark.parametrize("length, parts", [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3),
                                           (459, 3), (460, 4)])
def test_gsm7_fits_160_in_one_part_and_153_per_part_beyond(length, parts):
    segments = analyse("a" * length)

    assert (segments.encoding, segments.length_units, segments.parts) == (
        "GSM-7", length, parts)
    assert segments.per_part_limit == (160 if parts == 1 else 153)


@pytest.mark.parametrize("length, parts", [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_ucs2_fits_70_in_one_part_and_67_per_part_beyond(length, parts):
    segments = analyse("ж" * length)

    assert (segments.encoding, segments.length_units, segments.parts) == (
        "UCS-2", length, parts)
    assert segments.per_part_limit == (70 if parts == 1 else 67)


@pytest.mark.parametrize("char", sorted(GSM7_EXTENSION))
def test_extension_characters_count_two(char):
    segments = analyse(char * 80)

    assert (segments.encoding, segments.length_units, segments.parts) == ("GSM-7", 160, 1)
    assert analyse(char * 80 + "a").parts == 2


def test_gsm7_accented_and_greek_letters_stay_gsm7():
    assert analyse("Café à Zürich, ΔΦΓ, £5, ¿Qué?").encoding == "GSM-7"
    assert len(GSM7_BASIC) == 127  # 128 codes minus the escape


def test_one_character_outside_gsm7_switches_the_whole_message_to_ucs2():
    segments = analyse("a" * 100 + "’")  # a typographic apostrophe from a word processor

    assert segments.encoding == "UCS-2"
    assert segments.parts == 2
    assert segments.non_gsm_chars == ("’",)


def test_an_emoji_takes_two_ucs2_units():
    segments = analyse("😀" * 35)

    assert (segments.length_units, segments.parts) == (70, 1)
    assert analyse("😀" * 35 + "a").parts == 2


def test_an_escape_pair_is_never_split_across_parts():
    text = "a" * 152 + "€" + "b" * 10  # the € would straddle the 153rd place

    parts = split_parts(text)

    assert parts == ["a" * 152, "€" + "b" * 10]
    assert analyse(text).parts == 2
    assert analyse(text).units_left == 153 - 12


def test_a_surrogate_pair_is_never_split_across_parts():
    text = "ж" * 66 + "😀" + "ж" * 5

    assert split_parts(text) == ["ж" * 66, "😀" + "ж" * 5]


def test_padding_from_unsplit_pairs_can_need_an_extra_part():
    # 306 units would fill two parts exactly if an escape pair could straddle parts.
    text = "a" * 152 + "€" * 77

    assert analyse(text).length_units == 306
    assert analyse(text).parts == 3


def test_parts_join_back_to_the_text():
    text = "Reminder: " + "{ok} " * 100

    assert "".join(split_parts(text)) == text


def test_empty_text_occupies_one_part():
    assert analyse("").parts == 1 and analyse("").units_left == 160


def test_ucs2_hex_is_utf16_big_endian_in_upper_case():
    assert to_ucs2_hex("Hé😀") == "004800E9D83DDE00"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(sorted(GSM7_BASIC | GSM7_EXTENSION) + ["ж", "😀", "é"]),
               max_size=400))
def test_the_counts_are_the_sum_of_each_characters_places(text):
    """`analyse` counts with string methods; the count is still one place per character
    (two for an extension character or an emoji in UCS-2), and the parts hold the text."""
    segments = analyse(text)
    assert segments.length_units == sum(_units(char, segments.encoding) for char in text)
    assert "".join(split_parts(text)) == text
    assert len(split_parts(text)) == segments.parts
    assert (segments.encoding == "UCS-2") == any(
        char not in GSM7_BASIC and char not in GSM7_EXTENSION for char in text)
