"""The one error type for "this value cannot be used", shared by forms, CSV import and API,
and the ranges dates must fall in."""

from datetime import date

#: Appointments, and the days the calendar shows, lie within this many years of today.
APPOINTMENT_HORIZON_YEARS = 5
#: No patient alive was born before this.
EARLIEST_BIRTH_DATE = date(1900, 1, 1)


class FieldError(ValueError):
    """A value someone gave that cannot be used. `field` names the form, CSV or API field the
    message belongs to; the message is written for the person who typed the value."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def appointment_days(today: date) -> tuple[date, date]:
    """The first and the last day an appointment may be on, or the calendar may show."""
    return (_years_after(today, -APPOINTMENT_HORIZON_YEARS),
            _years_after(today, APPOINTMENT_HORIZON_YEARS))


def check_appointment_day(day: date, today: date, field: str) -> date:
    first, last = appointment_days(today)
    if not first <= day <= last:
        raise FieldError(field, f"Choose a day from {first.isoformat()} to {last.isoformat()}.")
    return day


def check_birth_date(day: date | None, today: date, field: str = "date_of_birth"
                     ) -> date | None:
    if day is not None and day > today:
        raise FieldError(field, "The date of birth cannot be in the future.")
    if day is not None and day < EARLIEST_BIRTH_DATE:
        raise FieldError(field, f"The date of birth cannot be before "
                                f"{EARLIEST_BIRTH_DATE.isoformat()}.")
    return day
