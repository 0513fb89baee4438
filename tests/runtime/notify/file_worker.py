"""A worker process whose sender appends each idempotency key to a file (for the kill test).

python -m tests.runtime.notify.file_worker KEYS_FILE   (settings from LOKET_* variables)
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from runtime.cli.worker import run_worker
from runtime.models import OutboxMessage
from runtime.settings import Settings

DELAY = 0.005  # seconds per delivery, so that a kill lands in the middle


class FileSender:
    """Delivers by appending the message's idempotency key to a file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, message: OutboxMessage) -> None:
        time.sleep(DELAY)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(message.idempotency_key + "\n")


def main() -> None:
    sender = FileSender(Path(sys.argv[1]))
    run_worker(Settings.from_env(), senders=lambda channel: sender, lease=dt.timedelta(seconds=1))


if __name__ == "__main__":
    main()
