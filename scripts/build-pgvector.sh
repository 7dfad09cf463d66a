#!/usr/bin/env bash
# Build and install the pgvector extension for the local PostgreSQL server from Debian's source
# package (bookworm has no binary package for PostgreSQL 15). Root only (apt-get, make install).
#
# The archive comes from this machine's own apt configuration: its deb lines (one-line .list or
# deb822 .sources) are turned into deb-src lines in a private apt state directory; the system's
# apt lists are left alone. Suites: the configured ones plus $PGVECTOR_SUITES (default "stable",
# the first Debian release that ships pgvector's source for us). Nothing is done when the
# extension is already installed. Takes about 20 s.
set -euo pipefail

SUITES_EXTRA=${PGVECTOR_SUITES:-stable}

pg_config=${PG_CONFIG:-}
if [[ -z $pg_config ]]; then
    pg_config=$(ls -d /usr/lib/postgresql/*/bin/pg_config 2>/dev/null | sort -V | tail -n 1 || true)
    [[ -n $pg_config ]] || pg_config=$(command -v pg_config || true)
fi
[[ -n $pg_config ]] || { echo "build-pgvector: no pg_config found (install postgresql)" >&2; exit 1; }
sharedir=$("$pg_config" --sharedir)
major=$("$pg_config" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
if [[ -f $sharedir/extension/vector.control ]]; then
    echo "build-pgvector: pgvector already installed for PostgreSQL $major"
    exit 0
fi
[[ $(id -u) -eq 0 ]] || { echo "build-pgvector: run as root (apt-get, make install)" >&2; exit 1; }

work=$(mktemp -d /tmp/build-pgvector.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sources.list.d" "$work/lists/partial" "$work/src"

# deb-src entries derived from the configured deb entries; the extra suites are added only
# beside this release's own suite (that is Debian's archive, not a third-party repository).
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    awk -v extra="$SUITES_EXTRA" -v codename="$codename" '
        $1 == "deb" {
            j = 2; if ($2 ~ /^\[/) { while ($j !~ /\]$/) j++; j++ }   # j: the URI field
            line = $0; sub(/^deb/, "deb-src", line); print line
            if ($(j + 1) != codename) next
            n = split(extra, add, " ")
            for (i = 1; i <= n; i++) {
                out = ""
                for (k = 1; k <= NF; k++) out = out (k > 1 ? " " : "") (k == j + 1 ? add[i] : $k)
                sub(/^deb/, "deb-src", out); print out
            }
        }' "$f" >>"$work/sources.list.d/derived.list"
done
for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    awk -v extra="$SUITES_EXTRA" -v codename="$codename" '
        BEGIN { RS = ""; ORS = "\n\n" }
        /(^|\n)Types:[^\n]*deb/ && !/(^|\n)Enabled: *no/ {
            stanza = $0
            gsub(/Types:[^\n]*/, "Types: deb-src", stanza)
            if (codename != "" && stanza ~ ("Suites:([^\n]* )?" codename "( |\n|$)")) {
                sub(/Suites:[^\n]*/, "& " extra, stanza)
            }
            print stanza
        }' "$f" >"$work/sources.list.d/$(basename "$f")"
done

apt_opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$work/sources.list.d"
          -o "Dir::State::Lists=$work/lists" -o "APT::Sandbox::User=root")
echo "build-pgvector: fetching source lists"
# A repository without source indexes only warns here; `apt-get source` below decides.
apt-get "${apt_opts[@]}" -qq update || echo "build-pgvector: some source lists failed" >&2
cd "$work/src"
apt-get "${apt_opts[@]}" -qq source pgvector
srcdir=$(find "$work/src" -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)
[[ -n $srcdir ]] || { echo "build-pgvector: no pgvector source unpacked" >&2; exit 1; }

if [[ ! -f /usr/include/postgresql/$major/server/postgres.h ]]; then
    echo "build-pgvector: installing postgresql-server-dev-$major"
    apt-get -qq update
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "postgresql-server-dev-$major" make gcc >/dev/null
fi

echo "build-pgvector: building $(basename "$srcdir") for PostgreSQL $major"
make -C "$srcdir" -s -j"$(nproc)" PG_CONFIG="$pg_config" OPTFLAGS="" with_llvm=no
make -C "$srcdir" -s install PG_CONFIG="$pg_config" with_llvm=no
echo "build-pgvector: installed $(sed -nE "s/default_version = '(.*)'/\1/p" "$sharedir/extension/vector.control")"
