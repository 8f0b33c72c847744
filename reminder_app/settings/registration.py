"""The 10DLC registration helper: what a practice must give its carrier registration (The
Campaign Registry, through Clickatell), gathered in one document.

The brand (legal name, EIN, address, website) is what staff type in; the campaign (use case,
description, how patients opt in, sample messages, the keyword answers) is written from the
practice's own texts, so the samples a reviewer reads are the texts patients will get.
Nothing here is stored: the document is built and downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from ..inbound.answers import Answer
from ..inbound.answers import render as answer_text
from ..models import ConsentMethod, Language, Practice
from ..reminders import consent, templates
from ..reminders.journey_defaults import enabled_journey_rules
from ..reminders.practice_rules import rules_for
from ..sms_texts import phone_for_patients

USE_CASE = "Account notifications (appointment reminders for a healthcare practice)"
SAMPLE_PATIENT = ("Ana", "Reyes")
SAMPLE_PROVIDER = "Dr. Amelia Reyes"


@dataclass(frozen=True)
class Brand:
    legal_name: str
    ein: str
    address: str
    website: str
    privacy_url: str


def sample_messages(practice: Practice, now: datetime) -> list[str]:
    """Each enabled rule's reminder, in each language, for a sample appointment at 9:30 on
    the next weekday, then the confirmation and opt-in texts."""
    day = now.astimezone(practice.zone).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    starts_at = datetime.combine(day, time(9, 30), tzinfo=practice.zone).astimezone(UTC)
    samples = []
    for rule in [*rules_for(practice), *enabled_journey_rules(practice)]:
        if not rule.enabled:
            continue
        for language in Language:
            template = rule.template_for(language)
            body = template.body if template else templates.DEFAULT_TEMPLATES[language]
            samples.append(templates.render(body, templates.Details(
                patient_first_name=SAMPLE_PATIENT[0], patient_last_name=SAMPLE_PATIENT[1],
                practice_name=practice.name, practice_phone=phone_for_patients(practice),
                provider=SAMPLE_PROVIDER, starts_at=starts_at, zone=practice.zone,
                language=language)))
    samples.append(answer_text(Answer.CONFIRMED, practice, "en", starts_at))
    samples.append(consent.opt_in_confirmation(practice, "en"))
    return samples


def opt_in_description(practice: Practice) -> str:
    methods = ", ".join(method.label.lower() for method in (
        ConsentMethod.STAFF_PHONE, ConsentMethod.SIGNED_FORM, ConsentMethod.CSV_IMPORT,
        ConsentMethod.API))
    return (f"Patients of {practice.name} agree to appointment texts when they book: staff "
            f"read or show them this request and record their answer ({methods}), with the "
            "wording, who recorded it and when, in the patient's consent history. A patient "
            "may also opt in by texting START. The first opt-in is confirmed by text. "
            f"Request shown: “{consent.consent_wording(practice, 'en')}”")


def document(practice: Practice, brand: Brand, now: datetime) -> str:
    """The whole registration, as one Markdown document."""
    per_visit = consent.reminders_per_visit(practice)
    keyword_answers = [
        ("HELP", answer_text(Answer.HELP, practice, "en")),
        ("STOP", answer_text(Answer.OPTED_OUT, practice, "en")),
        ("START", answer_text(Answer.OPTED_IN, practice, "en", per_visit=per_visit)),
    ]
    lines = [
        f"# 10DLC registration: {practice.name}", "",
        f"Prepared {now.astimezone(practice.zone):%d %B %Y}.", "",
        "## Brand", "",
        f"- Legal name: {brand.legal_name}",
        f"- EIN (tax id): {brand.ein}",
        f"- Address: {brand.address}",
        f"- Website: {brand.website}",
        f"- Phone: {phone_for_patients(practice)}", "",
        "## Campaign", "",
        f"- Use case: {USE_CASE}",
        f"- Description: {practice.name} texts its patients reminders of their appointments "
        f"(about {per_visit} per visit), and answers their replies (confirm, reschedule, "
        "HELP, STOP). No marketing, no third-party content.",
        "- Message frequency: varies with appointments; about "
        f"{per_visit} reminder(s) per visit, at most {practice.reminders_per_day} a day and "
        f"{practice.reminders_per_week} a week per patient.",
        f"- How patients opt in: {opt_in_description(practice)}",
        "- Opt-out: STOP (and every carrier opt-out word, and plain requests such as "
        "“stop texting me”); every reminder ends with “Reply STOP to opt out”.",
        f"- Privacy statement: {brand.privacy_url}. Mobile numbers and consent are not "
        "shared with third parties or affiliates for marketing.", "",
        "## Sample messages", "",
        *[f"{n}. {text}" for n, text in enumerate(sample_messages(practice, now), start=1)],
        "", "## Keyword answers", "",
        *[f"- {word}: {text}" for word, text in keyword_answers], "",
    ]
    return "\n".join(lines)
