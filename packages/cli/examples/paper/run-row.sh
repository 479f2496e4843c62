#!/usr/bin/env bash
# One row of the FedLoGe paper's CIFAR-LT table (docs/paper-table.md): every strategy of the row
# trained into its own run folder, resumable across sessions. Run it again after any stop (Ctrl-C,
# SIGTERM, a closed session, a reboot): finished runs are skipped, interrupted ones continue from
# their newest checkpoint with `fedloge train --resume`, missing ones start. At the end it prints
# each run's last and best GM/PM and its warnings (`compare` cannot resume, so it is not used).
#
#   packages/cli/examples/paper/run-row.sh <row> [out]          e.g. cifar10-lt-if001-a05
#   STRATEGIES="fedloge fedavg" DATA_DIR=/path/to/cifar-10-batches-bin packages/cli/examples/paper/run-row.sh <row>
#
# Extra `fedloge train` flags for new runs go in TRAIN_FLAGS (e.g. "--eval-every 10 --threads 2");
# a resume keeps the run's own config (only --workers/--threads/--checkpoint-* may change).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
row="${1:?usage: run-row.sh <row> [out]; rows: $(cd "$here" && ls *.yaml | sed 's/\.yaml$//' | tr '\n' ' ')}"
config="$here/$row.yaml"
[[ -f "$config" ]] || { echo "run-row.sh: no config $config" >&2; exit 2; }
out="${2:-runs/paper/$row}"
# The baselines of the reference's logs that we have (FedAvg, FedProx, Ditto, FedETF), then our other Fed-LT baselines.
strategies="${STRATEGIES:-fedloge fedavg fedprox ditto fedetf fedrod fedlc creff fedbabu}"
fedloge="${FEDLOGE:-npx fedloge}"
data_flags=()
[[ -n "${DATA_DIR:-}" ]] && data_flags=(--data-dir "$DATA_DIR")
read -r -a extra <<<"${TRAIN_FLAGS:-}"

# State of a run folder: done (summary.json of a finished run), resume (a checkpoint), or new.
state() {
  local dir="$1"
  if [[ -f "$dir/summary.json" ]] && node -e 'const s=require(process.argv[1]); process.exit(s.final && !s.interrupted ? 0 : 1)' "$(realpath "$dir/summary.json")"; then
    echo done
  elif compgen -G "$dir/checkpoints/round-*.ckpt" >/dev/null; then
    echo resume
  else
    echo new
  fi
}

for s in $strategies; do
  dir="$out/$s"
  case "$(state "$dir")" in
    done) echo "== $s: finished ($dir)" ;;
    resume)
      echo "== $s: resuming $dir"
      $fedloge train --resume "$dir"
      ;;
    new)
      echo "== $s: starting $dir"
      # --overwrite: a folder without a checkpoint holds at most the first round's partial output.
      $fedloge train --config "$config" --strategy "$s" --out "$dir" --overwrite "${data_flags[@]}" "${extra[@]}"
      ;;
  esac
done

# The row's numbers, from each run's summary.json (accuracy %, headline GM and PM).
node - "$out" $strategies <<'JS'
const [out, ...strategies] = process.argv.slice(2);
const fs = require('node:fs');
const pct = (x) => (x === null || x === undefined ? '–' : (100 * x).toFixed(2));
console.log('| strategy | round | GM last | GM best (round) | GM tail last | PM last | PM best (round) | warnings |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const s of strategies) {
  const file = `${out}/${s}/summary.json`;
  if (!fs.existsSync(file)) continue;
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!r.final) continue;
  const w = (r.warnings ?? []).map((x) => `⚠ ${x.variant} no ${x.group} class, rounds ${x.fromRound}–${x.toRound}`).join('; ');
  console.log(
    `| ${s} | ${r.final.round} | ${pct(r.final.gm.acc)} | ${pct(r.best.gm.metrics.acc)} (${r.best.gm.round}) | ${pct(r.final.gm.tail)} | ` +
      `${pct(r.final.pm.acc)} | ${pct(r.best.pm.metrics.acc)} (${r.best.pm.round}) | ${w} |`,
  );
}
JS
