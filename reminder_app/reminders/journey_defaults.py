"""A practice's journey rules (a notice when an appointment is booked, moved or cancelled by
the practice, a follow-up after a no-show), one of each kind, and what they start as.

A practice created after these rules existed starts with the three notices on and the
no-show follow-up off; one that existed before gets all four off, to switch on in the rules
screen (docs/decisions.md, "The appointment's journey"). Both are created here; nothing
else writes them.
"""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import sms_texts
from ..extensions import db
from ..models import Language, Practice, ReminderRule, ReminderTemplate
from ..models.reminders import JOURNEY_KINDS, RuleKind
from ..sms_texts import JourneyText

#: No booked notice for an appointment starting within 2 hours: the 2-hour reminder (a
#: default rule) is about to tell the patient anyway, and they just spoke with the practice.
BOOKED_LEAD_MINUTES = 2 * 60
#: The follow-up goes out an hour after the no-show is marked (then inside allowed hours).
NO_SHOW_DELAY_MINUTES = 60

DEFAULT_TEXTS = {RuleKind.BOOKED: JourneyText.BOOKED, RuleKind.CHANGED: JourneyText.CHANGED,
                 RuleKind.CANCELLED: JourneyText.CANCELLED,
                 RuleKind.NO_SHOW: JourneyText.NO_SHOW}
#: What a new practice has switched on.
ON_FOR_NEW = frozenset({RuleKind.BOOKED, RuleKind.CHANGED, RuleKind.CANCELLED})


def default_bodies(kind: RuleKind) -> dict[Language, str]:
    return {language: sms_texts.text(DEFAULT_TEXTS[kind], language) for language in Language}


def _position(kind: RuleKind) -> int:
    """Fixed and negative: one rule per kind (the unique position says so), never in the
    way of the before-visit rules, numbered from 1."""
    return -1 - JOURNEY_KINDS.index(kind)


def add_journey_rules(practice: Practice, *, as_new: bool,
                      have: frozenset[RuleKind] = frozenset()) -> None:
    """Add the journey rules the practice lacks (`have` it has), in the caller's
    transaction: on as `ON_FOR_NEW` says for a practice being created, else off."""
    for kind in JOURNEY_KINDS:
        if kind in have:
            continue
        rule = ReminderRule(practice_id=practice.id, kind=kind, position=_position(kind),
                            enabled=as_new and kind in ON_FOR_NEW,
                            minutes_before=BOOKED_LEAD_MINUTES,
                            delay_minutes=NO_SHOW_DELAY_MINUTES if kind is RuleKind.NO_SHOW
                            else 0)
        rule.templates = [ReminderTemplate(language=language, body=body)
                          for language, body in default_bodies(kind).items()]
        db.session.add(rule)


def journey_rule(practice_id: int, kind: RuleKind) -> ReminderRule | None:
    """The practice's rule of this kind, if it has one (planning never creates it: a
    practice that has none has never switched it on)."""
    return db.session.scalar(select(ReminderRule).where(
        ReminderRule.practice_id == practice_id, ReminderRule.kind == kind))


def journey_rules_for(practice: Practice) -> list[ReminderRule]:
    """The practice's four journey rules in order, the missing ones created off (for the
    rules screen, in the caller's transaction)."""
    found = _load(practice)
    if len(found) < len(JOURNEY_KINDS):
        try:
            with db.session.begin_nested():
                add_journey_rules(practice, as_new=False,
                                  have=frozenset(rule.kind for rule in found))
        except IntegrityError:  # another request created them at the same moment
            pass
        found = _load(practice)
    return sorted(found, key=lambda rule: JOURNEY_KINDS.index(rule.kind))


def _load(practice: Practice) -> list[ReminderRule]:
    return list(db.session.scalars(select(ReminderRule).where(
        ReminderRule.practice_id == practice.id,
        ReminderRule.kind.in_(JOURNEY_KINDS))))


def enabled_journey_rules(practice: Practice) -> list[ReminderRule]:
    """The journey rules the practice switched on, in order (creating none)."""
    return sorted((rule for rule in _load(practice) if rule.enabled),
                  key=lambda rule: JOURNEY_KINDS.index(rule.kind))
