"""Who may do what: the roles of a practice and every page's permission, in one place.

Three roles match how a practice works:

- **owner**: everything, including the practice's settings, staff, API tokens, the Clickatell
  account, reminder rules and reply words, exports and the audit log;
- **staff** (the front desk): see and work with patients, appointments, conversations and
  the waitlist;
- **read-only** (a billing clerk, an auditor): see, and change nothing.

Each page needs one of three permissions, decided by `needed(endpoint, method)`: looking
(GET) needs SEE, changing (any other method) needs ACT, and the endpoints listed below need
MANAGE. A person's own sign-in (password, sessions, two-factor) is theirs whatever the role.
`enforce` runs before every staff request; `tests/test_permissions.py` walks every route
with every role against this table.
"""

import enum

from flask import abort, request
from flask_login import current_user

from .models import Role


class Permission(enum.StrEnum):
    SEE = "see"
    ACT = "act"
    MANAGE = "manage"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.STAFF: frozenset({Permission.SEE, Permission.ACT}),
    Role.READ_ONLY: frozenset({Permission.SEE}),
}

#: Owners only, whatever the method: these pages show or change the practice's keys.
MANAGE_ALWAYS = frozenset({
    "settings.api_tokens", "settings.revoke_api_token_view", "settings.two_factor_policy",
    "settings.remove", "settings.registration_helper", "settings.replace_callback_secret_view",
    "reminders.new_rule", "reminders.quiet_hours", "reminders.texting",
    "conversations.remove_reply_word", "onboarding.number_assigned", "audit.audit",
    "audit.export", "connect_existing.setup", "connect_existing.test_text",
})

#: Everyone may look; only owners change.
MANAGE_CHANGES = frozenset({
    "settings.practice", "settings.staff", "reminders.edit_rule", "conversations.reply_words",
    "waitlist.settings", "visits.types", "visits.edit_type", "visits.locations",
    "visits.edit_location",
    "recalls.settings",
})

#: Blueprints whose every change is the owner's: setting up the Clickatell account.
MANAGE_CHANGES_IN = frozenset({"onboarding"})

#: Changes by POST that change nothing stored (a preview of a text being written).
LOOKING_BY_POST = frozenset({"reminders.preview"})

#: A person's own account: theirs to manage whatever their role.
OWN_ACCOUNT = frozenset({
    "auth.logout", "auth.sessions", "auth.end_session", "auth.password",
    "auth.two_factor_setup", "auth.two_factor_off", "auth.keep_alive", "auth.idle_status",
})

#: Not staff pages: signing in, the public sign-up, assets, and what has its own key (the
#: token-authenticated API, Clickatell's callbacks, calendar feeds, the health check, the
#: token-protected metrics).
NOT_STAFF = frozenset({"static", "bootstrap", "api", "webhooks", "health", "metrics"})
PUBLIC_ENDPOINTS = frozenset({"auth.login", "auth.two_factor_code", "onboarding.signup",
                              "onboarding.activated", "calendars.feed",
                              "connect_existing.signup"})


def needed(endpoint: str, method: str) -> Permission | None:
    """The permission a request needs, or None when any signed-in person may make it."""
    if endpoint in OWN_ACCOUNT:
        return None
    changes = method not in ("GET", "HEAD", "OPTIONS") and endpoint not in LOOKING_BY_POST
    blueprint = endpoint.partition(".")[0]
    if endpoint in MANAGE_ALWAYS or (changes and (endpoint in MANAGE_CHANGES
                                                  or blueprint in MANAGE_CHANGES_IN)):
        return Permission.MANAGE
    return Permission.ACT if changes else Permission.SEE


def can(permission: Permission | str, user=None) -> bool:
    user = user if user is not None else current_user
    return (user.is_authenticated
            and Permission(permission) in ROLE_PERMISSIONS[user.role])


def is_staff_endpoint(endpoint: str | None) -> bool:
    return bool(endpoint) and endpoint.partition(".")[0] not in NOT_STAFF \
        and endpoint not in PUBLIC_ENDPOINTS


def enforce():
    """Before each request: a signed-in person's role must allow this page (403 if not)."""
    if not current_user.is_authenticated or not is_staff_endpoint(request.endpoint):
        return None
    permission = needed(request.endpoint, request.method)
    if permission is not None and not can(permission):
        abort(403)
    return None


def init_app(app) -> None:
    app.before_request(enforce)
