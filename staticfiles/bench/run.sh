#!/usr/bin/env bash
# Benchmarks of staticfiles.Collect on the realistic static tree (6,665 files,
# 57 MB: Django admin plus five npm packages), not part of CI:
#   staticfiles/bench/run.sh [upload|compress|compress-cgo|django|all]   (default: all)
# upload:   to MinIO on loopback, first run vs a plain parallel upload of the same
#           objects through the same storage, and the rerun of the unchanged tree.
# compress: brotli 11 + gzip 9 (WhiteNoise's) and brotli 5 + zstd, into a local directory
#           (pure-Go brotli); compress-cgo: the same with libbrotli (cbrotli build
#           tag, needs apt libbrotli-dev).
# django:   Django 3.2 + WhiteNoise 6 collectstatic (CompressedManifestStaticFilesStorage)
#           on the same tree to a local directory, for comparison (apt python3-django
#           python3-whitenoise).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tree=${STATIC_TREE:-${TMPDIR:-/tmp}/static-corpus/static}
if [ ! -d "$tree" ]; then
  "$root/../../shared/corpus/static-tree.sh" "$(dirname "$tree")" || /work/shared/corpus/static-tree.sh "$(dirname "$tree")"
fi
export STATIC_TREE=$tree
what=${1:-all}
cd "$root"
if [ "$what" = upload ] || [ "$what" = all ]; then
  go test -tags staticbench -count=1 -timeout 60m -run TestUploadMinIO -v ./staticfiles/bench/
fi
if [ "$what" = compress ] || [ "$what" = all ]; then
  go test -tags staticbench -count=1 -timeout 60m -run TestCompress -v ./staticfiles/bench/
fi
if [ "$what" = compress-cgo ] || [ "$what" = all ]; then
  CGO_ENABLED=1 go test -tags 'staticbench cbrotli' -count=1 -timeout 60m -run TestCompress -v ./staticfiles/bench/
fi
if [ "$what" = django ] || [ "$what" = all ]; then
  out=$(mktemp -d "${TMPDIR:-/tmp}/staticbench-django.XXXXXX")
  cat > "$out/settings.py" <<PY
SECRET_KEY = "bench"
INSTALLED_APPS = ["django.contrib.staticfiles"]
STATIC_URL = "/static/"
STATICFILES_DIRS = ["$tree"]
STATIC_ROOT = "$out/root"
STATICFILES_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
PY
  PYTHONPATH="$out" DJANGO_SETTINGS_MODULE=settings /usr/bin/python3 -c '
import time, django
from django.core.management import call_command
django.setup()
import resource, whitenoise
t = time.time()
call_command("collectstatic", "--noinput", verbosity=0)
ru = resource.getrusage(resource.RUSAGE_SELF)
print("Django %s + WhiteNoise %s collectstatic (CompressedManifestStaticFilesStorage): %.1f s wall, %.1f s CPU" % (
    django.get_version(), getattr(whitenoise, "__version__", "6"), time.time() - t, ru.ru_utime + ru.ru_stime))'
  echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "  .br total: $(find "$out/root" -name '*.br' -printf '%s\n' | awk '{s+=$1} END {printf "%.2f MB", s/1e6}')"
  echo "  .gz total: $(find "$out/root" -name '*.gz' -printf '%s\n' | awk '{s+=$1} END {printf "%.2f MB", s/1e6}')"
  rm -rf "$out"
fi
