# Sourced by the boot tests after they set $src (the source root): $guests
# is where Debian's guest files live (scripts/fetch-guests.sh), and
# need_guests FILE... fetches them when one is missing. Boot tests run in
# parallel: one fetch at a time, the others then find the cache.
guests=${RELIC_GUESTS:-$src/build/guests}
need_guests() {
    for f in "$@"; do
        [ -e "$guests/$f" ] && continue
        mkdir -p "$guests"
        flock "$guests/.fetch.lock" "$src/scripts/fetch-guests.sh" "$guests" >/dev/null \
            || { echo "FAIL: fetching the guests"; exit 1; }
        return 0
    done
}
