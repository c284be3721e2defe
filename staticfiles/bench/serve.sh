#!/usr/bin/env bash
# Serving benchmark for staticfiles.Handler (not run in CI):
#
#   staticfiles/bench/serve.sh [SECONDS per run, default 10] [ROUNDS, default 2]
#
# Serves one hashed CSS file, bootstrap.min.css's brotli variant (quality 11),
# to wrk with 32 connections on loopback, side by side in one run, from:
#   nginx     nginx-light serving the same precompressed bytes (sendfile)
#   minimal   a net/http handler writing the same bytes from memory with the
#             same headers (the Go floor: servebench -mode minimal)
#   handler   staticfiles.Handler over the filesystem driver (servebench)
#   servecontent the minimal handler's bytes and headers through http.ServeContent
#             (what the standard library's conditional/range code costs)
#   whitenoise WhiteNoise 6 (Debian's python3-whitenoise) under gunicorn, 2 workers
# One server runs at a time; each round runs all five in turn; the best round
# of each is reported with the ratios the issue asks for, in requests per
# second and in CPU time of the server's processes per request (read from
# /proc; the steadier measure when other work shares the machine).
# Installs nginx-light, wrk, gunicorn, python3-whitenoise and brotli from
# Debian when missing, and builds the corpus with ../shared/corpus/static-tree.sh
# (STATIC_TREE_SH overrides its path) into BENCH_DIR (default /tmp/staticfiles-serve-bench).
set -euo pipefail

secs=${1:-10}
rounds=${2:-2}
conns=32
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work=${BENCH_DIR:-/tmp/staticfiles-serve-bench}
mkdir -p "$work"

missing=()
command -v nginx >/dev/null || missing+=(nginx-light)
command -v wrk >/dev/null || missing+=(wrk)
command -v gunicorn >/dev/null || missing+=(gunicorn)
command -v brotli >/dev/null || missing+=(brotli)
/usr/bin/python3 -c 'import whitenoise' 2>/dev/null || missing+=(python3-whitenoise)
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing ${missing[*]} from Debian"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
fi

tree_sh=${STATIC_TREE_SH:-$root/../shared/corpus/static-tree.sh}
[ -f "$tree_sh" ] || tree_sh=/work/shared/corpus/static-tree.sh
if [ ! -d "$work/corpus/static" ]; then
	bash "$tree_sh" "$work/corpus"
fi

# The served tree: the corpus under static/, a hashed copy of
# bootstrap.min.css with its brotli variant, and a manifest naming it.
site="$work/site"
src=static/vendor/bootstrap/css/bootstrap.min.css
if [ ! -f "$site/staticfiles.json" ]; then
	rm -rf "$site" && mkdir -p "$site"
	cp -r "$work/corpus/static" "$site/static"
	hash=$(md5sum "$site/$src" | cut -c1-12)
	hashed="${src%.css}.$hash.css"
	cp "$site/$src" "$site/$hashed"
	brotli -q 11 -c "$site/$hashed" >"$site/$hashed.br"
	printf '{"paths": {"%s": "%s"}, "version": "1.0"}' "$src" "$hashed" >"$site/staticfiles.json"
fi
hashed=$(/usr/bin/python3 -c 'import json,sys; print(list(json.load(open(sys.argv[1]))["paths"].values())[0])' "$site/staticfiles.json")
brsize=$(stat -c %s "$site/$hashed.br")
echo "file: /$hashed (brotli variant: $brsize bytes, original $(stat -c %s "$site/$hashed"))"

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

go build -o "$work/servebench" "$root/staticfiles/bench/servebench"

# nginx: the precompressed bytes with the same headers.
mkdir -p "$work/nginx/logs"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes auto;
daemon off;
error_log $work/nginx/logs/error.log;
pid $work/nginx/nginx.pid;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 100000;
	server {
		listen 127.0.0.1:__PORT__;
		root $site;
		location = /$hashed {
			types { }
			default_type "text/css; charset=utf-8";
			add_header Content-Encoding br;
			add_header Vary Accept-Encoding;
			add_header Cache-Control "public, max-age=31536000, immutable";
			add_header X-Content-Type-Options nosniff;
			try_files /$hashed.br =404;
		}
	}
}
EOF

# WhiteNoise 6 in front of an empty WSGI application.
mkdir -p "$work/whitenoise"
cat >"$work/whitenoise/app.py" <<EOF
from whitenoise import WhiteNoise

def empty(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]

application = WhiteNoise(empty, root="$site/static", prefix="static",
                         immutable_file_test=r"\.[0-9a-f]{12}\.\w+$")
EOF

pid=""
start() { # name port
	case $1 in
	nginx) sed "s/__PORT__/$2/" "$work/nginx/nginx.conf" >"$work/nginx/run.conf"
		nginx -p "$work/nginx" -c "$work/nginx/run.conf" & ;;
	servecontent) "$work/servebench" -mode servecontent -root "$site" -file "$hashed" -addr "127.0.0.1:$2" 2>"$work/servecontent.log" & ;;
	minimal) "$work/servebench" -mode minimal -root "$site" -file "$hashed" -addr "127.0.0.1:$2" 2>"$work/minimal.log" & ;;
	handler) "$work/servebench" -mode handler -root "$site" -addr "127.0.0.1:$2" 2>"$work/handler.log" & ;;
	whitenoise) gunicorn --workers 2 --bind "127.0.0.1:$2" --chdir "$work/whitenoise" --log-level warning app:application & ;;
	esac
	pid=$!
	for _ in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$2/" && return 0
		sleep 0.1
	done
	echo "$1 did not start" >&2
	return 1
}
stop() {
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}
trap stop EXIT

check() { # name url: the answer must be the brotli bytes
	local hdrs
	hdrs=$(curl -s -D - -o "$work/got" -H 'Accept-Encoding: gzip, deflate, br, zstd' "$2")
	if ! grep -qi '^content-encoding: br' <<<"$hdrs" || ! cmp -s "$work/got" "$site/$hashed.br"; then
		echo "$1 did not answer the brotli bytes:" >&2
		echo "$hdrs" >&2
		exit 1
	fi
}

hz=$(getconf CLK_TCK)
cpu_ticks() { # utime+stime of a process and its children (nginx and gunicorn workers)
	local total=0 p
	for p in "$1" $(pgrep -P "$1" || true); do
		[ -r "/proc/$p/stat" ] || continue
		total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
	done
	echo "$total"
}

declare -A best bestcpu
servers=(nginx minimal handler servecontent whitenoise)
for round in $(seq "$rounds"); do
	for s in "${servers[@]}"; do
		port=$(free_port)
		start "$s" "$port"
		url="http://127.0.0.1:$port/$hashed"
		check "$s" "$url"
		wrk -t2 -c"$conns" -d2s -H 'Accept-Encoding: gzip, deflate, br, zstd' "$url" >/dev/null # warm-up
		t0=$(cpu_ticks "$pid")
		out=$(wrk -t2 -c"$conns" -d"${secs}s" -H 'Accept-Encoding: gzip, deflate, br, zstd' "$url")
		t1=$(cpu_ticks "$pid")
		stop
		rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
		reqs=$(awk '/requests in/ {print $1}' <<<"$out")
		# CPU time the server's processes spent per request: steadier than
		# req/s when other work shares the machine.
		us=$(awk -v d=$((t1 - t0)) -v n="$reqs" -v hz="$hz" 'BEGIN {printf "%.1f", d / hz * 1e6 / n}')
		printf 'round %d  %-12s %8.0f req/s  %7s CPU-us/req\n' "$round" "$s" "$rps" "$us"
		if [ -z "${best[$s]:-}" ] || awk "BEGIN{exit !($rps > ${best[$s]})}"; then
			best[$s]=$rps
		fi
		if [ -z "${bestcpu[$s]:-}" ] || awk "BEGIN{exit !($us < ${bestcpu[$s]})}"; then
			bestcpu[$s]=$us
		fi
	done
done

echo
echo "best of $rounds rounds, ${secs}s each, wrk -t2 -c$conns, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg):"
for s in "${servers[@]}"; do
	printf '  %-12s %8.0f req/s  %7s CPU-us/req\n' "$s" "${best[$s]}" "${bestcpu[$s]}"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a / b}'; }
echo "  throughput ratios (req/s):"
echo "    handler / minimal      $(ratio "${best[handler]}" "${best[minimal]}") (target >= 0.9)"
echo "    handler / whitenoise   $(ratio "${best[handler]}" "${best[whitenoise]}") (target >= 5)"
echo "    handler / nginx        $(ratio "${best[handler]}" "${best[nginx]}")"
echo "    servecontent / minimal $(ratio "${best[servecontent]}" "${best[minimal]}")"
echo "  per-request CPU ratios (the inverse: requests per CPU-second):"
echo "    handler vs minimal     $(ratio "${bestcpu[minimal]}" "${bestcpu[handler]}") (target >= 0.9)"
echo "    handler vs whitenoise  $(ratio "${bestcpu[whitenoise]}" "${bestcpu[handler]}") (target >= 5)"
echo "    handler vs nginx       $(ratio "${bestcpu[nginx]}" "${bestcpu[handler]}")"
echo "    servecontent vs minimal $(ratio "${bestcpu[minimal]}" "${bestcpu[servecontent]}")"
