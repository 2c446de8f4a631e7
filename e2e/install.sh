#!/bin/sh
# Installs what the browser tests need on a fresh Debian machine, and only
# what is missing: Debian's Chromium (playwright's own browser download cannot
# work here), a Java runtime for the Nu Html Checker, and the npm packages
# pinned in package-lock.json. Safe to run again. Needs root for apt-get.
set -eu
cd "$(dirname "$0")"

missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"
command -v node >/dev/null 2>&1 || missing="$missing nodejs npm"
if [ -n "$missing" ]; then
	echo "e2e/install.sh: installing$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
fi

# The packages pinned in package-lock.json. --ignore-scripts: vnu-jar's
# postinstall would download a Java runtime from GitHub; the system's Java
# runs vnu.jar.
npm ci --ignore-scripts --no-audit --no-fund
