#!/usr/bin/env bash
# Regenerates the golden output of Django's collectstatic over static/ into
# expected/: every file Django writes (originals, hashed copies with
# rewritten references) and its staticfiles.json. The Go test
# TestDjangoGolden collects the same tree and compares.
# Needs Debian's Django 3.2: apt-get install -y python3-django
set -euo pipefail
cd "$(dirname "$0")"
export GOLDEN_OUT="$PWD/expected"
rm -rf "$GOLDEN_OUT"
PYTHONPATH="$PWD" DJANGO_SETTINGS_MODULE=settings /usr/bin/python3 -c '
import django
from django.core.management import call_command
django.setup()
print("Django", django.get_version())
call_command("collectstatic", "--noinput", verbosity=1)
'
/usr/bin/python3 -c 'import django; print(django.get_version())' > expected/DJANGO_VERSION
