#!/usr/bin/env bash
# huifang against taskwarrior 2.6.2 on the same data: "what is due today", one process each.
#
#   bash tests/bench/taskwarrior.sh [EVENTS]        (default 100000; release build first)
#
# Installs taskwarrior (Debian's package) when it is missing. The data set: the demo's events
# (`huifang demo --csv`), imported into huifang; every one of them becomes one taskwarrior task
# through `task import` (JSON): a selected event is a pending task scheduled when its call-back
# window opens and due when it closes, the others are completed. Then, five times each:
#   huifang due --json                  (open windows and past due, as JSON)
#   task +READY export                  (pending and scheduled by now, as JSON)
# and prints the median of each and their ratio.
set -euo pipefail

EVENTS=${1:-100000}
HERE=$(cd "$(dirname "$0")/../.." && pwd)
HUIFANG=${HUIFANG_BIN:-$HERE/target/release/huifang}
[ -x "$HUIFANG" ] || { echo "no $HUIFANG: cargo build --release first (or set HUIFANG_BIN)" >&2; exit 1; }

if ! command -v task >/dev/null; then
    echo "installing taskwarrior…" >&2
    SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
    $SUDO apt-get install -y taskwarrior >/dev/null
fi
task --version | head -1 | sed 's/^/taskwarrior /'

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export HUIFANG_NOW='2026-12-03 10:00' TZ=Asia/Shanghai HUIFANG_DB="$WORK/huifang.db"
export TASKRC="$WORK/taskrc" TASKDATA="$WORK/task"
mkdir -p "$TASKDATA"
printf 'data.location=%s\nconfirmation=off\nverbose=nothing\nhooks=off\ngc=off\n' "$TASKDATA" > "$TASKRC"

"$HUIFANG" demo --events "$EVENTS" --sites 20 --months 24 --seed 1 --csv "$WORK/events.csv" >/dev/null
t0=$(date +%s.%N)
"$HUIFANG" import "$WORK/events.csv" >/dev/null
t1=$(date +%s.%N)
echo "huifang import of $EVENTS events: $(echo "$t1 - $t0" | bc) s"

# One taskwarrior task per event, from what huifang stored (its windows, its selection).
python3 - "$HUIFANG_DB" "$WORK/tasks.json" <<'PY'
import json, sqlite3, sys
from datetime import datetime, timedelta, timezone
db, out = sys.argv[1], sys.argv[2]
tz = timezone(timedelta(hours=8))
def tw(day, end=False):
    d = datetime.strptime(day[:10], "%Y-%m-%d").replace(tzinfo=tz)
    if end:
        d += timedelta(hours=23, minutes=59, seconds=59)
    return d.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
c = sqlite3.connect(db)
rows = c.execute("""
    SELECT e.ref, e.category, e.site, e.customer, e.matter, e.completed_at, e.selected,
           min(t.opens), min(t.due)
    FROM events e LEFT JOIN tasks t ON t.event_id = e.id GROUP BY e.id ORDER BY e.id""")
with open(out, "w") as f:
    f.write("[\n")
    first = True
    for ref, cat, site, customer, matter, completed, selected, opens, due in rows:
        task = {
            "description": f"回访 {ref} {customer} {matter}",
            "project": site,
            "tags": [cat],
            "entry": tw(completed),
        }
        if selected and opens:
            task.update(status="pending", scheduled=tw(opens), due=tw(due, end=True))
        else:
            task.update(status="completed", end=tw(completed))
        f.write(("" if first else ",\n") + json.dumps(task, ensure_ascii=False))
        first = False
    f.write("\n]\n")
PY
t0=$(date +%s.%N)
task import "$WORK/tasks.json" >/dev/null 2>&1
t1=$(date +%s.%N)
echo "taskwarrior import of $EVENTS tasks: $(echo "$t1 - $t0" | bc) s"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_runs() {
    for _ in 1 2 3 4 5; do
        local s e
        s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
        echo $(( (e - s) / 1000 ))
    done | median
}
"$HUIFANG" due --json >/dev/null; task +READY export >/dev/null 2>&1 || true
h=$(time_runs "$HUIFANG" due --json)
t=$(time_runs task +READY export)
hn=$("$HUIFANG" due --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
tn=$(task +READY export 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
printf '\n%-40s %12s %10s\n' "what is due today, one process" "median" "items"
printf '%-40s %9.1f ms %10s\n' "huifang due --json" "$(echo "$h / 1000" | bc -l)" "$hn"
printf '%-40s %9.1f ms %10s\n' "task +READY export (taskwarrior)" "$(echo "$t / 1000" | bc -l)" "$tn"
printf 'huifang is %.0f× faster (target ≥ 100×)\n' "$(echo "$t / $h" | bc -l)"
