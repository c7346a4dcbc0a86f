#!/usr/bin/env bash
# Peak memory of one `portal-kiosk sync` pass against a backend whose answers
# never end: every request is answered 200 with `{"items":[` and then
# `{"a":1},` for ever, without a Content-Length (issue 12, item 3).
#
# Before the body limits this drove the kiosk to 4–5 GB in 20–40 s. Now each
# answer is cut off at its `[backend.max_body_bytes]` limit (promo 1 MiB,
# services 8 MiB, …) and the pass ends at once with every collection FAILED.
#
# Usage:  cargo build [--release]
#         tests/perf/endless-body.sh [path/to/portal-kiosk]
# Prints the sync report, the bytes the server wrote per request before the
# kiosk hung up, and "Maximum resident set size" from /usr/bin/time -v.

set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$here/target}
bin=${1:-}
if [[ -z $bin ]]; then
    for candidate in "$target/release/portal-kiosk" "$target/debug/portal-kiosk"; do
        if [[ -x $candidate ]]; then
            bin=$candidate
            break
        fi
    done
fi
if [[ -z $bin || ! -x $bin ]]; then
    echo "no portal-kiosk binary; build one or pass its path" >&2
    exit 2
fi
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (GNU time)" >&2; exit 2; }

work=$(mktemp -d)
server_pid=
cleanup() {
    [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# The endless backend: one thread per connection, stops writing when the
# client hangs up (or after 120 s), and logs what it wrote.
cat >"$work/endless.py" <<'PY'
import http.server, socketserver, sys, time

class Endless(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self):
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("etag", '"endless"')
        self.send_header("connection", "close")
        self.end_headers()
        chunk = b'{"a":1},' * 8192
        written, started = 0, time.monotonic()
        try:
            self.wfile.write(b'{"items":[')
            while time.monotonic() - started < 120:
                self.wfile.write(chunk)
                written += len(chunk)
        except OSError:
            pass
        print(f"{self.command} {self.path}: {written} body bytes written before the client hung up",
              file=sys.stderr, flush=True)

    do_GET = answer
    do_POST = answer

    def log_message(self, *args):
        pass

class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

server = Server(("127.0.0.1", 0), Endless)
print(server.server_address[1], flush=True)
server.serve_forever()
PY

python3 "$work/endless.py" >"$work/port" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 50); do
    [[ -s $work/port ]] && break
    sleep 0.1
done
port=$(head -n1 "$work/port")

echo 'token = "perf-token-0123456789abcdef"' >"$work/credentials.toml"
cat >"$work/kiosk.toml" <<TOML
[kiosk]
id = "lt-perf-01"
site = "Perf"
mode = "kiosk"

[town]
name = "Horní Javoří"
municipality = "Město Horní Javoří"
portal_name = "Portál občana Horní Javoří"
web = "obcan.hornijavori.example"
ico = "71234560"
address = "Náměstí Míru 1, 123 45 Horní Javoří"
phone = "+420 499 100 100"
support_email = "kiosk@hornijavori.example"
colors = { primary = "#1f4d2b", primary_dark = "#12301a", stripe = "#c9a227", highlight = "#f2d675" }

[backend]
url = "http://127.0.0.1:$port/kiosk/v1/"
credentials_file = "$work/credentials.toml"

[storage]
data_dir = "$work/data"

[logging]
level = "warn"
format = "terminal"
TOML

echo "binary: $bin"
status=0
/usr/bin/time -v -o "$work/time.txt" "$bin" sync --config "$work/kiosk.toml" \
    2>"$work/kiosk.log" || status=$?
sleep 0.5
echo "--- sync exit status $status (non-zero expected: every collection fails)"
cat "$work/kiosk.log"
echo "--- server"
cat "$work/server.log"
echo "--- measured"
grep -E "Maximum resident set size|Elapsed \(wall clock\)" "$work/time.txt"
