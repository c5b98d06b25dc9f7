#!/usr/bin/env bash
# Makes a fresh machine ready to build and test Probabilistic. Idempotent: safe to run again.
#
#   scripts/setup.sh            native prerequisites, then `dotnet restore`
#   scripts/setup.sh --peers    also the Python peers used by bench/ (Debian 12 packages)
#   scripts/setup.sh --current-peers
#                               also the current peers (Debian 13's scikit-learn, PyTorch, hmmlearn) in a chroot, made by
#                               ../shared/peers/current.sh setup (root, ~5 min and 1.7 GB once); for bench --peers current|both.
#                               Optional: CI and the tests never need it.
set -euo pipefail
cd "$(dirname "$0")/.."

want_peers=0
want_current_peers=0
for arg in "$@"; do
  case "$arg" in
    --peers) want_peers=1 ;;
    --current-peers) want_current_peers=1 ;;
    *) echo "setup.sh: unknown option '$arg' (known: --peers, --current-peers)" >&2; exit 2 ;;
  esac
done

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_update_once() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
}

# --- libstdc++ with GLIBCXX_3.4.32 (GCC 13+), needed by TorchSharp 0.107's native library ---
has_glibcxx() {
  local lib
  for lib in /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib/aarch64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6; do
    [ -e "$lib" ] && grep -qa 'GLIBCXX_3\.4\.32' "$lib" && return 0
  done
  return 1
}

if has_glibcxx; then
  echo "setup: libstdc++ provides GLIBCXX_3.4.32"
else
  . /etc/os-release 2>/dev/null || true
  if [ "${ID:-}" = debian ] && [ "${VERSION_ID:-}" = 12 ]; then
    echo "setup: Debian 12 lacks GLIBCXX_3.4.32; installing libstdc++6 from trixie (pinned at priority 100)"
    if [ ! -f /etc/apt/sources.list.d/trixie.list ]; then
      mirror=$(grep -rhsE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/ | grep -oE 'https?://[^ ]+/debian/?' | head -n 1 || true)
      mirror=${mirror:-http://deb.debian.org/debian}
      echo "deb ${mirror%/} trixie main" | as_root tee /etc/apt/sources.list.d/trixie.list >/dev/null
    fi
    if [ ! -f /etc/apt/preferences.d/trixie-pin ]; then
      printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' | as_root tee /etc/apt/preferences.d/trixie-pin >/dev/null
    fi
    apt_update_once
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq -t trixie libstdc++6
    has_glibcxx || { echo "setup: libstdc++6 from trixie did not provide GLIBCXX_3.4.32" >&2; exit 1; }
  else
    cat >&2 <<MSG
setup: libstdc++ with GLIBCXX_3.4.32 (GCC 13 or newer) is missing on ${PRETTY_NAME:-this system}.
       TorchSharp's native library (the VAE) will not load without it. Install your distribution's
       libstdc++ from GCC 13+ (e.g. Ubuntu 24.04: libstdc++6 14.x; Fedora 39+: libstdc++), then rerun.
MSG
  fi
fi

# --- Python peers for bench/ (optional) ---
if [ "$want_peers" = 1 ]; then
  missing=()
  for p in python3-sklearn python3-pomegranate python3-torch python3-nltk python3-numpy python3-scipy libopenblas0-pthread; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing peers: ${missing[*]}"
    apt_update_once
    # Without recommends: python3-torch recommends libtorch-dev, whose unversioned libtorch_cpu.so (1.13) on the
    # system path is what TorchSharp loads by name inside .NET Interactive, where the VAE notebook then fails.
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends -t bookworm "${missing[@]}"
  fi
  if dpkg -s libtorch-dev >/dev/null 2>&1; then
    echo "setup: note: libtorch-dev puts libtorch 1.13 on the library path; TorchSharp in .NET Interactive loads it instead of its own" >&2
    echo "setup:       and the VAE notebook fails. 'apt-get remove libtorch-dev' (python3-torch does not need it)." >&2
  fi
fi

# --- Current peers for bench/ --peers current|both (optional): Debian 13's versions in a chroot ---
if [ "$want_current_peers" = 1 ]; then
  current=../shared/peers/current.sh
  [ -x "$current" ] || { echo "setup: $current not found (the current peers need ../shared/peers beside the checkout)" >&2; exit 1; }
  as_root "$current" setup
fi

# --- Redis: the membership store of partitioned fits (prob worker --cluster redis://...); the CLI tests start their own
#     redis-server on a free port and stop it afterwards, so CI needs the binary, not a running service ---
if ! command -v redis-server >/dev/null; then
  echo "setup: installing redis-server (membership of partitioned fits; the tests start and stop their own)"
  apt_update_once
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq redis-server
fi

# --- .NET ---
command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 1; }
# prob serve (Probabilistic.Serving) runs on the ASP.NET Core shared framework, which the SDK installs beside .NET itself.
dotnet --list-runtimes | grep -q '^Microsoft.AspNetCore.App 10\.' \
  || { echo "setup: the ASP.NET Core 10 runtime (Microsoft.AspNetCore.App) is missing; install the full .NET 10 SDK" >&2; exit 1; }
if [ -f Probabilistic.sln ]; then
  dotnet restore Probabilistic.sln --verbosity quiet
fi

# --- Notebooks on the real kernel: Jupyter's Debian packages, .NET Interactive (a local tool: dotnet-tools.json) and
#     its .net-csharp kernel spec, which the test suite runs every notebook on (scripts/run-notebooks.py) ---
missing=()
for p in jupyter-core jupyter-client jupyter-nbconvert python3-nbclient python3-nbformat; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Jupyter's pieces: ${missing[*]}"
  apt_update_once
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}"
fi
if [ -f dotnet-tools.json ]; then
  dotnet tool restore >/dev/null
  specs=$(jupyter kernelspec list 2>/dev/null || true)   # read whole: grep -q would end the pipe early under pipefail
  if ! grep -q '^ *\.net-csharp ' <<<"$specs"; then
    echo "setup: registering the .NET Interactive kernels with Jupyter"
    dotnet interactive jupyter install
  fi
fi
echo "setup: ready"
