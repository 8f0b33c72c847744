"""More than a hundred replies as patients really write them, and what each must become.

Gathered from what appointment-reminder products say their patients send (yes/yeah/yup,
"ok gracias", misspellings, "I am feeling better and will no longer need an appointment"),
from the carriers' and CTIA's opt-out keywords, and from the FCC's 2025 rule that consent may
be revoked "by any reasonable means" ("stop texting me", "remove me from your list", "no
más"). Each row: the text, the patient's language, and the reading it must get. The rule
they follow is written in docs/replies.md ("Replies as patients write them").
"""

import pytest

from reminder_app.inbound.understanding import Intent, interpret, mentions_opt_out, offer_answer

CONFIRM = Intent.CONFIRM
CANCEL = Intent.CANCEL_APPOINTMENT
RESCHEDULE = Intent.RESCHEDULE
HELP = Intent.HELP
OPT_OUT = Intent.OPT_OUT
OPT_IN = Intent.OPT_IN
STAFF = Intent.FREE_TEXT

REPLIES = [
    # --- confirmations, as they come -------------------------------------------------------
    ("C", "en", CONFIRM),
    ("c.", "en", CONFIRM),
    ("Yes", "en", CONFIRM),
    ("YES", "en", CONFIRM),
    ("yes!!!", "en", CONFIRM),
    ("Yes 👍", "en", CONFIRM),
    ("Yes👍", "en", CONFIRM),
    ("OK 👍", "en", CONFIRM),
    ("Ok👍🏽", "en", CONFIRM),
    ("Confirmed ✅", "en", CONFIRM),
    ("Confirmed✅✅", "en", CONFIRM),
    ("Yes 😊", "en", CONFIRM),
    ("👍", "en", CONFIRM),
    ("👍👍👍", "en", CONFIRM),
    ("✔️", "en", CONFIRM),
    ("🆗", "en", CONFIRM),
    ("yes please", "en", CONFIRM),
    ("Yes please!", "en", CONFIRM),
    ("YES I'll be there", "en", CONFIRM),
    ("Yes, I’ll be there.", "en", CONFIRM),
    ("yes i will be there thanks", "en", CONFIRM),
    ("OK thanks", "en", CONFIRM),
    ("OK thanks 👍", "en", CONFIRM),
    ("ok thank you", "en", CONFIRM),
    ("Okay, thank you so much!", "en", CONFIRM),
    ("Yep", "en", CONFIRM),
    ("yup", "en", CONFIRM),
    ("Yeah", "en", CONFIRM),
    ("Yea thx", "en", CONFIRM),
    ("K", "en", CONFIRM),
    ("kk", "en", CONFIRM),
    ("Yesss", "en", CONFIRM),
    ("okkk", "en", CONFIRM),
    ("Sure", "en", CONFIRM),
    ("Sure thing, see you then", "en", STAFF),  # "thing" is not ours: staff read it
    ("See you then!", "en", CONFIRM),
    ("Thanks, see you soon", "en", CONFIRM),
    ("I'll be there", "en", CONFIRM),
    ("Will be there 👍", "en", CONFIRM),
    ("Hi, yes I confirm", "en", CONFIRM),
    ("Hello! C", "en", CONFIRM),
    ("Good morning, confirmed. Thank you", "en", CONFIRM),
    ("1", "en", CONFIRM),
    ("Confirm please", "en", CONFIRM),
    ("confrim", "en", CONFIRM),
    ("Comfirm", "en", CONFIRM),
    ("Absolutely", "en", CONFIRM),
    ("Sounds good!", "en", CONFIRM),
    ("yes yes", "en", CONFIRM),
    ("Yes, confirmed", "en", CONFIRM),
    # --- Spanish, from any patient when unambiguous --------------------------------------
    ("Sí", "es", CONFIRM),
    ("sí", "en", CONFIRM),
    ("SI", None, CONFIRM),
    ("Si gracias", "es", CONFIRM),
    ("Claro", "es", CONFIRM),
    ("claro que sí", "en", CONFIRM),
    ("Confirmo", "en", CONFIRM),
    ("Confirmo, gracias", "es", CONFIRM),
    ("gracias, ahí estaré", "es", CONFIRM),
    ("Gracias, ahi estare", "en", CONFIRM),
    ("Ok gracias", "es", CONFIRM),
    ("Vale, nos vemos", "es", CONFIRM),
    ("De acuerdo", "es", CONFIRM),
    ("Sí, por favor", "es", CONFIRM),
    ("Hola, sí confirmo 👍", "es", CONFIRM),
    ("S", "es", CONFIRM),
    ("S", "en", STAFF),  # one letter: sí only to a Spanish speaker
    ("Ayuda", "en", HELP),
    ("Anular mi cita", "es", CANCEL),
    ("Cambiar mi cita por favor", "es", RESCHEDULE),
    # --- cancel and reschedule ----------------------------------------------------------------
    ("X", "en", CANCEL),
    ("x please", "en", CANCEL),
    ("2", "en", CANCEL),
    ("Cancel appointment", "en", CANCEL),
    ("Cancel my appointment please", "en", CANCEL),
    ("R", "en", RESCHEDULE),
    ("Reschedule please", "en", RESCHEDULE),
    ("I would like to reschedule", "en", RESCHEDULE),
    ("3", "en", RESCHEDULE),
    # --- contradictions and conditions: staff read them ---------------------------------------
    ("yes but can we move it", "en", STAFF),
    ("yes no", "en", STAFF),
    ("yes I need to cancel", "en", STAFF),
    ("Yes X", "en", STAFF),
    ("C or R?", "en", STAFF),
    ("Yes 👎", "en", STAFF),
    ("OK ❓", "en", STAFF),
    ("Yes but I'll be 10 minutes late", "en", STAFF),
    ("Yes, running late", "en", STAFF),
    ("ok but what time", "en", STAFF),
    ("Not sure yet", "en", STAFF),
    ("No", "en", STAFF),
    ("no thanks", "en", STAFF),
    ("Can't make it", "en", STAFF),
    ("I am feeling better now and will no longer need an appointment", "en", STAFF),
    ("Yes my son will come instead", "en", STAFF),
    ("Claro que no", "es", STAFF),
    ("Sí pero llego tarde", "es", STAFF),
    ("Sí, no", "es", STAFF),
    # --- questions -------------------------------------------------------------------------
    ("What time is my appointment?", "en", STAFF),
    ("Can I come at 3?", "en", STAFF),
    ("Who is this?", "en", STAFF),
    ("Do I need to fast before?", "en", STAFF),
    ("¿A qué hora es mi cita?", "es", STAFF),
    ("Where are you located", "en", STAFF),
    # --- politeness alone, and noise --------------------------------------------------------
    ("Thanks", "en", STAFF),
    ("Thank you!", "en", STAFF),
    ("Gracias", "es", STAFF),
    ("🙂", "en", STAFF),
    ("?", "en", STAFF),
    ("", "en", STAFF),
    ("   ", "en", STAFF),
    ("Thanks xx", "en", STAFF),
    # --- the carriers' opt-out words: absolute ------------------------------------------------
    ("STOP", "en", OPT_OUT),
    ("Stop", "es", OPT_OUT),
    ("stop.", None, OPT_OUT),
    ("STOP ALL", "en", OPT_OUT),
    ("STOPALL", "en", OPT_OUT),
    ("UNSUBSCRIBE", "en", OPT_OUT),
    ("Cancel", "en", OPT_OUT),
    ("END", "en", OPT_OUT),
    ("Quit", "en", OPT_OUT),
    ("REVOKE", "en", OPT_OUT),
    ("Opt out", "en", OPT_OUT),
    ("OPTOUT", "es", OPT_OUT),
    ("BAJA", "es", OPT_OUT),
    ("Cancelar", "es", OPT_OUT),
    # --- opt-out in plain words: at once --------------------------------------------------
    ("Please stop texting me", "en", OPT_OUT),
    ("please stop", "en", OPT_OUT),
    ("Stop please!!", "en", OPT_OUT),
    ("STOP TEXTING ME", "en", OPT_OUT),
    ("Stop texting me.", "es", OPT_OUT),
    ("No more texts", "en", OPT_OUT),
    ("no more messages please", "en", OPT_OUT),
    ("Unsubscribe me", "en", OPT_OUT),
    ("Remove me from your list", "en", OPT_OUT),
    ("please remove me", "en", OPT_OUT),
    ("Take me off your list, thanks", "en", OPT_OUT),
    ("Don't text me", "en", OPT_OUT),
    ("Do not text me anymore", "en", OPT_OUT),
    ("Can you please stop texting me", "en", OPT_OUT),
    ("I would like to unsubscribe", "en", OPT_OUT),
    ("Stop texting me. I found another doctor.", "en", OPT_OUT),
    ("I moved to Ohio, please stop", "en", OPT_OUT),
    ("Why do you keep texting me? Stop.", "en", OPT_OUT),
    ("Leave me alone", "en", OPT_OUT),
    ("REMOVE", "en", OPT_OUT),
    ("No más mensajes", "es", OPT_OUT),
    ("no mas mensajes por favor", "en", OPT_OUT),
    ("No más", "es", OPT_OUT),
    ("Dejen de escribirme", "es", OPT_OUT),
    ("Por favor dejen de enviarme mensajes", "es", OPT_OUT),
    ("No quiero recibir mensajes", "es", OPT_OUT),
    ("Baja por favor", "es", OPT_OUT),
    ("Quítenme de la lista", "en", OPT_OUT),
    # --- might mean it: staff judge (flagged), the patient stays opted in ------------------------
    ("Why did you stop texting me?", "en", STAFF),
    ("Don't stop the reminders", "en", STAFF),
    ("Cancel please", "en", STAFF),
    ("I want to cancel", "en", STAFF),
    ("Wrong number", "en", STAFF),
    ("Can I stop by tomorrow instead?", "en", STAFF),
    # --- help and opting back in -------------------------------------------------------------
    ("HELP", "en", HELP),
    ("help?", "en", HELP),
    ("Help please", "en", HELP),
    ("Info", "en", HELP),
    ("START", "en", OPT_IN),
    ("Start please", "en", OPT_IN),
    ("unstop", "en", OPT_IN),
    ("Alta", "en", OPT_IN),
]

#: Free text that must be flagged for staff as maybe "no more texts".
FLAGGED = {"Why did you stop texting me?", "Don't stop the reminders", "Cancel please",
           "I want to cancel", "Wrong number", "Can I stop by tomorrow instead?"}


def test_the_table_holds_more_than_a_hundred_replies():
    assert len(REPLIES) >= 100
    assert len({(text, language) for text, language, _ in REPLIES}) == len(REPLIES)


@pytest.mark.parametrize(("text", "language", "intent"), REPLIES,
                         ids=[f"{language}:{text!r}" for text, language, _ in REPLIES])
def test_a_real_reply_is_read_as_it_must_be(text, language, intent):
    assert interpret(text, language).intent is intent


@pytest.mark.parametrize("text", sorted(FLAGGED))
def test_a_reply_that_might_mean_stop_is_flagged_for_staff(text):
    assert interpret(text, "en").intent is Intent.FREE_TEXT
    assert mentions_opt_out(text)


@pytest.mark.parametrize(("text", "taken"), [
    ("Yes please!", True), ("OK 👍", True), ("Sí, gracias", True),
    ("No thank you", False), ("no thanks 🙂", False), ("Nah", False), ("No gracias", False),
    ("X", False), ("Thanks", None), ("Maybe", None), ("No, but next week yes", None),
])
def test_an_answer_to_an_offer_is_read_with_politeness_too(text, taken):
    assert offer_answer(interpret(text, "en")) is taken
