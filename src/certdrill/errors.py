"""The project's own error type: a message written for the learner, shown without a traceback."""


class CertdrillError(Exception):
    """A problem the user can fix; `str(error)` is one line that says what and where."""
