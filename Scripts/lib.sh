# Shared by the Sotto scripts. Sourced, never run.

# The models directory: $SOTTO_MODELS_DIR, else under the XDG data home.
sotto_models_dir() {
  if [ -n "${SOTTO_MODELS_DIR:-}" ]; then echo "$SOTTO_MODELS_DIR"; return; fi
  echo "${XDG_DATA_HOME:-$HOME/.local/share}/sotto/models"
}

# OpenBLAS 0.3.21 runs CPUs newer than it knows with older kernels: Zen 4/5 with its AVX2
# (Haswell) ones, about half the sgemm speed, and an Emerald Rapids Xeon with Prescott's SSE3.
# It reads OPENBLAS_CORETYPE only when the library loads, so the variable must be set before a
# process starts: SkylakeX where the CPU really has every AVX-512 subset those kernels use,
# Haswell where it has AVX2 and FMA. The sotto binary applies the same rule to itself when
# started directly.
sotto_export_blas_core() {
  [ -n "${OPENBLAS_CORETYPE:-}" ] && return 0
  local flags f core=SkylakeX
  flags="$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)"
  for f in avx512f avx512bw avx512vl avx512dq avx512cd; do
    case " $flags " in *" $f "*) ;; *) core="" ;; esac
  done
  if [ -z "$core" ]; then
    case " $flags " in *" avx2 "*) case " $flags " in *" fma "*) core=Haswell ;; esac ;; esac
  fi
  [ -n "$core" ] && export OPENBLAS_CORETYPE="$core"
  return 0
}

# Prints the python of the tests' venv, creating it (with the openai client) when missing.
sotto_test_venv() {
  local venv="${XDG_CACHE_HOME:-$HOME/.cache}/sotto/test-venv"
  local pin="openai==3.63.0"
  if ! "$venv/bin/python" -c "import openai, sys; sys.exit(openai.__version__ != '${pin#*==}')" >/dev/null 2>&1; then
    python3 -m venv "$venv" >&2 || { echo "test: cannot create the venv $venv" >&2; return 1; }
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$pin" >&2 \
      || { echo "test: cannot install $pin from the Python package index" >&2; return 1; }
  fi
  echo "$venv/bin/python"
}

# Reruns the engines' reference checks at each kernel tier this CPU runs other than the one the
# main run used, and names the tiers it cannot run as skipped. $1: the built sotto, which
# refuses (exit 2) a tier the CPU lacks. OpenBLAS runs the kernels the sotto binary gives the
# tier (Haswell's for avx2, Nehalem's for generic), as it would for a user.
sotto_rerun_engines_per_tier() {
  local sotto="$1" ran tier core
  ran="$("$sotto" info | awk '/^kernel tier/ {print $3}')"
  for tier in generic avx2 avx512 amx; do
    [ "$tier" = "$ran" ] && continue
    if ! SOTTO_ISA="$tier" "$sotto" info >/dev/null 2>&1; then
      echo "test: engine checks at the $tier tier skipped: this CPU cannot run it"
      continue
    fi
    echo "test: Piper and Qwen3-TTS against their references at the $tier tier"
    case "$tier" in avx2) core=Haswell ;; generic) core=Nehalem ;; *) core="${OPENBLAS_CORETYPE:-}" ;; esac
    OPENBLAS_CORETYPE="$core" SOTTO_ISA="$tier" swift test -c release --skip-build --filter 'PiperTests|Qwen3TTSTests'
  done
}
