#!/usr/bin/env bash
# Runs CourseKit's benchmarks and writes artifacts/bench/report.md (see bench/CourseKit.Bench/Program.cs).
# Usage: bench/run.sh [--quick] [--no-course] [--no-real] [BenchmarkDotNet options, e.g. --filter '*Fork*']
# Needs the .NET 10 SDK and gcc (for the real-kernel probe). Takes several minutes; --quick is a smoke test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec dotnet run -c Release --project bench/CourseKit.Bench -- "$@"
