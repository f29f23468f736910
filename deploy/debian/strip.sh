#!/bin/sh
# CMAKE_STRIP for scripts/package.sh: strip as Debian's dh_strip does,
# also dropping the .comment and .note sections (lintian:
# binary-has-unneeded-section).
exec strip --remove-section=.comment --remove-section=.note --strip-unneeded "$@"
