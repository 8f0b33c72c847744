"""The waitlist: patients who would come sooner, and the offers by SMS that fill a cancelled
slot from it (`offers`), first answer wins."""
