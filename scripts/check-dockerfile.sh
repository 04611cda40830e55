#!/usr/bin/env bash
# No Docker engine runs here, so the Dockerfile is checked statically: every file it copies exists, its
# install step is the README's install command (npm ci), and its entry point is the package's bin.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
while read -r src; do
  [ -e "$src" ] || { echo "Dockerfile copies $src, which does not exist"; fail=1; }
done < <(grep -E '^COPY ' Dockerfile | grep -v -- '--from=' | awk '{for (i=2;i<NF;i++) print $i}')
grep -q '^RUN npm ci' Dockerfile || { echo "Dockerfile does not install with npm ci"; fail=1; }
grep -q 'npm ci' README.md || { echo "README's install command is not npm ci"; fail=1; }
bin=$(node -p "require('./package.json').bin.anchord")
grep -q "\"$bin\"" Dockerfile || { echo "Dockerfile ENTRYPOINT does not run the package bin $bin"; fail=1; }
[ "$fail" = 0 ] && echo "Dockerfile: static checks passed"
exit "$fail"
