"""What happens to appointments, for the packages above them to react to.

`appointments.service` sends each one inside the change's own transaction, before its
commit, with the appointment as sender and `now=`. Receivers run synchronously in that
transaction: what they write is committed (or rolled back) with the change, and an
exception in one fails the change. The waitlist subscribes (`waitlist.offers.init_app`,
called by the app factory). Reminders do not: they sit below appointments, which plans
them by a direct call, in a fixed order before these signals are sent.
"""

from blinker import Namespace

_signals = Namespace()

appointment_booked = _signals.signal("appointment-booked", doc="""A new appointment holds its
time (booked by staff, the API, a CSV import or a waitlist YES).""")
appointment_moved = _signals.signal("appointment-moved", doc="""An appointment now holds
another time or provider.""")
appointment_cancelled = _signals.signal("appointment-cancelled", doc="""An appointment was
cancelled; its time is free.""")
