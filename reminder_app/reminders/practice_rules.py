"""A practice's reminder rules as they stand, the two default ones (48 and 2 hours before)
given to a practice when it is created (`add_default_rules`, at sign-up), or the first time
anything asks for a practice that has none. Below both `planning`, which plans from them,
and `rules`, which changes them and then re-plans: neither imports the other's caller."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Appointment, Language, Practice, ReminderRule, ReminderTemplate
from ..models.reminders import RuleKind
from . import templates
from .journey_defaults import add_journey_rules

DEFAULT_RULE_MINUTES = (48 * 60, 2 * 60)


def rules_for(practice: Practice) -> list[ReminderRule]:
    """The practice's rules in order, the default ones created (in the caller's transaction)
    if it has none yet."""
    rules = _load(practice)
    if rules:
        return rules
    try:
        with db.session.begin_nested():
            _add_before_visit_rules(practice)
    except IntegrityError:  # another request created them at the same moment
        pass
    return _load(practice)


def rules_that_apply(rules: list[ReminderRule], appointment: Appointment) -> list[ReminderRule]:
    """The rules (of `rules`, in their order) an appointment gets: those whose scopes match
    its type and provider, and of those, for each lead time, only the most specific. So a
    rule for its type (or provider) takes the place of the practice-wide rule of the same
    lead time, with its own text, or with none when it is switched off; the caller skips the
    switched-off ones."""
    matching = [rule for rule in rules if rule.applies_to(appointment)]
    most_specific: dict[tuple, int] = {}
    for rule in matching:  # a notice never takes the place of a reminder: kinds apart
        key = (rule.kind, rule.minutes_before)
        most_specific[key] = max(most_specific.get(key, 0), rule.specificity)
    return [rule for rule in matching
            if rule.specificity == most_specific[(rule.kind, rule.minutes_before)]]


def add_default_rules(practice: Practice) -> None:
    """The rules every practice starts with, for a practice being created: the two
    reminders, and the journey's notices as a new practice has them (`journey_defaults`)."""
    _add_before_visit_rules(practice)
    add_journey_rules(practice, as_new=True)


def _add_before_visit_rules(practice: Practice) -> None:
    for position, minutes in enumerate(DEFAULT_RULE_MINUTES, start=1):
        db.session.add(new_rule(practice, minutes, position,
                                templates.default_templates(practice.name_provider)))


def _load(practice: Practice) -> list[ReminderRule]:
    return list(db.session.scalars(
        select(ReminderRule).where(ReminderRule.practice_id == practice.id,
                                   ReminderRule.kind == RuleKind.BEFORE_VISIT)
        .order_by(ReminderRule.position)))


def new_rule(practice: Practice, minutes: int, position: int,
             bodies: dict[Language, str]) -> ReminderRule:
    rule = ReminderRule(practice_id=practice.id, minutes_before=minutes, enabled=True,
                        position=position)
    rule.templates = [ReminderTemplate(language=language, body=body)
                      for language, body in bodies.items()]
    return rule
