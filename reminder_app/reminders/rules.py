"""Each practice's reminder rules and quiet hours.

A practice starts with two rules, 48 hours and 2 hours before the appointment, created the
first time anything asks for its rules (`practice_rules.rules_for`). Changing a rule
re-plans the reminders of every appointment still ahead, in the same transaction: the
caller's (the rules page), which commits it.
"""

from datetime import datetime, time

from sqlalchemy import func, select

from ..extensions import db
from ..models import Language, Practice, ReminderRule, ReminderTemplate
from ..models.reminders import WhenConfirmed
from ..models.types import utcnow
from . import templates
from .planning import replan_upcoming
from .practice_rules import new_rule, rules_for

MAX_RULES = 6
#: The longest lead time a rule may have: 14 days.
MAX_MINUTES_BEFORE = 14 * 24 * 60


class RuleError(ValueError):
    """A rule change that cannot be made; `field` names the form field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _check(minutes_before: int, bodies: dict[Language, str],
           practice: Practice) -> dict[Language, str]:
    if not isinstance(minutes_before, int) or not 1 <= minutes_before <= MAX_MINUTES_BEFORE:
        raise RuleError("hours_before", "A reminder can go out from 1 minute to 14 days "
                                        "before the appointment.")
    checked = {}
    for language in Language:
        body = (bodies.get(language) or "").strip()
        try:
            checked[language] = templates.check_reminder(
                body, name_provider=practice.name_provider)
        except templates.TemplateError as error:
            raise RuleError(f"body_{language.value}", str(error)) from error
    return checked


def add_rule(practice: Practice, *, minutes_before: int, enabled: bool,
             bodies: dict[Language, str], when_confirmed: WhenConfirmed = WhenConfirmed.SEND,
             now: datetime | None = None) -> ReminderRule:
    rules = rules_for(practice)
    if len(rules) >= MAX_RULES:
        raise RuleError("hours_before", f"A practice can have at most {MAX_RULES} rules.")
    checked = _check(minutes_before, bodies, practice)
    position = (db.session.scalar(select(func.max(ReminderRule.position)).where(
        ReminderRule.practice_id == practice.id)) or 0) + 1
    rule = new_rule(practice, minutes_before, position, checked)
    rule.enabled = enabled
    rule.when_confirmed = WhenConfirmed(when_confirmed)
    db.session.add(rule)
    db.session.flush()
    replan_upcoming(practice, now or utcnow())
    return rule


def update_rule(rule: ReminderRule, *, minutes_before: int, enabled: bool,
                bodies: dict[Language, str], when_confirmed: WhenConfirmed | None = None,
                now: datetime | None = None) -> ReminderRule:
    """Save a before-visit rule; what it does once the patient confirmed is read as each
    reminder falls due, so changing that re-plans nothing."""
    practice = db.session.get(Practice, rule.practice_id)
    checked = _check(minutes_before, bodies, practice)
    timing_changed = rule.minutes_before != minutes_before or rule.enabled != enabled
    rule.minutes_before = minutes_before
    rule.enabled = enabled
    if when_confirmed is not None:
        rule.when_confirmed = WhenConfirmed(when_confirmed)
    by_language = {template.language: template for template in rule.templates}
    for language, body in checked.items():
        if language in by_language:
            by_language[language].body = body
        else:
            rule.templates.append(ReminderTemplate(language=language, body=body))
    db.session.flush()
    if timing_changed:
        replan_upcoming(practice, now or utcnow())
    return rule


def set_quiet_hours(practice: Practice, *, start: time, end: time,
                    now: datetime | None = None) -> None:
    """New quiet hours; pending reminders of appointments ahead are re-planned."""
    practice.quiet_start = start.replace(second=0, microsecond=0, tzinfo=None)
    practice.quiet_end = end.replace(second=0, microsecond=0, tzinfo=None)
    db.session.flush()
    replan_upcoming(practice, now or utcnow())


def set_texting(practice: Practice, *, name_provider: bool, per_day: int, per_week: int,
                now: datetime | None = None) -> None:
    """Whether reminders name the provider, and the cap per patient; pending reminders of
    appointments ahead are re-planned (in the caller's transaction)."""
    if not 1 <= per_day <= per_week:
        raise RuleError("reminders_per_week", "A week cannot allow fewer reminders than a day.")
    practice.name_provider = name_provider
    practice.reminders_per_day, practice.reminders_per_week = per_day, per_week
    db.session.flush()
    replan_upcoming(practice, now or utcnow())
