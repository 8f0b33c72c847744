"""Patients: who the practice reminds, on which mobile, in which language, with consent."""
