/* Raw disk images with an optional in-memory snapshot overlay (see disk.h). */
#include "disk.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(char *err, size_t errlen, const char *path, const char *why)
{
    if (err && errlen)
        snprintf(err, errlen, "disk image '%s': %s", path, why);
    return -1;
}

int disk_open(struct disk *d, const char *path, enum disk_media media, int snapshot,
              char *err, size_t errlen)
{
    struct stat st;
    memset(d, 0, sizeof *d);
    d->fd = -1;
    d->media = media;
    d->block_size = media == DISK_MEDIA_CDROM ? DISK_CD_SECTOR : DISK_SECTOR;
    d->snapshot = snapshot;
    snprintf(d->path, sizeof d->path, "%s", path);

    if (!path || !*path)
        return fail(err, errlen, "", "no file name given");
    if (stat(path, &st) < 0)
        return fail(err, errlen, path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return fail(err, errlen, path, "is a directory");
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
        return fail(err, errlen, path, "not a regular file or block device");

    /* A CD is read-only media; a snapshot never writes the file. */
    int want_write = media != DISK_MEDIA_CDROM && !snapshot;
    d->fd = open(path, (want_write ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (d->fd < 0) {
        int e = errno;
        if (want_write && (e == EACCES || e == EROFS || e == EPERM)) {
            /* Readable but not writable: say so; unreadable: say that. */
            int rfd = open(path, O_RDONLY | O_CLOEXEC);
            if (rfd >= 0) {
                close(rfd);
                return fail(err, errlen, path, "image is read-only; use -snapshot to run with a "
                            "temporary overlay, or make the file writable");
            }
            e = errno;
        }
        return fail(err, errlen, path, strerror(e));
    }
    /* Honour the permission bits even where the host lets us write anyway
     * (root ignores them): a file nobody may write is a read-only image. */
    if (want_write && S_ISREG(st.st_mode) && !(st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH))) {
        close(d->fd);
        d->fd = -1;
        return fail(err, errlen, path, "image is read-only; use -snapshot to run with a "
                    "temporary overlay, or make the file writable");
    }
    d->readonly = media == DISK_MEDIA_CDROM;

    off_t end = lseek(d->fd, 0, SEEK_END);
    if (end < 0) {
        int e = errno;
        close(d->fd);
        d->fd = -1;
        return fail(err, errlen, path, strerror(e));
    }
    d->size = (uint64_t)end;
    /* Probe that it can be read at all (e.g. EISDIR-like oddities, EIO). */
    if (d->size) {
        uint8_t probe[512];
        if (pread(d->fd, probe, sizeof probe, 0) < 0) {
            int e = errno;
            close(d->fd);
            d->fd = -1;
            return fail(err, errlen, path, strerror(e));
        }
    }
    if (d->size == 0) {
        close(d->fd);
        d->fd = -1;
        return fail(err, errlen, path, "image is empty (zero length)");
    }
    if (d->size % d->block_size) {
        char why[160];
        snprintf(why, sizeof why, "size %llu is not a multiple of %u bytes%s",
                 (unsigned long long)d->size, d->block_size,
                 media == DISK_MEDIA_CDROM ? " (CD-ROM images are in 2048-byte sectors)" : "");
        close(d->fd);
        d->fd = -1;
        return fail(err, errlen, path, why);
    }
    return 0;
}

void disk_close(struct disk *d)
{
    if (d->fd >= 0)
        close(d->fd);
    d->fd = -1;
    for (size_t i = 0; i < d->ov_cap; i++)
        free(d->ov[i].data);
    free(d->ov);
    d->ov = NULL;
    d->ov_cap = d->ov_used = 0;
}

/* ---- snapshot overlay ----------------------------------------------------- */

static size_t ov_hash(uint64_t s, size_t cap)
{
    s *= 0x9e3779b97f4a7c15ull;
    return (size_t)(s >> 17) & (cap - 1);
}

static uint8_t *ov_find(const struct disk *d, uint64_t sector)
{
    if (!d->ov_used)
        return NULL;
    for (size_t i = ov_hash(sector, d->ov_cap);; i = (i + 1) & (d->ov_cap - 1)) {
        if (!d->ov[i].data)
            return NULL;
        if (d->ov[i].sector == sector)
            return d->ov[i].data;
    }
}

static int ov_grow(struct disk *d)
{
    size_t ncap = d->ov_cap ? d->ov_cap * 2 : 1024;
    struct disk_overlay_slot *n = calloc(ncap, sizeof *n);
    if (!n)
        return -1;
    for (size_t i = 0; i < d->ov_cap; i++) {
        if (!d->ov[i].data)
            continue;
        size_t j = ov_hash(d->ov[i].sector, ncap);
        while (n[j].data)
            j = (j + 1) & (ncap - 1);
        n[j] = d->ov[i];
    }
    free(d->ov);
    d->ov = n;
    d->ov_cap = ncap;
    return 0;
}

static int ov_store(struct disk *d, uint64_t sector, const uint8_t *data)
{
    uint8_t *p = ov_find(d, sector);
    if (!p) {
        if ((d->ov_used + 1) * 4 > d->ov_cap * 3 && ov_grow(d) < 0)
            return -1;
        p = malloc(DISK_SECTOR);
        if (!p)
            return -1;
        size_t i = ov_hash(sector, d->ov_cap);
        while (d->ov[i].data)
            i = (i + 1) & (d->ov_cap - 1);
        d->ov[i].sector = sector;
        d->ov[i].data = p;
        d->ov_used++;
    }
    memcpy(p, data, DISK_SECTOR);
    return 0;
}

/* ---- I/O ------------------------------------------------------------------- */

static int host_pread(int fd, uint8_t *buf, size_t len, uint64_t off)
{
    while (len) {
        ssize_t n = pread(fd, buf, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return 0;
}

static int host_pwrite(int fd, const uint8_t *buf, size_t len, uint64_t off)
{
    while (len) {
        ssize_t n = pwrite(fd, buf, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return 0;
}

static int in_range(const struct disk *d, uint64_t offset, size_t len)
{
    return d->fd >= 0 && offset % DISK_SECTOR == 0 && len % DISK_SECTOR == 0 &&
           offset <= d->size && len <= d->size - offset;
}

int disk_read(struct disk *d, uint64_t offset, void *buf, size_t len)
{
    if (!in_range(d, offset, len))
        return -1;
    if (host_pread(d->fd, buf, len, offset) < 0)
        return -1;
    if (d->ov_used) {
        uint8_t *b = buf;
        for (size_t i = 0; i < len; i += DISK_SECTOR) {
            const uint8_t *p = ov_find(d, (offset + i) / DISK_SECTOR);
            if (p)
                memcpy(b + i, p, DISK_SECTOR);
        }
    }
    return 0;
}

int disk_write(struct disk *d, uint64_t offset, const void *buf, size_t len)
{
    if (!in_range(d, offset, len) || d->readonly)
        return -1;
    if (!d->snapshot)
        return host_pwrite(d->fd, buf, len, offset);
    const uint8_t *b = buf;
    for (size_t i = 0; i < len; i += DISK_SECTOR)
        if (ov_store(d, (offset + i) / DISK_SECTOR, b + i) < 0)
            return -1;
    return 0;
}

int disk_flush(struct disk *d)
{
    if (d->fd < 0)
        return -1;
    if (d->snapshot || d->readonly)
        return 0;
    return fdatasync(d->fd);
}
