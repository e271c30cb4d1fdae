#!/usr/bin/env bash
# Install the system packages Store Steward needs, where this machine allows it, and say
# plainly what is missing. Never fails the build by itself: the checks that need a package
# (PDF rendering, browser tests) report its absence in their own words.
set -u
need=()
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    need+=(fonts-noto-cjk fonts-wqy-microhei)
fi
if [ ! -x /usr/bin/chromium ]; then
    need+=(chromium)
fi
if ! command -v pdftoppm >/dev/null 2>&1; then
    need+=(poppler-utils)  # PDF pages to PNG and text, to check rendered reports
fi
if ! ldconfig -p 2>/dev/null | grep -q libpango-1.0; then
    need+=(libpango-1.0-0 libpangoft2-1.0-0)
fi
[ ${#need[@]} -eq 0 ] && exit 0

echo "system-deps: installing ${need[*]}"
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: cannot install ${need[*]} (needs root and apt-get)."
    echo "system-deps: without a CJK font PDFs show boxes for Chinese; without Chromium the browser tests fail."
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"; } >/tmp/steward-apt.log 2>&1; then
    echo "system-deps: apt-get could not install ${need[*]}; see /tmp/steward-apt.log"
fi
fc-list :lang=zh | grep -q . || echo "system-deps: NO Chinese font installed: PDFs will not render Chinese text."
[ -x /usr/bin/chromium ] || echo "system-deps: NO Chromium: browser tests cannot run."
command -v pdftoppm >/dev/null 2>&1 || echo "system-deps: NO poppler-utils: PDF checks cannot read the rendered files."
exit 0
