#!/usr/bin/env bash
# capture.sh: build the probes in this folder and (re)write the CourseKit datasets from the running kernel.
#
# Usage: capture.sh [--out DIR] [--quick] [DATASET...]
#   DATASET: cow, creation-cost, maps, strace, process-facts (default: all five)
#   --out DIR  write the datasets under DIR (default: the datasets/ folder that contains capture/)
#   --quick    smaller and fewer runs (cow: no 16384-page region; creation-cost: up to 256 MiB, fewer
#              repetitions): a probe from a lesson, not the shipped data
# Needs: bash, gcc (a static libc is optional), strace (only for the strace dataset).
# Every dataset folder gets a provenance.txt ("key: value" lines) describing the machine it came from.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(dirname "$here")"
quick=0
wanted=()
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out="$2"; shift 2 ;;
        --quick) quick=1; shift ;;
        cow|creation-cost|maps|strace|process-facts) wanted+=("$1"); shift ;;
        *) echo "capture.sh: unknown argument '$1' (expected --out DIR, --quick, cow, creation-cost, maps, strace, process-facts)" >&2; exit 2 ;;
    esac
done
[ ${#wanted[@]} -gt 0 ] || wanted=(cow creation-cost maps strace process-facts)
mkdir -p "$out"
out="$(cd "$out" && pwd)"
build="$(mktemp -d "${TMPDIR:-/tmp}/coursekit-capture.XXXXXX")"
trap 'rm -rf "$build"' EXIT

# provenance DIR COMMAND: describe this machine, so data from different machines can be told apart.
provenance() {
    local dir="$1" command="$2" cmdline thp zero
    cmdline="$(cat /proc/cmdline 2>/dev/null || echo unknown)"
    thp="$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo unavailable)"
    # The zero page: what the command line asks for, and what a read of untouched pages really does.
    case " $cmdline " in
        *" pvm_no_zero_page=1 "*) zero="disabled by the kernel command line (pvm_no_zero_page=1)" ;;
        *) zero="not disabled on the kernel command line (no pvm_no_zero_page=1)" ;;
    esac
    zero="$zero; measured: $zero_probe"
    {
        echo "# CourseKit dataset provenance: written by datasets/capture/capture.sh"
        echo "captured: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "command: $command"
        echo "kernel: $(uname -r)"
        echo "kernel_build: $(uname -v)"
        echo "machine: $(uname -m)"
        echo "cmdline: $cmdline"
        echo "transparent_hugepage: $thp"
        echo "zero_page: $zero"
        echo "note: every probe writes a page before it reads it, so the data do not depend on the zero page"
        echo "page_size: $(getconf PAGESIZE)"
        echo "cpu_model: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //' || echo unknown)"
        echo "cpus: $(nproc)"
        echo "libc: $(ldd --version 2>&1 | head -1)"
        echo "gcc: $(gcc --version | head -1)"
        if command -v strace >/dev/null; then echo "strace: $(strace -V | head -1)"; fi
    } > "$dir/provenance.txt"
}

cc() { gcc -O2 -Wall -Wextra -o "$build/$1" "$here/$1.c" "${@:2}"; }

# Measure once whether reads of untouched anonymous pages map the shared zero page (see zeropage.c).
cc zeropage
zero_probe="$("$build/zeropage")"
case "$zero_probe" in
    *=0) zero_probe="$zero_probe, reads map the shared zero page (stock behaviour)" ;;
    *) zero_probe="$zero_probe, every read allocates a private zeroed page (zero page disabled)" ;;
esac

capture_cow() {
    local dir="$out/cow" sizes="256 4096 16384"
    [ "$quick" = 1 ] && sizes="256 4096"
    mkdir -p "$dir"
    cc cow
    {
        echo "pages,percent,order,step,process,pages_written,minor_faults,rss_kb,pss_kb,shared_clean_kb,shared_dirty_kb,private_clean_kb,private_dirty_kb,anon_huge_kb"
        for pages in $sizes; do
            for percent in 0 25 50 100; do
                for order in alive exited; do "$build/cow" "$pages" "$percent" "$order"; done
            done
        done
    } > "$dir/cow.csv"
    provenance "$dir" "cow PAGES PERCENT ORDER for PAGES in $sizes, PERCENT in 0 25 50 100, ORDER in alive exited"
}

capture_cost() {
    local dir="$out/creation-cost" rounds=8 reps=3 cpu
    [ "$quick" = 1 ] && { rounds=2; reps=2; }
    mkdir -p "$dir"
    cc cost
    cpu=$(( $(nproc) - 1 ))      # the last CPU: pinned, so migrations do not add noise
    local sizes="0 16 64 256 1024"
    [ "$quick" = 1 ] && sizes="0 16 64 256"
    echo "round,size_mib,method,exec,return_us,reaped_us" > "$dir/samples.csv"
    echo "size_mib,method,exec,samples,min_return_us,median_return_us,min_reaped_us,median_reaped_us" > "$dir/summary.csv"
    SAMPLES="$build/samples" SUMMARY="$build/summary" "$build/cost" "$rounds" "$reps" "$cpu" $sizes
    cat "$build/samples" >> "$dir/samples.csv"
    cat "$build/summary" >> "$dir/summary.csv"
    provenance "$dir" "cost $rounds $reps $cpu $sizes (ROUNDS REPS CPU SIZE_MIB...)"
}

capture_maps() {
    local dir="$out/maps" static_note
    mkdir -p "$dir"
    cc maps
    "$build/maps" > "$dir/dynamic.maps"
    rm -f "$dir/static.maps"
    if gcc -O2 -static -o "$build/maps-static" "$here/maps.c" 2>/dev/null; then
        "$build/maps-static" > "$dir/static.maps"
        static_note="static.maps from gcc -static"
    else
        static_note="static.maps missing: gcc -static failed (no static libc, e.g. libc6-dev without libc.a)"
    fi
    provenance "$dir" "maps (dynamic.maps: gcc -O2; $static_note)"
}

capture_strace() {
    local dir="$out/strace" list=""
    command -v strace >/dev/null || { echo "capture.sh: strace not installed, skipping the strace dataset" >&2; return 0; }
    mkdir -p "$dir"
    cc threads -pthread
    cc thread_exec -pthread
    cc spawn
    cc vfork_exec
    # trace NAME OPTIONS -- COMMAND...: strace -f with OPTIONS, -o NAME.trace (the program's output is dropped)
    trace() {
        local name="$1"; shift
        local opts=()
        while [ "$1" != "--" ]; do opts+=("$1"); shift; done
        shift
        (cd "$build" && strace -f "${opts[@]}" -o "$dir/$name.trace" "$@" >/dev/null 2>&1) || true
        list+="$name.trace: strace -f ${opts[*]} -o $name.trace$(printf ' %q' "$@")"$'\n'
    }
    trace pipeline -ttt -e trace=process -- bash -c 'ls /tmp | wc -l'
    trace pipeline-all-syscalls -ttt -- bash -c 'ls /tmp | wc -l'
    trace pipeline-t -t -e trace=process -- bash -c 'ls /tmp | wc -l'
    trace pipeline-tt -tt -e trace=process -- bash -c 'ls /tmp | wc -l'
    trace pipeline-r -r -e trace=process -- bash -c 'ls /tmp | wc -l'
    trace pipeline-no-time -e trace=process -- bash -c 'ls /tmp | wc -l'
    trace background -ttt -e trace=process -- bash -c 'sleep 0.2 & echo started; wait; echo done'
    trace subshell -ttt -e trace=process -- bash -c '(cd /tmp && pwd); echo after'
    trace killed -ttt -e trace=process -- bash -c 'sleep 5 & kill -TERM $!; wait $!; echo status=$?'
    trace threads -ttt -- ./threads
    trace thread-exec -ttt -e trace=process -- ./thread_exec
    trace posix-spawn -ttt -e trace=process -- ./spawn
    trace vfork -ttt -e trace=process -- ./vfork_exec
    # Without -o, strace writes to stderr and marks lines with "[pid N]" once it traces more than one process.
    (cd "$build" && strace -f -ttt -e trace=process bash -c 'ls /tmp | wc -l' 2> "$dir/pipeline-stderr.trace" >/dev/null) || true
    list+="pipeline-stderr.trace: strace -f -ttt -e trace=process bash -c 'ls /tmp | wc -l' 2> pipeline-stderr.trace"$'\n'
    provenance "$dir" "strace (one file per command, listed below)"
    printf '# traces (./threads, ./spawn, ./vfork_exec are built from datasets/capture/*.c)\n%s' "$list" >> "$dir/provenance.txt"
}

capture_process_facts() {
    local dir="$out/process-facts"
    mkdir -p "$dir"
    cc statuses
    cc reparent
    echo "scenario,result,errno,status_hex,wifexited,wexitstatus,wifsignaled,wtermsig,wcoredump" > "$dir/statuses.csv"
    "$build/statuses" >> "$dir/statuses.csv"
    echo "scenario,process,parent_before,parent_after,parent_after_comm" > "$dir/reparent.csv"
    "$build/reparent" | sort >> "$dir/reparent.csv"
    provenance "$dir" "statuses; reparent | sort"
}

for d in "${wanted[@]}"; do
    case "$d" in
        cow) capture_cow ;;
        creation-cost) capture_cost ;;
        maps) capture_maps ;;
        strace) capture_strace ;;
        process-facts) capture_process_facts ;;
    esac
    echo "capture.sh: wrote $out/$d" >&2
done
