"""The common base of every "this step is not allowed in the current state" error.

The API turns it into 409 Conflict and the pages show its message; each part of the product
subclasses it (DutyError, EngagementError, RequestError, ...).
"""


class StepNotAllowed(Exception):
    pass
