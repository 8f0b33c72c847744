"""The audit trail: every change a person makes through the staff app or the API is recorded
after it has happened, with who, when, from where, which records, and how it ended.

It is recorded at the edge (after each request), not by each service, so no change can be
forgotten: a new page is audited the day it is added, and `tests/audit/` checks that every
route that changes something has a label here. What the person was told is the outcome: a
request that ended with an error message ("That e-mail address is in use") is recorded as
refused, with the message, so the trail never claims what did not happen. Appointment changes
and reply readings are also in the event record (`models/events.py`), and sign-ins in
`LoginAttempt`; the audit page (`audit/views.py`) shows all three.
"""

from flask import g, has_request_context, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm.base import NO_VALUE

from .. import transactions
from ..extensions import db
from ..models import AuditEntry, Patient
from ..models.types import utcnow

#: What each changing route does, in words; a route missing here is a test failure.
ACTIONS = {
    "api.create_patient": "Added a patient (API)",
    "api.update_patient": "Changed a patient (API)",
    "api.create_appointment": "Booked an appointment (API)",
    "api.update_appointment": "Changed an appointment (API)",
    "api.cancel_appointment": "Cancelled an appointment (API)",
    "appointments.new": "Booked an appointment",
    "appointments.edit": "Changed an appointment",
    "appointments.move": "Moved an appointment",
    "appointments.cancel": "Cancelled an appointment",
    "appointments.complete": "Marked an appointment completed",
    "appointments.no_show": "Marked a no-show",
    "appointments.providers": "Added a provider",
    "appointments.deactivate_provider": "Deactivated a provider",
    "appointments.activate_provider": "Activated a provider",
    "appointments.import_csv": "Uploaded a CSV of appointments",
    "appointments.import_confirm": "Imported appointments from a CSV",
    "auth.two_factor_setup": "Set up two-factor sign-in",
    "auth.two_factor_off": "Turned two-factor sign-in off",
    "auth.logout": "Signed out",
    "auth.sessions": "Signed out every other browser",
    "auth.end_session": "Signed out one browser",
    "auth.password": "Changed their password",
    "calendars.new_feed_link": "Made a new calendar feed link",
    "calendars.turn_off_feed": "Turned a calendar feed off",
    "conversations.reply": "Replied to a patient",
    "conversations.thread_handled": "Marked a conversation handled",
    "conversations.attach": "Attached a text to a patient",
    "conversations.message_handled": "Marked a text handled",
    "conversations.reply_words": "Added a reply word",
    "conversations.remove_reply_word": "Removed a reply word",
    "onboarding.resend_activation": "Resent the Clickatell activation e-mail",
    "onboarding.send_sms_code": "Asked for the Clickatell SMS code",
    "onboarding.verify_sms_code": "Verified the mobile at Clickatell",
    "onboarding.create_connection": "Set up the Clickatell connection",
    "onboarding.apply_for_number": "Applied for a two-way number",
    "onboarding.number_assigned": "Saved the two-way number",
    "onboarding.buy_credits": "Went to buy Clickatell credits",
    "onboarding.low_balance_threshold": "Changed the low-credit threshold",
    "onboarding.send_test_sms": "Sent the test text",
    "connect_existing.setup": "Connected the Clickatell Platform account (API key and number)",
    "connect_existing.test_text": "Sent the test text from the Platform account",
    "patients.new": "Added a patient",
    "patients.edit": "Changed a patient",
    "reminders.new_rule": "Added a reminder rule",
    "reminders.edit_rule": "Changed a reminder rule",
    "reminders.quiet_hours": "Changed the quiet hours",
    "reminders.texting": "Changed what reminders say and how many a patient gets",
    "settings.practice": "Changed the practice's details",
    "settings.staff": "Added a staff member",
    "settings.two_factor_policy": "Changed the two-factor requirement",
    "settings.remove": "Removed a staff member",
    "settings.api_tokens": "Created an API token",
    "settings.revoke_api_token_view": "Revoked an API token",
    "settings.registration_helper": "Downloaded the 10DLC registration document",
    "settings.replace_callback_secret_view": "Replaced the Clickatell callback secret",
    "audit.export": "Exported records",
    "waitlist.new": "Added a patient to the waitlist",
    "waitlist.edit": "Changed a waitlist entry",
    "waitlist.remove": "Took a patient off the waitlist",
    "waitlist.stop_offering": "Stopped offering a freed slot",
    "waitlist.settings": "Changed the waitlist offer settings",
    "recalls.new": "Added a recall",
    "recalls.edit": "Changed a recall",
    "recalls.close": "Closed a recall",
    "recalls.settings": "Changed the recall settings",
    "running_late.send": "Texted today's patients that the practice runs late",
    "visits.types": "Added an appointment type",
    "visits.edit_type": "Changed an appointment type",
    "visits.locations": "Added a site",
    "visits.edit_location": "Changed a site",
}

#: Requests that change nothing a practice would audit (or are audited elsewhere).
NOT_AUDITED = frozenset({
    "auth.login", "auth.two_factor_code",  # sign-ins: LoginAttempt
    "onboarding.signup",  # before there is a practice
    "connect_existing.signup",  # the same, for a practice that brings its Platform account
    "reminders.preview",  # a preview of a text being written
    "running_late.preview",  # the same, for the running-late text (its send is audited)
    "auth.keep_alive", "auth.idle_status",
})

LOOKING = frozenset({"GET", "HEAD", "OPTIONS"})


def changes_something(endpoint: str | None, method: str) -> bool:
    return bool(endpoint) and method not in LOOKING and endpoint not in NOT_AUDITED \
        and endpoint.partition(".")[0] not in ("webhooks", "static")


def describe_target(view_args: dict | None) -> str:
    """The records a URL names ("appointment 12"), from its `<x_id>` arguments."""
    return ", ".join(f"{name.removesuffix('_id').replace('_', ' ')} {value}"
                     for name, value in sorted((view_args or {}).items())
                     if name.endswith("_id"))[:200]


def exported() -> str:
    """What an export took: the records' kind, never their contents."""
    return request.form.get("what", "")[:50] if request.endpoint == "audit.export" else ""


def flashes_so_far() -> int:
    return len(session.get("_flashes", [])) if "_flashes" in session else 0


def note_request() -> None:
    """Before the request: who is making it (signing out forgets them), and how many
    messages were already waiting, so the outcome is this request's own."""
    g.audit_flashes = flashes_so_far()
    g.audit_actor = actor_of_request() if changes_something(request.endpoint,
                                                            request.method) else None


def note_consent_change(patient: Patient, value, oldvalue, _initiator) -> None:
    """A patient's consent to texts was set in this request: if it changed, the trail's
    entry says so (the form, the API, an import or an attached STOP alike). Patients'
    own STOP and START by SMS are in the event record (`service.trail`, kind "consent")."""
    if not has_request_context():
        return
    before = False if oldvalue is NO_VALUE or oldvalue is None else bool(oldvalue)
    if bool(value) != before:
        g.setdefault("audit_consents", []).append((patient, bool(value)))


def consent_details() -> str:
    """The consent changes of this request, in words, naming each patient (a new one has
    its id by now, the view having committed)."""
    return "; ".join(
        f"consent to texts {'given' if given else 'withdrawn'} (patient {patient.id})"
        for patient, given in g.get("audit_consents", ()))


def mark_done() -> None:
    """For the few pages that show their result instead of redirecting (a new API token,
    recovery codes, a download): the change went through."""
    g.audit_done = True


def outcome(response) -> str | None:
    """None if nothing was changed; "" if the change went through; else what the person
    was told. A form shown again (200 without `mark_done`) changed nothing: a page that
    worked redirects (post/redirect/get), and the API answers 2xx only when it worked."""
    if response.status_code >= 400:  # refused before, or rolled back: nothing changed
        return None
    if (response.status_code < 300 and request.blueprint != "api"
            and not g.get("audit_done")):
        return None
    new = session.get("_flashes", [])[g.get("audit_flashes", 0):] if "_flashes" in session \
        else []
    refusals = [message for category, message in new if category == "danger"]
    return f"Refused: {refusals[0]}"[:200] if refusals else ""


def actor_of_request():
    api_token = g.get("api_token")
    if api_token is not None:
        return "api_token", api_token.id, api_token.name, api_token.practice_id
    user = current_user
    if user.is_authenticated:
        return "staff", user.id, user.name, user.practice_id
    return None


def record_change(response):
    """After the request: add the trail's row for a change (its own small transaction,
    after the view's: the view has committed or rolled back by now)."""
    if not changes_something(request.endpoint, request.method):
        return response
    who = actor_of_request() or g.get("audit_actor")
    result = outcome(response)
    if who is None or result is None:
        return response
    # Whatever the view did not commit was meant to be dropped: never let it ride along.
    transactions.rollback()
    kind, actor_id, label, practice_id = who
    action = ACTIONS.get(request.endpoint, request.endpoint)
    if result:
        action = f"{action} — {result}"[:200]
    elif details := consent_details():
        action = f"{action} — {details}"[:200]
    db.session.add(AuditEntry(
        practice_id=practice_id, at=utcnow(), actor_kind=kind, actor_id=actor_id,
        actor_label=label[:200], action=action, endpoint=request.endpoint,
        target=describe_target(request.view_args) or exported(),
        address=(request.remote_addr or "")[:45]))
    transactions.commit()
    return response


def init_app(app) -> None:
    if not event.contains(Patient.sms_consent, "set", note_consent_change):
        event.listen(Patient.sms_consent, "set", note_consent_change, active_history=True)
    app.before_request(note_request)
    app.after_request(record_change)
