"""The recall's texts, in the patient's language (their words are in the one catalog,
reminder_app/sms_texts.py, section "recalls")."""

from __future__ import annotations

from ..models import Patient, Practice
from ..sms_texts import RecallText, render

__all__ = ["RecallText", "for_step", "render_for"]


def for_step(step: int) -> RecallText:
    """The first text says it is due; the later ones, that it still is."""
    return RecallText.DUE if step == 1 else RecallText.AGAIN


def render_for(kind: RecallText, practice: Practice, patient: Patient) -> str:
    return render(kind, practice, patient.language.value, first_name=patient.first_name)
