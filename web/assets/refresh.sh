#!/usr/bin/env bash
# refresh.sh rebuilds web/assets/vendor from the npm packages pinned in package.json, and
# copies axe-core into web/browsertest (axe is for browser tests only: it is embedded in
# the test harness, never in web/assets, so it stays out of the production binary).
#
# The vendored files are committed so that building and running peerpulse never needs npm;
# run this (via `make assets`) only after changing a version in package.json.
# npm works in a temporary copy so node_modules never lands in the repository.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
vendor="$root/web/assets/vendor"
browsertest="$root/web/browsertest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp "$root/package.json" "$work/"
if [[ -f "$root/package-lock.json" ]]; then
	cp "$root/package-lock.json" "$work/"
	(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
else
	(cd "$work" && npm install --omit-lockfile-registry-resolved --ignore-scripts --no-audit --no-fund --loglevel=error)
	cp "$work/package-lock.json" "$root/"
fi

nhs="$work/node_modules/nhsuk-frontend"
nhsdist="$nhs/dist/nhsuk"
ech="$work/node_modules/echarts"
axe="$work/node_modules/axe-core"

version() { node -p "require('$1/package.json').version"; }

# hash10 prints the same version tag web.AssetURL computes, so CSS references to
# images get immutable caching too.
hash10() { sha256sum "$1" | cut -c1-10; }

rm -rf "$vendor"
mkdir -p "$vendor/images"

# Images: only the ones the stylesheet references, plus the favicons the layout links.
css_src="$nhsdist/nhsuk-frontend.min.css"
mapfile -t referenced < <(grep -o 'url(/assets/images/[^)]*)' "$css_src" | sed 's|url(/assets/images/||; s|)$||' | sort -u)
for img in "${referenced[@]}" favicon.ico favicon.svg nhsuk-icon-180.png; do
	cp "$nhsdist/assets/images/$img" "$vendor/images/"
done

# Stylesheet:
#  - drop the @font-face rules: they load Frutiger from a third-party host, which would
#    hand every attendee's IP address to it (and CSP blocks it anyway); the CSS font stack
#    falls back to Arial;
#  - point image URLs at our copies, relative to the stylesheet, with a content hash;
#  - drop the source map comment: maps are not shipped.
cp "$css_src" "$work/nhsuk.css"
perl -0pi -e 's/\@font-face\{[^}]*\}//g; s{/\*# sourceMappingURL=[^*]*\*/}{}g' "$work/nhsuk.css"
for img in "${referenced[@]}"; do
	h="$(hash10 "$vendor/images/$img")"
	perl -pi -e "s{url\\(/assets/images/\\Q$img\\E\\)}{url(images/$img?v=$h)}g" "$work/nhsuk.css"
done
if grep -Eq 'url\((https?:)?//|url\(/' "$work/nhsuk.css"; then
	echo "refresh.sh: nhsuk-frontend CSS still references a file we do not ship:" >&2
	grep -Eo 'url\([^)]*\)' "$work/nhsuk.css" | grep -Ev 'url\((images/|data:)' >&2
	exit 1
fi
cp "$work/nhsuk.css" "$vendor/nhsuk-frontend.min.css"

perl -0pe 's{//# sourceMappingURL=\S*}{}g' "$nhsdist/nhsuk-frontend.min.js" >"$vendor/nhsuk-frontend.min.js"
cp "$ech/dist/echarts.min.js" "$vendor/echarts.min.js"

# Licences. The nhsuk-frontend npm package declares MIT but ships no licence file, so
# the upstream text is written out here when the package lacks one.
nhs_licence="$(ls "$nhs"/LICEN[CS]E* 2>/dev/null | head -n1 || true)"
if [[ -n "$nhs_licence" ]]; then
	cp "$nhs_licence" "$vendor/nhsuk-frontend-LICENCE.txt"
else
	cat >"$vendor/nhsuk-frontend-LICENCE.txt" <<'EOF'
MIT License

Copyright (c) 2019 NHS.UK

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF
fi
cp "$ech/LICENSE" "$vendor/echarts-LICENSE.txt"
if [[ -f "$ech/NOTICE" ]]; then
	cp "$ech/NOTICE" "$vendor/echarts-NOTICE.txt"
fi

cat >"$vendor/VERSIONS.txt" <<EOF
nhsuk-frontend $(version "$nhs")
echarts $(version "$ech")
EOF

# axe-core for the browser-test harness, beside the Go file that embeds it.
cp "$axe/axe.min.js" "$browsertest/axe.min.js"
cp "$axe/LICENSE" "$browsertest/axe-core-LICENSE.txt"
echo "axe-core $(version "$axe")" >"$browsertest/axe-VERSION.txt"

echo "refresh.sh: vendored into ${vendor#"$root"/}:"
(cd "$vendor" && find . -type f | sort | xargs ls -l | awk '{printf "  %8d  %s\n", $5, $9}')
echo "refresh.sh: copied axe-core $(version "$axe") into ${browsertest#"$root"/}"
