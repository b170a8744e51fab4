"""Errors a user can act on. The CLI prints their message as one line and exits with their code, no traceback."""


class DevrelError(Exception):
    """Base for errors we explain to the user; `exit_code` follows the CLI contract (1 stage failed, 2 bad input)."""

    exit_code = 1


class UserError(DevrelError):
    """Bad input or usage: a missing file, an unreadable subtitle, an unknown option value."""

    exit_code = 2


class Skipped(UserError):
    """A source left out on purpose (yt-dlp's date, live or duration filters): a batch counts it skipped, not failed."""


class SetupError(DevrelError):
    """Something `make setup` installs is missing or corrupt."""

    exit_code = 2


class StageError(DevrelError):
    """A stage could not produce its artifact (the model kept answering badly, the endpoint is down)."""

    exit_code = 1
