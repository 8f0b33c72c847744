"""Appointments: booking, the day and week views, providers and CSV import."""
