"""Query-string arguments of staff pages, parsed and kept within range: a value out of range
is a 400 that says what is allowed, never a 500 further down (an overflowing date, an
offset larger than the database's integers)."""

from datetime import date, time

from flask import abort, make_response, request

from .errors import render_error
from .validation import FieldError, check_appointment_day

#: No list is this long; a larger page number is refused before it becomes an OFFSET.
MAX_PAGE = 100_000


def refuse(message: str):
    abort(make_response(render_error(400, message)))


def calendar_day(name: str, today: date) -> date | None:
    """A day for the calendar (`?date=2026-03-09`), within the appointments' range."""
    text = request.args.get(name)
    if not text:
        return None
    try:
        return check_appointment_day(date.fromisoformat(text), today, name)
    except FieldError as error:
        refuse(error.message)
    except ValueError:
        refuse("Give the date like 2026-03-09.")


def clock_time(name: str) -> time | None:
    """A time of day on the practice's clock (`?time=09:30`), to prefill a form."""
    text = request.args.get(name)
    if not text:
        return None
    try:
        return time.fromisoformat(text).replace(second=0, microsecond=0, tzinfo=None)
    except ValueError:
        refuse("Give the time like 09:30.")


def choice(name: str, allowed: tuple[str, ...]) -> str:
    """One of a few words (`?view=list`); the first when absent."""
    value = request.args.get(name) or allowed[0]
    if value not in allowed:
        refuse(f"Choose {name} from: {', '.join(allowed)}.")
    return value


def page_number(name: str = "page") -> int:
    """The page of a list (`?page=2`): 1 when absent or not a number."""
    page = request.args.get(name, 1, type=int) or 1
    if not 1 <= page <= MAX_PAGE:
        refuse(f"Choose a page from 1 to {MAX_PAGE}.")
    return page
