"""What comes back from Clickatell: patients' replies and delivery reports, and the
conversations staff read."""
