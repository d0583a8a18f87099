# Sourced by the process tests in scripts/test-extras.d (run from the repository root): one
# home for their set-up and clean-up.
#   process_test_setup NAME BINARY
# sets `bin` (the gridclear binary, absolute), `src` (the repository's Inputs folder) and
# `work` (a fresh folder /tmp/gridclear-NAME-XXXXXX); `pid` maps names to the processes the
# test starts. On exit every process in `pid` is resumed (if stopped) and killed with kill -9,
# waited for, and `work` is removed; SIGINT/SIGTERM exit 1 through the same path.
declare -A pid
process_test_setup() {
  bin="$(realpath "$2")"
  src="$(pwd)/Inputs"
  work=$(mktemp -d "/tmp/gridclear-$1-XXXXXX")
  trap process_test_cleanup EXIT
  trap 'exit 1' INT TERM
}
process_test_cleanup() {
  for k in "${!pid[@]}"; do kill -CONT "${pid[$k]}" 2>/dev/null; kill -9 "${pid[$k]}" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
