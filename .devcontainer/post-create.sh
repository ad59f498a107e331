#!/usr/bin/env bash
# Runs once when the dev container is created (also usable on any Debian/Ubuntu machine with the .NET 10 SDK).
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

# strace and gcc: later lessons trace and measure real processes. Jupyter: the long-term notebook host.
$sudo apt-get update
$sudo apt-get install -y --no-install-recommends strace gcc libc6-dev jupyter-nbconvert python3-nbclient jupyter-notebook

# The pinned tools from dotnet-tools.json: dotnet-interactive (the kernel) and dotnet-repl (headless runs).
dotnet tool restore

# Register the .net-csharp kernel for Jupyter (JupyterLab and VS Code's Jupyter extension use it).
mkdir -p "$HOME/.local/share/jupyter/kernels"
dotnet interactive jupyter install

# Build the library the lessons load: artifacts/bin/CourseKit/debug/CourseKit.dll.
dotnet build CourseKit.sln
