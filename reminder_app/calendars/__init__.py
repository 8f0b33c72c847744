"""Calendars: a provider's appointments as an iCalendar feed at a secret address that staff
subscribe to, and any appointment as an `.ics` file to add to a calendar."""
