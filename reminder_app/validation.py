"""The one error type for "this value cannot be used", shared by forms, CSV import and API."""


class FieldError(ValueError):
    """A value someone gave that cannot be used. `field` names the form, CSV or API field the
    message belongs to; the message is written for the person who typed the value."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message
