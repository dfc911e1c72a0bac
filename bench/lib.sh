# Shared by the benchmark scripts: source it, then `need CMD PACKAGE...` installs PACKAGE with
# apt-get (as root) when CMD is missing, or stops the benchmark with a clear message.
need() {
  local cmd=$1
  shift
  command -v "$cmd" >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing $* (for $cmd)" >&2
    apt-get install -y -qq "$@" >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$@" >/dev/null 2>&1; }
  fi
  command -v "$cmd" >/dev/null || { echo "$cmd is needed: apt-get install $*" >&2; exit 2; }
}
