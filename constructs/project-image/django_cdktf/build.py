"""The image build's last step, in the project's directory: collect the static files.

    DJANGO_CDKTF_BUILD=1 python -m django_cdktf.build

No secret and no database exist at build: the settings overlay puts placeholders in DJANGO_SECRET_KEY,
SECRET_KEY and DATABASE_URL, so settings that read them at import still import. A failure prints
Django's own error and what to change.
"""

import os
import subprocess
import sys

from django_cdktf import environment


def main() -> int:
    if not environment.is_build():
        print(f"django-cdktf: run with {environment.BUILD_FLAG}=1 (the image build)", file=sys.stderr)
        return 2
    manage = ["manage.py"] if os.path.isfile("manage.py") else ["-m", "django"]
    code = subprocess.call([sys.executable, *manage, "collectstatic", "--noinput", "--verbosity", "1"])
    if code != 0:
        print(
            f"django-cdktf: collectstatic failed (exit code {code}); Django's error is above. The project's "
            "settings are imported at build time without secrets, database or the app's own variables "
            "(APP_ENV_*, APP_SECRET_*): give what they read at import a default, or read it where it is used",
            file=sys.stderr,
        )
        return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
