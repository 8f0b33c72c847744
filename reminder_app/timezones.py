"""Local time at the edges, UTC inside.

Staff enter and read times in their practice's zone; the database holds aware UTC. These
helpers are the only place a local wall-clock time becomes an instant, so the two DST rules
live here: a time that does not exist (the spring-forward gap) is refused, and a time that
happens twice (the fall-back hour) means its first occurrence.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped by a daylight-saving change; the message is for the person."""


def to_utc(local_date: date, local_time: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time in `zone` (fold=0: the first of two)."""
    wall = datetime.combine(local_date, local_time.replace(tzinfo=None, fold=0))
    instant = wall.replace(tzinfo=zone).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != wall:
        raise NonexistentLocalTime(
            f"{wall:%H:%M} does not exist on {wall:%d %B %Y}: the clocks jump forward then. "
            "Please pick another time.")
    return instant


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    """An aware instant as wall-clock time in `zone`."""
    return moment.astimezone(zone)


def start_of_day(local_date: date, zone: ZoneInfo) -> datetime:
    """The UTC instant the practice's day begins (its first existing minute)."""
    return datetime.combine(local_date, time(0), tzinfo=zone).astimezone(UTC)


def day_bounds(local_date: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a local day in UTC: 23 or 25 hours long on DST days."""
    return start_of_day(local_date, zone), start_of_day(local_date + timedelta(days=1), zone)


def days_bounds(first_day: date, days: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) in UTC of `days` local days from `first_day`."""
    return start_of_day(first_day, zone), start_of_day(first_day + timedelta(days=days), zone)


def today(zone: ZoneInfo, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(zone).date()


def on_site_clock(moment: datetime, zone: ZoneInfo, practice_zone: ZoneInfo,
                  pattern: str = "%H:%M") -> str:
    """`moment` as wall-clock time in a site's `zone`, naming the zone ("09:00 MST") only
    where that clock reads differently from the practice's at that instant: staff of a New
    York practice see a Denver visit at Denver's 9:00, and know it is not New York's."""
    here = moment.astimezone(zone)
    shown = here.strftime(pattern)
    if here.utcoffset() != moment.astimezone(practice_zone).utcoffset():
        shown = f"{shown} {here.tzname()}"
    return shown
