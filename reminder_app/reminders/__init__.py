"""The reminder engine: rules and their texts, planning reminders when appointments are
booked, moved or cancelled, and turning due reminders into texts in the outbox.

- `templates`: placeholders, rendering in the practice's time zone and the patient's
  language, and the preview (length, encoding, parts, credits).
- `practice_rules`: `rules_for`, each practice's rules (48 and 2 hours before by default).
- `rules`: changing the rules and quiet hours, which re-plans.
- `quiet_hours`: when a reminder may leave.
- `planning`: `plan_for`, `replan`, `cancel_for`, `queue_due`.
- `policy`: what a reminder (or an offer) must satisfy when it leaves, registered with the
  outbox at app start.
- `passes`: `run_pass`, one dispatch pass (due reminders into the outbox, the outbox out).
- `journey`: the notices when an appointment is booked, moved or cancelled by the practice,
  the no-show follow-up, and what a reminder does once the patient confirmed; its rules in
  `journey_defaults` (one of each kind per practice) and `journey_rules` (editing them).

Sending is the outbox's job (`reminder_app.outbox.dispatcher`).
"""
