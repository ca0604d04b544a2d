#!/usr/bin/env bash
# huifang against taskwarrior 2.6.2 on the same data: "what is due today", one process each.
#
#   bash tests/bench/taskwarrior.sh [EVENTS]        (default 100000; release build first)
#
# Installs taskwarrior (Debian's package) when it is missing. The data set: the demo's events
# (`huifang demo --csv`), imported into huifang; every one of them becomes one taskwarrior task
# through `task import` (JSON): an event with a call-back still to do is a pending task scheduled
# when its window opens and due when it closes, the others are completed. Twice: right after the
# import (nothing worked yet: every open window is due) and on the same events with the desk's
# two years of work behind them (`huifang demo`, same seed). Then, RUNS times each (default 21):
#   huifang due --json                  (open windows and past due, as JSON)
#   task +READY export                  (pending and scheduled by now, as JSON)
# and prints the median of each and their ratio.
set -euo pipefail

EVENTS=${1:-100000}
RUNS=${RUNS:-21}
HERE=$(cd "$(dirname "$0")/../.." && pwd)
HUIFANG=${HUIFANG_BIN:-$HERE/target/release/huifang}
[ -x "$HUIFANG" ] || { echo "no $HUIFANG: cargo build --release first (or set HUIFANG_BIN)" >&2; exit 1; }

if ! command -v task >/dev/null; then
    echo "installing taskwarrior…" >&2
    SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
    # A fresh machine has no package lists yet: fetch them when the first try finds nothing.
    $SUDO apt-get install -y taskwarrior >/dev/null 2>&1 ||
        { $SUDO apt-get update -qq && $SUDO apt-get install -y taskwarrior >/dev/null; }
fi
task --version | head -1 | sed 's/^/taskwarrior /'

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export HUIFANG_NOW='2026-12-03 10:00' TZ=Asia/Shanghai
export TASKRC="$WORK/taskrc"

"$HUIFANG" demo --events "$EVENTS" --sites 20 --months 24 --seed 1 --csv "$WORK/events.csv" >/dev/null
t0=$(date +%s.%N)
"$HUIFANG" --db "$WORK/imported.db" import "$WORK/events.csv" >/dev/null
t1=$(date +%s.%N)
echo "huifang import of the $EVENTS-event CSV: $(echo "$t1 - $t0" | bc) s"
"$HUIFANG" --db "$WORK/worked.db" demo --events "$EVENTS" --sites 20 --months 24 --seed 1 >/dev/null

# One taskwarrior task per event, from what huifang stored: an event with a call-back still to
# do is a pending task scheduled when that window opens and due when it closes; the others are
# completed.
to_taskwarrior() {
python3 - "$1" "$2" <<'PY'
import json, os, sqlite3, sys
from datetime import datetime, timedelta, timezone
db, out = sys.argv[1], sys.argv[2]
tz = timezone(timedelta(hours=8))
# taskwarrior's "now" is the clock's, huifang's is HUIFANG_NOW: every date moves by the
# difference, so both ask "what is due" at the same point of the history.
huifang_now = datetime.strptime(os.environ["HUIFANG_NOW"], "%Y-%m-%d %H:%M").replace(tzinfo=tz)
shift = datetime.now(timezone.utc) - huifang_now
def tw(day, end=False):
    d = datetime.strptime(day[:10], "%Y-%m-%d").replace(tzinfo=tz)
    if end:
        d += timedelta(hours=23, minutes=59, seconds=59)
    return (d + shift).astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
c = sqlite3.connect(db)
rows = c.execute("""
    SELECT e.ref, e.category, e.site, e.customer, e.matter, e.completed_at, min(t.opens), min(t.due)
    FROM events e LEFT JOIN tasks t ON t.event_id = e.id AND t.state = 'pending'
    GROUP BY e.id ORDER BY e.id""")
with open(out, "w") as f:
    f.write("[\n")
    first = True
    for ref, cat, site, customer, matter, completed, opens, due in rows:
        task = {
            "description": f"回访 {ref} {customer} {matter}",
            "project": site,
            "tags": [cat],
            "entry": tw(completed),
        }
        if opens:
            task.update(status="pending", scheduled=tw(opens), due=tw(due, end=True))
        else:
            task.update(status="completed", end=tw(completed))
        f.write(("" if first else ",\n") + json.dumps(task, ensure_ascii=False))
        first = False
    f.write("\n]\n")
PY
}

# The median wall time of RUNS runs of a command, in microseconds, each started straight from
# python and its output thrown away. Timing with `date` before and after put the start-up of
# `date` itself (about a millisecond here) into every run: /bin/true "took" 1.9 ms that way, and
# 0.74 ms from python.
time_runs() {
    python3 - "$RUNS" "$@" <<'PY'
import statistics, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append(time.perf_counter() - start)
print(round(statistics.median(times) * 1e6))
PY
}
count() { python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

# Both tools on one huifang database and its taskwarrior copy.
compare() {
    local label=$1 db=$2
    export TASKDATA="$WORK/task-$label"
    mkdir -p "$TASKDATA"
    printf 'data.location=%s\nconfirmation=off\nverbose=nothing\nhooks=off\ngc=off\n' "$TASKDATA" > "$TASKRC"
    to_taskwarrior "$db" "$WORK/tasks-$label.json"
    local t0 t1
    t0=$(date +%s.%N)
    task import "$WORK/tasks-$label.json" >/dev/null 2>&1
    t1=$(date +%s.%N)
    echo "taskwarrior import of $EVENTS tasks ($label): $(echo "$t1 - $t0" | bc) s"
    "$HUIFANG" --db "$db" due --json >/dev/null; task +READY export >/dev/null 2>&1 || true
    local h t hn tn
    h=$(time_runs "$HUIFANG" --db "$db" due --json)
    t=$(time_runs task +READY export)
    hn=$("$HUIFANG" --db "$db" due --json | count)
    tn=$(task +READY export 2>/dev/null | count)
    printf '\n%s — what is due today, one process   %10s %8s\n' "$label" "median" "items"
    printf '  %-44s %7.1f ms %8s\n' "huifang due --json" "$(echo "$h / 1000" | bc -l)" "$hn"
    printf '  %-44s %7.1f ms %8s\n' "task +READY export (taskwarrior 2.6.2)" "$(echo "$t / 1000" | bc -l)" "$tn"
    printf '  huifang is %.0f× faster (target ≥ 100×)\n\n' "$(echo "$t / $h" | bc -l)"
}

# The CSV just imported: nothing worked yet, every open window is due.
compare "imported" "$WORK/imported.db"
# The same events with two years of the desk's work behind them (huifang demo, same seed).
compare "worked" "$WORK/worked.db"
