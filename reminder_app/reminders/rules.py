"""Each practice's reminder rules and quiet hours.

A practice starts with two rules, 48 hours and 2 hours before the appointment, created the
first time anything asks for its rules. Changing a rule re-plans the reminders of every
appointment still ahead, in the same transaction.
"""

from datetime import datetime, time

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Language, Practice, ReminderRule, ReminderTemplate
from ..models.types import utcnow
from . import templates

DEFAULT_RULE_MINUTES = (48 * 60, 2 * 60)
MAX_RULES = 6
#: The longest lead time a rule may have: 14 days.
MAX_MINUTES_BEFORE = 14 * 24 * 60


class RuleError(ValueError):
    """A rule change that cannot be made; `field` names the form field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def rules_for(practice: Practice) -> list[ReminderRule]:
    """The practice's rules in order, the default ones created if it has none yet."""
    rules = _load(practice)
    if rules:
        return rules
    try:
        with db.session.begin_nested():
            for position, minutes in enumerate(DEFAULT_RULE_MINUTES, start=1):
                db.session.add(_new_rule(practice, minutes, position, dict(
                    templates.DEFAULT_TEMPLATES)))
    except IntegrityError:  # another request created them at the same moment
        pass
    return _load(practice)


def _load(practice: Practice) -> list[ReminderRule]:
    return list(db.session.scalars(
        select(ReminderRule).where(ReminderRule.practice_id == practice.id)
        .order_by(ReminderRule.position)))


def _new_rule(practice: Practice, minutes: int, position: int,
              bodies: dict[Language, str]) -> ReminderRule:
    rule = ReminderRule(practice_id=practice.id, minutes_before=minutes, enabled=True,
                        position=position)
    rule.templates = [ReminderTemplate(language=language, body=body)
                      for language, body in bodies.items()]
    return rule


def _check(minutes_before: int, bodies: dict[Language, str]) -> dict[Language, str]:
    if not isinstance(minutes_before, int) or not 1 <= minutes_before <= MAX_MINUTES_BEFORE:
        raise RuleError("hours_before", "A reminder can go out from 1 minute to 14 days "
                                        "before the appointment.")
    checked = {}
    for language in Language:
        body = (bodies.get(language) or "").strip()
        try:
            checked[language] = templates.check(body)
        except templates.TemplateError as error:
            raise RuleError(f"body_{language.value}", str(error)) from error
    return checked


def add_rule(practice: Practice, *, minutes_before: int, enabled: bool,
             bodies: dict[Language, str], now: datetime | None = None) -> ReminderRule:
    rules = rules_for(practice)
    if len(rules) >= MAX_RULES:
        raise RuleError("hours_before", f"A practice can have at most {MAX_RULES} rules.")
    checked = _check(minutes_before, bodies)
    position = (db.session.scalar(select(func.max(ReminderRule.position)).where(
        ReminderRule.practice_id == practice.id)) or 0) + 1
    rule = _new_rule(practice, minutes_before, position, checked)
    rule.enabled = enabled
    db.session.add(rule)
    db.session.flush()
    _replan_practice(practice, now or utcnow())
    db.session.commit()
    return rule


def update_rule(rule: ReminderRule, *, minutes_before: int, enabled: bool,
                bodies: dict[Language, str], now: datetime | None = None) -> ReminderRule:
    checked = _check(minutes_before, bodies)
    timing_changed = rule.minutes_before != minutes_before or rule.enabled != enabled
    rule.minutes_before = minutes_before
    rule.enabled = enabled
    by_language = {template.language: template for template in rule.templates}
    for language, body in checked.items():
        if language in by_language:
            by_language[language].body = body
        else:
            rule.templates.append(ReminderTemplate(language=language, body=body))
    db.session.flush()
    if timing_changed:
        _replan_practice(db.session.get(Practice, rule.practice_id), now or utcnow())
    db.session.commit()
    return rule


def set_quiet_hours(practice: Practice, *, start: time, end: time,
                    now: datetime | None = None) -> None:
    """New quiet hours; pending reminders of appointments ahead are re-planned."""
    practice.quiet_start = start.replace(second=0, microsecond=0, tzinfo=None)
    practice.quiet_end = end.replace(second=0, microsecond=0, tzinfo=None)
    db.session.flush()
    _replan_practice(practice, now or utcnow())
    db.session.commit()


def _replan_practice(practice: Practice, now: datetime) -> None:
    from .planning import replan_upcoming

    replan_upcoming(practice, now)
