"""The patient picker: what a receptionist finds as they type a name, a date of birth or a
mobile, a page at a time, and the form field that posts the chosen patient's id.

Every form that chooses a patient (booking, the waitlist, the unmatched inbox) uses
`PatientField` and the `patients/_picker.html` macro; `static/js/patient-picker.js` asks
`patients.search` for the matches.
"""

from dataclasses import dataclass

from wtforms import IntegerField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

from ..extensions import db
from ..models import Patient
from ..tenancy import MAX_ID, current_practice, scoped
from . import service

#: Matches per page: a short list a person reads at a glance.
PAGE_SIZE = 10
NOT_OURS = "Please choose one of the practice's patients."


@dataclass(frozen=True)
class Match:
    id: int
    name: str
    detail: str


@dataclass(frozen=True)
class Page:
    matches: list[Match]
    page: int
    has_more: bool


def describe(patient: Patient) -> Match:
    """How a patient is told apart from namesakes: date of birth and mobile."""
    born = f"born {patient.date_of_birth.isoformat()}" if patient.date_of_birth else ""
    detail = " · ".join(part for part in (born, service.display_mobile(patient.mobile)) if part)
    return Match(patient.id, patient.sorting_name, detail)


def find(text: str, page: int) -> Page:
    """One page of the current practice's patients matching `text`, in the patients list's
    order. The practice's rows are read through `ix_patient_practice_id_last_name`, never
    another practice's; one row more than a page tells whether there is a next one, so no
    COUNT is needed."""
    query = service.search(scoped(Patient), text, current_practice().country).order_by(
        Patient.last_name, Patient.first_name, Patient.id)
    rows = list(db.session.scalars(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)))
    return Page([describe(p) for p in rows[:PAGE_SIZE]], page, len(rows) > PAGE_SIZE)


def has_patients() -> bool:
    """Whether the current practice has a patient to choose (else forms say to add one)."""
    return db.session.scalar(scoped(Patient).limit(1)) is not None


class PatientField(IntegerField):
    """The chosen patient's id, posted by the picker's hidden input. Only a patient of the
    current practice is accepted; `field.chosen()` is that patient."""

    widget = HiddenInput()

    def __init__(self, label: str = "Patient", **kwargs):
        super().__init__(label, validators=[InputRequired("Please choose a patient.")],
                         **kwargs)

    def process_data(self, value) -> None:
        """A form filled from a record (`obj=entry`) holds its patient: keep the id."""
        super().process_data(value.id if isinstance(value, Patient) else value)

    def chosen(self) -> Patient | None:
        """The patient the field holds (posted, or prefilled by `?patient=`), if it is ours."""
        if not isinstance(self.data, int) or not 0 < self.data <= MAX_ID:
            return None
        if getattr(self, "_patient", None) is None or self._patient.id != self.data:
            self._patient = db.session.scalar(scoped(Patient).where(Patient.id == self.data))
        return self._patient

    def chosen_match(self) -> Match | None:
        patient = self.chosen()
        return describe(patient) if patient is not None else None

    def post_validate(self, form, validation_stopped: bool) -> None:
        if validation_stopped or self.errors:
            return
        if self.chosen() is None:
            self.errors.append(NOT_OURS)

