#!/usr/bin/env bash
# `spatialvp sweep --backend slurm` on a real single-node Slurm: munged, slurmctld and slurmd on
# localhost with a generated slurm.conf in a temporary folder, started here and stopped by PID.
# Checks: the job array (with the partition, time and memory asked for) and the dependent gather
# job produce one completed row per point; a point's stats are byte-identical (outside
# `performance`) to the same point in a local sweep; a rerun while the jobs run is refused; after
# scancel of the array mid-sweep, a rerun submits only the missing points and finishes
# with no lost and no duplicated row.
# Usage: slurm_sweep_test.sh SPATIALVP_BINARY SOURCE_DIR   (exit 77 = skipped)
set -euo pipefail
spatialvp="$1"
source_dir="$2"

for tool in munged munge slurmctld slurmd sbatch sinfo squeue scancel; do
  if ! command -v "$tool" > /dev/null; then
    echo "SKIP: '$tool' not found: Slurm cannot run here (Debian: apt-get install slurmctld" \
         "slurmd slurm-client munge; scripts/setup installs them)"
    exit 77
  fi
done

if [[ "$(id -u)" -ne 0 ]]; then
  echo "SKIP: slurmd must run as root to launch jobs (run the tests as root, as CI does)"
  exit 77
fi

work="$(mktemp -d /tmp/spatialvp-slurm-test.XXXXXX)"
pids=()
cleanup() {
  local status=$?
  # Stop what this test started, by PID, newest first.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2> /dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2> /dev/null || true
  done
  if ((status != 0 && status != 77)); then
    echo "--- logs (failure) ---"
    tail -n 20 "$work"/log/* 2> /dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND"' ERR
fail() { echo "FAIL: $*"; exit 1; }

mkdir -p "$work/munge" "$work/state" "$work/spool" "$work/log"
chmod 700 "$work/munge"
head -c 1024 /dev/urandom > "$work/munge/munge.key"
chmod 600 "$work/munge/munge.key"
socket="$work/munge/munge.socket"
munged -F -f --socket="$socket" --key-file="$work/munge/munge.key" \
  --pid-file="$work/munge/munged.pid" --seed-file="$work/munge/munged.seed" \
  --log-file="$work/log/munged.log" > "$work/log/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [[ -S "$socket" ]] && break; sleep 0.1; done
[[ -S "$socket" ]] || fail "munged did not start"

read -r ctld_port slurmd_port < <(/usr/bin/env python3 -c '
import socket
ports = []
keep = []
for _ in range(2):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); keep.append(s); ports.append(s.getsockname()[1])
print(*ports)')
user="$(id -un)"
cpus="$(nproc)"
cat > "$work/slurm.conf" << EOF
ClusterName=spatialvptest
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1,bf_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MpiDefault=none
SwitchType=switch/none
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=1000 State=UNKNOWN
PartitionName=spatialvp Nodes=localhost Default=YES MaxTime=10 State=UP
EOF
export SLURM_CONF="$work/slurm.conf"
slurmctld -D -i -f "$SLURM_CONF" > "$work/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N localhost -f "$SLURM_CONF" > "$work/log/slurmd.out" 2>&1 &
pids+=($!)
state=""
for _ in $(seq 100); do
  state="$(sinfo -h -o %T 2> /dev/null || true)"
  [[ "$state" == "idle" ]] && break
  sleep 0.2
done
[[ "$state" == "idle" ]] || fail "the Slurm node is not idle (state '$state')"
echo "Slurm up on ports $ctld_port/$slurmd_port"

cd "$work"
sweep=(sweep --base "$source_dir/platform/configs/star.yaml" --set ctrl.workload.heads=1
       --set ctrl.workload.hidden_size=128 --grid ctrl.workload.seq_len=256,512,1024
       --grid 'ctrl.operating_point.keep_ratio=0.1,0.2' --grid 'hbm.data_rate=1 Gb/s,2 Gb/s')
points=12
slurm=(--backend slurm --partition spatialvp --time '120 s' --memory '100 MiB'
       --points-per-task 5)

rows_check() {  # folder: one completed row per point, ids 0..points-1 once each
  /usr/bin/env python3 - "$1" "$points" << 'EOF'
import csv, json, sys
folder, points = sys.argv[1], int(sys.argv[2])
rows = list(csv.DictReader(open(folder + "/results.csv")))
ids = [int(r["point_id"]) for r in rows]
assert ids == list(range(points)), ids
bad = [(r["point_id"], r["status"], r["error"]) for r in rows if r["status"] != "completed"]
assert not bad, bad
assert all(float(r["latency_s"]) > 0 for r in rows)
assert len(open(folder + "/results.jsonl").read().splitlines()) == points
EOF
}

# 1. A whole sweep on Slurm: 12 points in 3 array tasks, then the gather job.
"$spatialvp" "${sweep[@]}" "${slurm[@]}" --out slurm_sweep > slurm.out 2> slurm.err ||
  { cat slurm.out slurm.err; fail "slurm sweep exited $?"; }
grep -q "12 of 12 points completed" slurm.out || { cat slurm.out; fail "summary"; }
[[ "$(wc -l < slurm_sweep/slurm/submit-0/tasks.txt)" == 3 ]] || fail "expected 3 array tasks"
[[ -s slurm_sweep/slurm/submit-0/gather.log || -f slurm_sweep/slurm/submit-0/gather.log ]] ||
  fail "no gather log"
ls slurm_sweep/slurm/submit-0/task-*.log > /dev/null || fail "no task logs"
rows_check slurm_sweep || fail "slurm results table"

# 2. Determinism: the same points in a local sweep and under Slurm have identical stats.
"$spatialvp" "${sweep[@]}" --workers 2 --out local_sweep --quiet || fail "local sweep"
/usr/bin/env python3 - << 'EOF' || fail "stats differ between Slurm and local runs"
for point in range(12):
    # Byte for byte up to the wall-clock block, which comes last.
    a, b = (open(f"{d}/points/{point:06d}/run/stats.json").read().split('"performance"')[0]
            for d in ("slurm_sweep", "local_sweep"))
    assert len(a) > 1000 and a == b, point
EOF

# 3. Resume: scancel the array once a few points are done; a rerun finishes the rest.
"$spatialvp" "${sweep[@]}" "${slurm[@]}" --points-per-task 2 --no-wait --out resumed \
  > submit.out 2>&1 || { cat submit.out; fail "submit"; }
array_job="$(sed -n 's/.*job array \([0-9]*\).*/\1/p' submit.out)"
[[ -n "$array_job" ]] || { cat submit.out; fail "no job id printed"; }
# Up to 60 s: under ASan (scripts/test --sanitize) a point takes several times longer.
for _ in $(seq 1200); do
  done_points=$( (ls resumed/points/*/status.json 2> /dev/null || true) | wc -l)
  ((done_points >= 2)) && break
  sleep 0.05
done
# The array honours the partition, time and memory settings (120 s -> 2 min, 100 MiB).
job="$(scontrol show job "$array_job" 2> /dev/null || true)"
if [[ -n "$job" ]]; then
  grep -q "Partition=spatialvp" <<< "$job" || fail "partition not applied"
  grep -q "TimeLimit=00:02:00" <<< "$job" || fail "time limit not applied"
  grep -Eq "MinMemoryNode=100M|mem=100M" <<< "$job" || fail "memory not applied"
fi
# While its jobs run, a rerun of the sweep is refused.
if "$spatialvp" "${sweep[@]}" "${slurm[@]}" --out resumed > early.out 2>&1; then
  fail "a rerun started while the jobs were running"
fi
grep -q "still queued or running" early.out || { cat early.out; fail "no refusal message"; }
scancel "$array_job"
for _ in $(seq 100); do
  [[ -z "$(squeue -h -o %i 2> /dev/null)" ]] && break
  sleep 0.2
done
completed_before=$( (grep -l '"exit_code": 0' resumed/points/*/status.json 2> /dev/null || true) |
  wc -l)
echo "scancel after $completed_before completed points"
((completed_before < points)) || fail "the array finished before scancel; nothing to resume"
"$spatialvp" "${sweep[@]}" "${slurm[@]}" --points-per-task 2 --out resumed > resume.out \
  2> resume.err || { cat resume.out resume.err; fail "resumed sweep exited $?"; }
rows_check resumed || fail "resumed results table"
missing=$((points - completed_before))
submitted=$(tr ',' '\n' < resumed/slurm/submit-1/tasks.txt | grep -c .)
[[ "$submitted" -le "$missing" ]] || fail "the rerun submitted $submitted points, $missing missing"
grep -q "resuming" resume.err || fail "no resume message"
echo "PASS: Slurm sweep, determinism vs local, resume after scancel ($submitted points rerun)"
