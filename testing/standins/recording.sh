# Shared by the shell stand-ins: where the recording they replay lives. CLAWBAR_TELEMETRY_DIR wins;
# else the demo world's moving recording under CLAWBAR_HOME; else the M3 Ultra set in testing/.
recording_dir() {
  if [ -n "${CLAWBAR_TELEMETRY_DIR:-}" ]; then
    printf '%s\n' "$CLAWBAR_TELEMETRY_DIR"
  elif [ -n "${CLAWBAR_HOME:-}" ] && [ -d "$CLAWBAR_HOME/demo/telemetry" ]; then
    printf '%s\n' "$CLAWBAR_HOME/demo/telemetry"
  else
    printf '%s\n' "$(cd "$(dirname "$0")/../recordings/m3ultra-256gb" && pwd)"
  fi
}
