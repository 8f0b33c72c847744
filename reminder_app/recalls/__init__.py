"""Recalls: patients due for a visit they have not booked, texted until they book or reply
(models in `models/recalls.py`; the list at /recalls)."""
