#!/usr/bin/env bash
# Benchmarks of staticfiles.Collect on the realistic static tree (6,665 files,
# 57 MB: Django admin plus five npm packages), not part of CI:
#   staticfiles/bench/run.sh [upload|compress|compress-cgo|django|all]   (default: all)
# upload:   to MinIO on loopback, in one run: a plain parallel upload of the same
#           objects through the same storage (the floor), Collect's first run and
#           its rerun of the unchanged tree, then (STATIC_PEERS=1, the default) the
#           tools a user would pick instead, each into a fresh bucket of the same
#           MinIO: Django 3.2 + django-storages S3ManifestStaticStorage collectstatic
#           (first run, rerun) and `aws s3 sync` of the plain files (first run,
#           rerun). Missing Debian packages (python3-django python3-django-storages
#           python3-boto3 awscli) are installed with apt-get; STATIC_PEERS=0 skips them.
# compress: precompression only, brotli 11 + gzip 9 (WhiteNoise's) and brotli 5 +
#           zstd, into a local directory (pure-Go brotli), each followed by a rerun;
#           prints CPU seconds (user + system) and where they went (from a CPU
#           profile), and the wall time to expect on two free cores (CPU / 2).
#           STATIC_PRESET=whitenoise or fast runs one preset, STATIC_DEST=file or mem one
#           destination (the WhiteNoise preset also runs into memory, to show the
#           compression without the local directory's writes).
#           STATIC_CONCURRENCY sets Options.Concurrency (default: the storage kind's).
#           compress-cgo: the same with libbrotli (cbrotli build tag, libbrotli-dev).
#           STATIC_OUT is the directory under which the local-directory runs write
#           (default $TMPDIR). On an ext4 without a journal (this VM's root) a create
#           costs several times more in block groups holding inodes freed in the last
#           1-6 minutes, such as those of the previous run's output, deleted when it
#           ended (see filesystem/BENCHMARKS.md round 5): for the write cost of a
#           deploy, give a new directory and leave 6 minutes after any large deletion.
#           STATIC_KEEP=1 keeps each run's output (printed) instead of deleting it
#           when the run ends, so back-to-back runs do not pay for each other's cleanup.
# django:   Django 3.2 + WhiteNoise 6 collectstatic (CompressedManifestStaticFilesStorage)
#           on the same tree to a local directory, for comparison (python3-django
#           python3-whitenoise python3-brotli, installed when missing).
# Wall times are only meaningful on an otherwise idle machine: check the load
# average printed with each table.
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

# debs installs the Debian packages named when check fails.
debs() {
  local check=$1; shift
  if ! eval "$check" >/dev/null 2>&1; then
    echo "installing from Debian: $*"
    if [ "$(id -u)" = 0 ]; then apt-get install -y -q "$@" >/dev/null; else sudo apt-get install -y -q "$@" >/dev/null; fi
  fi
}

# breakdown prints where the CPU of a profile went.
breakdown() {
  go tool pprof -top -cum -nodecount=100000 -nodefraction=0 -edgefraction=0 "$1" 2>/dev/null | awk '
    /^Duration:/ { for (i = 1; i <= NF; i++) if ($i == "samples") total = $(i + 2) }
    { cum = $4; sub(/s$/, "", cum); if ($5 ~ /%$/) name = $6; else next }
    name == "github.com/go-storages/storage/staticfiles.(*compressor).brotli" { br = cum }
    name == "github.com/go-storages/storage/staticfiles.(*compressor).compress" { all = cum }
    name == "github.com/go-storages/storage/staticfiles.(*run).save" { save = cum }
    name ~ /^runtime.gcBgMarkWorker$/ { gc = cum }
    END { printf "  CPU profile of the first run (%s sampled): brotli %.1f s, gzip/zstd %.1f s, storage writes %.1f s, GC %.1f s, rest %.1f s\n", total, br, all - br, save, gc, total - all - save - gc }'
}

compress() {
  local prof; prof=$(mktemp -d "${TMPDIR:-/tmp}/staticbench-prof.XXXXXX")
  GOTMPDIR=${GOTMPDIR:-${TMPDIR:-/tmp}} TMPDIR=${STATIC_OUT:-${TMPDIR:-/tmp}} STATIC_PROFILE_DIR=$prof \
    go test -tags "staticbench $1" -count=1 -timeout 60m -run 'TestCompress$' -v ./staticfiles/bench/ | grep -v -E '^(=== RUN|--- PASS|PASS$)'
  for p in "$prof"/*.prof; do
    [ -f "$p" ] || continue
    echo "$(basename "$p" .prof):"
    breakdown "$p"
  done
  rm -rf "$prof"
}

if [ "$what" = upload ] || [ "$what" = all ]; then
  if [ "${STATIC_PEERS:-1}" = 1 ]; then
    debs '[ -x /usr/bin/aws ] && /usr/bin/python3 -c "import django, storages, boto3"' \
      python3-django python3-django-storages python3-boto3 awscli
  fi
  STATIC_PEERS=${STATIC_PEERS:-1} go test -tags staticbench -count=1 -timeout 60m -run TestUploadMinIO -v ./staticfiles/bench/
fi
if [ "$what" = compress ] || [ "$what" = all ]; then
  compress ""
fi
if [ "$what" = compress-cgo ] || [ "$what" = all ]; then
  debs '[ -f /usr/include/brotli/encode.h ]' libbrotli-dev
  CGO_ENABLED=1 compress cbrotli
fi
if [ "$what" = django ] || [ "$what" = all ]; then
  debs '/usr/bin/python3 -c "import django, whitenoise, brotli"' python3-django python3-whitenoise python3-brotli
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
  echo "  .br total: $(find "$out/root" -name '*.br' -printf '%s\n' | awk '{s+=$1} END {printf "%d bytes", s}')"
  echo "  .gz total: $(find "$out/root" -name '*.gz' -printf '%s\n' | awk '{s+=$1} END {printf "%d bytes", s}')"
  rm -rf "$out"
fi
