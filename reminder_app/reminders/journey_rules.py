"""Changing a journey rule (the notices, the no-show follow-up) from the rules screen: on or
off, its one number, its text per language. In the caller's transaction; nothing is
re-planned (a notice is planned when its moment comes, and read again when it falls due)."""

from ..extensions import db
from ..models import Language, Practice, ReminderRule, ReminderTemplate
from ..models.reminders import RuleKind
from . import templates
from .rules import RuleError

#: The one number each kind has, as the editor asks for it: (label, least, most) in hours.
HOURS = {
    RuleKind.BOOKED: ("No booked notice when the appointment starts within this many hours",
                      1, 48),
    RuleKind.NO_SHOW: ("Send it this many hours after the no-show is marked (then inside "
                       "allowed hours)", 0, 72),
}


def hours_of(rule: ReminderRule) -> int | None:
    """The rule's number, in hours, for the editor (None for a kind without one)."""
    if rule.kind is RuleKind.BOOKED:
        return rule.minutes_before // 60
    if rule.kind is RuleKind.NO_SHOW:
        return rule.delay_minutes // 60
    return None


def update_journey_rule(rule: ReminderRule, *, enabled: bool, hours: int | None,
                        bodies: dict[Language, str]) -> ReminderRule:
    if rule.kind not in HOURS:
        hours = None
    elif hours is None or not HOURS[rule.kind][1] <= hours <= HOURS[rule.kind][2]:
        _label, least, most = HOURS[rule.kind]
        raise RuleError("hours", f"Choose from {least} to {most} hours.")
    practice = db.session.get(Practice, rule.practice_id)
    checked = {}
    for language in Language:
        try:
            checked[language] = templates.check_reminder(
                (bodies.get(language) or "").strip(), name_provider=practice.name_provider)
        except templates.TemplateError as error:
            raise RuleError(f"body_{language.value}", str(error)) from error
    rule.enabled = enabled
    if rule.kind is RuleKind.BOOKED:
        rule.minutes_before = hours * 60
    elif rule.kind is RuleKind.NO_SHOW:
        rule.delay_minutes = hours * 60
    by_language = {template.language: template for template in rule.templates}
    for language, body in checked.items():
        if language in by_language:
            by_language[language].body = body
        else:
            rule.templates.append(ReminderTemplate(language=language, body=body))
    db.session.flush()
    return rule
