#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from config.env import EnvError

    try:
        execute_from_command_line(sys.argv)
    except EnvError as error:
        # A configuration mistake, not a bug: the message names the variables, a traceback adds noise.
        sys.exit(f"error: {error}")


if __name__ == "__main__":
    main()
