"""The settings pages of the practice's appointment types and sites (their rules live in
`appointments.visits`)."""
