"""The `mipex-tracker` command line: the group in `app`, its commands in the modules below."""

from tracker.cli import (  # noqa: F401  (they register their commands)
    digest_commands,
    grouping_commands,
    history_commands,
    library_commands,
    score_commands,
    screening_commands,
    tagging_commands,
)
from tracker.cli.app import main

__all__ = ["main"]
