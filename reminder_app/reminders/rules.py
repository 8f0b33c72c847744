"""Each practice's reminder rules and quiet hours.

A practice starts with two rules, 48 hours and 2 hours before the appointment, created the
first time anything asks for its rules (`practice_rules.rules_for`). Changing a rule
re-plans the reminders of every appointment still ahead, in the same transaction: the
caller's (the rules page), which commits it.
"""

from datetime import datetime, time

from sqlalchemy import func, select

from ..extensions import db
from ..models import AppointmentType, Language, Practice, Provider, ReminderRule, ReminderTemplate
from ..models.reminders import WhenConfirmed
from ..models.types import utcnow
from . import templates
from .planning import replan_upcoming
from .practice_rules import new_rule, rules_for

#: At most this many rules for all appointments, and as many again for each type or
#: provider scope.
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


def _check_scope(practice: Practice, appointment_type: AppointmentType | None,
                 provider: Provider | None) -> None:
    if appointment_type is not None and appointment_type.practice_id != practice.id:
        raise RuleError("appointment_type", "Please choose one of the practice's appointment "
                                            "types.")
    if provider is not None and provider.practice_id != practice.id:
        raise RuleError("provider", "Please choose one of the practice's providers.")


def _next_position(practice: Practice) -> int:
    return (db.session.scalar(select(func.max(ReminderRule.position)).where(
        ReminderRule.practice_id == practice.id)) or 0) + 1


def add_rule(practice: Practice, *, minutes_before: int, enabled: bool,
             bodies: dict[Language, str], appointment_type: AppointmentType | None = None,
             provider: Provider | None = None,
             when_confirmed: WhenConfirmed = WhenConfirmed.SEND,
             now: datetime | None = None) -> ReminderRule:
    """A new rule, for all appointments or (scoped) only those of a type and/or provider."""
    _check_scope(practice, appointment_type, provider)
    same_scope = [rule for rule in rules_for(practice)
                  if (rule.appointment_type_id, rule.provider_id) == (
                      appointment_type.id if appointment_type else None,
                      provider.id if provider else None)]
    if len(same_scope) >= MAX_RULES:
        raise RuleError("hours_before", f"A practice can have at most {MAX_RULES} rules "
                                        "for the same appointments.")
    checked = _check(minutes_before, bodies, practice)
    rule = new_rule(practice, minutes_before, _next_position(practice), checked)
    rule.enabled = enabled
    rule.appointment_type, rule.provider = appointment_type, provider
    rule.when_confirmed = WhenConfirmed(when_confirmed)
    db.session.add(rule)
    db.session.flush()
    replan_upcoming(practice, now or utcnow())
    return rule


KEEP = object()  # an `update_rule` scope argument not given: the rule keeps its scope


def update_rule(rule: ReminderRule, *, minutes_before: int, enabled: bool,
                bodies: dict[Language, str], appointment_type=KEEP, provider=KEEP,
                when_confirmed: WhenConfirmed | None = None,
                now: datetime | None = None) -> ReminderRule:
    """Save a before-visit rule; what it does once the patient confirmed is read as each
    reminder falls due, so changing that alone re-plans nothing."""
    practice = db.session.get(Practice, rule.practice_id)
    checked = _check(minutes_before, bodies, practice)
    appointment_type = rule.appointment_type if appointment_type is KEEP else appointment_type
    provider = rule.provider if provider is KEEP else provider
    _check_scope(practice, appointment_type, provider)
    timing_changed = (rule.minutes_before != minutes_before or rule.enabled != enabled
                      or rule.appointment_type is not appointment_type
                      or rule.provider is not provider)
    rule.minutes_before = minutes_before
    rule.enabled = enabled
    rule.appointment_type, rule.provider = appointment_type, provider
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


def applies_to_type(rule: ReminderRule, appointment_type: AppointmentType,
                    rules: list[ReminderRule]) -> bool:
    """Whether appointments of the type (with any provider) get the practice-wide `rule`:
    yes, unless a rule for the type of the same lead time is switched off."""
    override = _type_override(rule, appointment_type, rules)
    return rule.enabled if override is None else override.enabled


def _type_override(rule: ReminderRule, appointment_type: AppointmentType,
                   rules: list[ReminderRule]) -> ReminderRule | None:
    return next((other for other in rules if other.appointment_type_id == appointment_type.id
                 and other.provider_id is None
                 and other.minutes_before == rule.minutes_before), None)


def set_rules_for_type(appointment_type: AppointmentType, applying: set[int],
                       now: datetime | None = None) -> None:
    """Which of the practice-wide rules appointments of the type get (`applying`: their ids).
    A rule left out gets a switched-off rule for the type in its place (the same lead time
    and text); one put back has that rule switched on again. Appointments ahead are
    re-planned, in the caller's transaction."""
    practice = db.session.get(Practice, appointment_type.practice_id)
    rules = rules_for(practice)
    changed = False
    for rule in rules:
        if rule.is_scoped or not rule.enabled:
            continue
        wanted = rule.id in applying
        override = _type_override(rule, appointment_type, rules)
        if override is None and not wanted:
            override = new_rule(practice, rule.minutes_before, _next_position(practice),
                                {template.language: template.body
                                 for template in rule.templates})
            override.appointment_type = appointment_type
            override.enabled = False
            db.session.add(override)
            db.session.flush()
            changed = True
        elif override is not None and override.enabled != wanted:
            override.enabled = wanted
            changed = True
    if changed:
        db.session.flush()
        replan_upcoming(practice, now or utcnow())


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
