"""One exception tree for everything the package raises.

Messages say what was expected, what was found, and what to do. Only the CLI
(and later the web app) turns these into exit codes and messages.
"""

from __future__ import annotations


class ValgusError(Exception):
    """Root of every error the package raises."""

    code = "error"
    exit_code = 1


class InputError(ValgusError, ValueError):
    """Bad argument, file or setting."""

    code = "bad_input"
    exit_code = 2


class OutputError(InputError):
    """A result, report or export file that cannot be written (no permission, disk full)."""

    code = "cannot_write"


class VideoReadError(ValgusError, OSError):
    """Video missing, unreadable, truncated or empty."""

    code = "video_unreadable"
    exit_code = 3


class PoseFileError(InputError):
    """A pose file that cannot be read or does not follow the pose data model."""

    code = "pose_file_invalid"


class MocapFileError(PoseFileError):
    """A motion-capture file (TRC, C3D, OpenSim .mot) that is missing, damaged, unsupported or
    lacks the markers the analysis needs."""

    code = "mocap_file_invalid"


class NoPersonDetectedError(ValgusError):
    """Nobody found in enough frames."""

    code = "no_person"
    exit_code = 4


class UnsuitableViewError(ValgusError):
    """The camera angle cannot show frontal-plane motion."""

    code = "unsuitable_view"
    exit_code = 5


class OutOfFrameError(ValgusError):
    """The body or the feet are cut off by the frame edge."""

    code = "out_of_frame"
    exit_code = 6


class NoRepsFoundError(ValgusError):
    """No complete repetition of the movement was found."""

    code = "no_reps"
    exit_code = 7


class DataQualityWarning(UserWarning):
    """Result computed, but less reliable."""


class AnswersError(InputError):
    """Self-test answers (flags, prompts or an answers file) that are missing, of the wrong
    type or out of range."""

    code = "bad_answers"


class AnalysisFileError(InputError):
    """An analysis or assessment JSON file that cannot be read or does not follow its contract."""

    code = "analysis_file_invalid"


class CatalogueError(ValgusError):
    """The exercise catalogue data file does not validate (a packaging or editing bug)."""

    code = "catalogue_invalid"
    exit_code = 9


class RedFlagError(ValgusError):
    """A red flag was reported: see a clinician; no exercise program is produced."""

    code = "red_flag"
    exit_code = 8


class StorageError(ValgusError):
    """The history database cannot be opened, migrated, read or written."""

    code = "storage_error"
    exit_code = 10


class UnknownPersonError(InputError):
    """A person name that is not in the history database."""

    code = "unknown_person"


class NotFoundError(InputError):
    """A record (an analysis job, a file of it) that does not exist."""

    code = "not_found"


class PersonExistsError(InputError):
    """A person with this name is already in the history database."""

    code = "person_exists"


class ExportFileError(InputError):
    """A history export file that cannot be read or does not follow its format."""

    code = "export_file_invalid"


class AccessError(ValgusError):
    """Clinic mode: the request is not allowed (base of the sign-in errors)."""

    code = "forbidden"


class NotSignedInError(AccessError):
    """Clinic mode: no valid session (HTTP 401)."""

    code = "not_signed_in"


class LoginFailedError(NotSignedInError):
    """Wrong user name or password, or a disabled account (one message for all three)."""

    code = "login_failed"


class TooManyAttemptsError(AccessError):
    """Too many failed sign-ins for this account or from this address (HTTP 429)."""

    code = "too_many_attempts"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class CsrfError(AccessError):
    """A state-changing request without the session's CSRF token (HTTP 403)."""

    code = "csrf"
